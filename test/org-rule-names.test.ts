import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../cli/events/sample.js';
import { replayEvents } from '../cli/replay/replay.js';
import { SIM_TABLE, simTarget } from '../cli/replay/sim-target.js';
import { configRule, placeResources, role, securityGroup, simState } from '../cli/sim/index.js';
import type { SimState } from '../cli/sim/state.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';

const HOME = '111111111111';
const A = '222222222222';
const B = '333333333333';
const ACCOUNTS = [HOME, A, B];
const REGIONS = ['eu-west-2', 'eu-central-1'];
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const SSH = { Owner: 'AWS' as const, SourceIdentifier: 'INCOMING_SSH_DISABLED' };

const ORGANIZATION_RULE = 'OrgConfigRule-restricted-ssh-a1b2c3d4';
const PACK_RULE = 'restricted-ssh-conformance-pack-qayjyopmd';
const HUB_RULE = 'securityhub-restricted-ssh-l6dseq';
const LOOK_ALIKE = 'OrgConfigRule-restricted-ssh-v2-custom-a1b2c3d4';

/**
 * Three accounts in two regions, each with a group that opens SSH to the world beside a private rule,
 * the member role in the members, and the Config rules each account really has: the organization rule
 * in A's eu-central-1, a conformance pack in B's eu-west-2, Security Hub in B's eu-central-1, and a
 * team's own rule that only looks like the organization's in A's eu-west-2.
 */
function organization(): SimState {
  const state = simState({ seed: 5 });
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      placeResources(state, { account, region }, [
        securityGroup({
          id: GROUP,
          rules: [
            { id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' },
            { id: 'sgr-0a0a0a0a0a0a0a0b2', ports: 22, cidr: '10.0.0.0/8' },
          ],
        }),
        ...(account === HOME ? [] : region === REGIONS[0] ? [role('airlock-member')] : []),
      ]);
    }
  }
  placeResources(state, { account: A, region: 'eu-central-1' }, [configRule(ORGANIZATION_RULE, SSH)]);
  placeResources(state, { account: B, region: 'eu-west-2' }, [configRule(PACK_RULE, SSH)]);
  placeResources(state, { account: B, region: 'eu-central-1' }, [configRule(HUB_RULE, SSH)]);
  placeResources(state, { account: A, region: 'eu-west-2' }, [
    configRule(LOOK_ALIKE, {
      Owner: 'CUSTOM_LAMBDA',
      SourceIdentifier: `arn:aws:lambda:eu-west-2:${A}:function:team-ssh`,
    }),
  ]);
  return state;
}

const openIn = (state: SimState, account: string, region: string) =>
  state.accounts[account]!.regions[region]!.securityGroups[0]!.Rules.filter((r) => r.CidrIpv4 === '0.0.0.0/0')
    .length;

async function replayInOrganization(
  cases: readonly { account: string; region: string; rule: string }[],
  extra: Record<string, unknown> = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-org-names-'));
  writeFileSync(join(dir, 'org.json'), JSON.stringify(organization()));
  const target = await simTarget(join(dir, 'org.json'), undefined, { assumeRoleName: 'airlock-member' });
  const events = cases.map((c, n) => ({
    origin: `${c.account}/${c.region}/${c.rule}`,
    event: sampleEvent(revokeOpenSsh, {
      ...c,
      resourceId: GROUP,
      compliance: 'NON_COMPLIANT',
      now: new Date(Date.UTC(2026, 10, 20, 10, n)),
    }),
  }));
  const results = await replayEvents(events, {
    mode: 'apply',
    clients: target.clients,
    settings: { mode: 'enforce', allowedAccounts: ACCOUNTS, homeAccount: HOME, table: SIM_TABLE, ...extra },
    concurrency: 2,
    homeRegion: 'eu-west-2',
  });
  const after = await target.sim.snapshot();
  const calls = target.sim.calls();
  await target.close(false);
  return { results, after, calls };
}

describe('Function: replay across an organization (rule names)', () => {
  it('remediates each naming convention in its own account and region, and never for a look-alike', async () => {
    // Prepare
    const cases = [
      { account: HOME, region: 'eu-west-2', rule: 'restricted-ssh' },
      { account: A, region: 'eu-central-1', rule: ORGANIZATION_RULE },
      { account: B, region: 'eu-west-2', rule: PACK_RULE },
      { account: B, region: 'eu-central-1', rule: HUB_RULE },
      { account: A, region: 'eu-west-2', rule: LOOK_ALIKE },
      // the organization rule is not deployed in A's eu-west-2: an event that names it there is forged
      { account: A, region: 'eu-west-2', rule: ORGANIZATION_RULE },
    ];

    // Act
    const { results, after, calls } = await replayInOrganization(cases);

    // Assess
    expect(results.map((r) => [r.origin, r.outcome])).toEqual(
      cases.map((c, i) => [`${c.account}/${c.region}/${c.rule}`, i < 4 ? 'APPLIED' : 'REJECTED']),
    );
    expect(results[4]!.reason).toContain(
      `its source is CUSTOM_LAMBDA arn:aws:lambda:eu-west-2:${A}:function:team-ssh, not INCOMING_SSH_DISABLED`,
    );
    expect(results[5]!.reason).toContain(`does not exist in ${A}/eu-west-2`);
    const open = Object.fromEntries(
      ACCOUNTS.flatMap((a) => REGIONS.map((r) => [`${a}/${r}`, openIn(after, a, r)] as const)),
    );
    expect(open).toEqual({
      [`${HOME}/eu-west-2`]: 0,
      [`${HOME}/eu-central-1`]: 1,
      [`${A}/eu-west-2`]: 1,
      [`${A}/eu-central-1`]: 0,
      [`${B}/eu-west-2`]: 0,
      [`${B}/eu-central-1`]: 0,
    });
    expect(calls['ec2:RevokeSecurityGroupIngress']).toBe(4);
    // one read per rule named by a convention, none for the plain name
    expect(calls['config:DescribeConfigRules']).toBe(5);
  }, 60_000);

  it('refuses a region the function cannot reach before any call, naming it', async () => {
    // Prepare
    const cases = [{ account: A, region: 'eu-central-1', rule: ORGANIZATION_RULE }];

    // Act
    const { results, after, calls } = await replayInOrganization(cases, {
      reachableRegions: ['eu-west-2'],
      deploymentRegions: ['eu-west-2'],
    });

    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['REJECTED']);
    expect(results[0]!.reason).toContain(
      "region eu-central-1 cannot be reached from this function, which reaches eu-west-2 only (the deployment's regions: eu-west-2): airlock is not deployed in eu-central-1",
    );
    expect(openIn(after, A, 'eu-central-1')).toBe(1);
    expect(Object.keys(calls).filter((api) => /^(ec2|config|sts):/.test(api))).toEqual([]);
  }, 60_000);
});
