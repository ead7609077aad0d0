import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../cli/events/sample.js';
import { replayEvents } from '../cli/replay/replay.js';
import { simTarget } from '../cli/replay/sim-target.js';
import type { SimState } from '../cli/sim/index.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';

const HOME = '111111111111';
const MEMBERS = ['222222222222', '333333333333'];
const NOT_ALLOWED = '444444444444';
const NO_ROLE = '555555555555';
const REGIONS = ['eu-west-2', 'eu-central-1'];
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';

function region() {
  return {
    securityGroups: [
      {
        GroupId: GROUP,
        Rules: [
          {
            SecurityGroupRuleId: 'sgr-0a0a0a0a0a0a0a0b1',
            GroupId: GROUP,
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '0.0.0.0/0',
          },
          {
            SecurityGroupRuleId: 'sgr-0a0a0a0a0a0a0a0b2',
            GroupId: GROUP,
            IsEgress: false,
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            CidrIpv4: '10.0.0.0/8',
          },
        ],
      },
    ],
    prefixLists: [],
    routeTables: [],
    transitGatewayRouteTables: [],
    transitGatewayAttachments: [],
    eksClusters: [],
    ssmParameters: [],
    config: { rules: [], evaluations: [], configurationItems: [] },
    dynamodbTables: {},
  };
}

function organization(): SimState {
  const account = (roles: string[]) => ({
    roles,
    buckets: {},
    regions: Object.fromEntries(REGIONS.map((r) => [r, region()])),
  });
  return {
    version: 1,
    seed: 3,
    sequence: 0,
    faults: [],
    settings: {},
    accounts: {
      [HOME]: account([]),
      [MEMBERS[0]!]: account(['airlock-member']),
      [MEMBERS[1]!]: account(['airlock-member']),
      [NOT_ALLOWED]: account(['airlock-member']),
      [NO_ROLE]: account([]),
    },
  } as unknown as SimState;
}

const openRules = (state: SimState, account: string, r: string) =>
  state.accounts[account]!.regions[r]!.securityGroups[0]!.Rules.filter((x) => x.CidrIpv4 === '0.0.0.0/0')
    .length;

describe('Function: replay across an organization (simulated accounts and regions)', () => {
  it('remediates each event in its own account and region through the member role, reusing credentials', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-org-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify(organization()));
    const target = await simTarget(join(dir, 'org.json'), undefined, { assumeRoleName: 'airlock-member' });
    const event = (account: string, region: string, n: number) => ({
      origin: `${account}/${region}/${n}`,
      event: sampleEvent(revokeOpenSsh, {
        resourceId: GROUP,
        account,
        region,
        compliance: 'NON_COMPLIANT',
        now: new Date(Date.UTC(2026, 10, 20, 10, n)),
      }),
    });
    const events = [HOME, ...MEMBERS].flatMap((a, i) => REGIONS.map((r, j) => event(a, r, i * 2 + j)));

    // Act
    const results = await replayEvents(
      [...events, event(NOT_ALLOWED, 'eu-west-2', 20), event(NO_ROLE, 'eu-west-2', 21)],
      {
        mode: 'apply',
        clients: target.clients,
        settings: {
          mode: 'enforce',
          allowedAccounts: [HOME, ...MEMBERS, NO_ROLE],
          table: 'airlock-idempotency',
        },
        concurrency: 4,
        homeRegion: 'eu-west-2',
      },
    );
    const after = await target.sim.snapshot();
    const calls = target.sim.calls();
    await target.close(false);

    // Assess
    for (const r of results.slice(0, events.length)) expect(r.outcome, r.origin).toBe('APPLIED');
    for (const a of [HOME, ...MEMBERS])
      for (const r of REGIONS) expect(openRules(after, a, r), `${a}/${r}`).toBe(0);
    const rejected = results[events.length]!;
    expect(rejected.outcome).toBe('REJECTED');
    expect(rejected.reason).toBe(`account ${NOT_ALLOWED} is not in this deployment's allowlist`);
    expect(openRules(after, NOT_ALLOWED, 'eu-west-2')).toBe(1);
    const noRole = results[events.length + 1]!;
    expect(noRole.outcome).toBe('FAILED');
    expect(noRole.reason).toMatch(/AccessDenied/);
    expect(openRules(after, NO_ROLE, 'eu-west-2')).toBe(1);
    // one AssumeRole per member account for all its events and regions (+ the refused one)
    expect(calls['sts:AssumeRole']).toBe(MEMBERS.length + 1);
    // the private-range look-alike stays everywhere
    for (const a of [HOME, ...MEMBERS]) {
      for (const r of REGIONS)
        expect(after.accounts[a]!.regions[r]!.securityGroups[0]!.Rules.map((x) => x.CidrIpv4)).toEqual([
          '10.0.0.0/8',
        ]);
    }
  }, 60_000);
});
