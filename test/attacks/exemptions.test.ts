// Attack: a member-account user names a public EKS cluster after a cluster the security team
// exempted in another account or region, so that airlock leaves theirs public too. Performed on the
// simulated organization, through the member role, with the register in Parameter Store.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../cli/events/sample.js';
import { replayEvents } from '../../cli/replay/replay.js';
import { SIM_TABLE, simTarget } from '../../cli/replay/sim-target.js';
import {
  dynamodbTable,
  eksCluster,
  placeResources,
  role,
  type SimState,
  simState,
} from '../../cli/sim/index.js';
import { findRemediation } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';

const EKS = findRemediation('privatize-eks-endpoint')!;
const HOME = '111111111111';
const EXEMPTED = '222222222222';
const ATTACKER = '333333333333';
const REGION = 'eu-west-2';
const OTHER_REGION = 'eu-central-1';
const CLUSTER = 'payments-migration';
const DAY = 86_400_000;
const NOW = Date.now();

const publicCluster = eksCluster({
  name: CLUSTER,
  vpc: 'vpc-0123456789abcdef0',
  publicAccess: true,
  privateAccess: false,
  publicAccessCidrs: ['0.0.0.0/0'],
});

/** An entry of the register for the cluster: approved yesterday, expiring in a week. */
const entry = (fields: Record<string, unknown>) => ({
  id: 'EX-300',
  resourceId: CLUSTER,
  remediation: EKS.id,
  reason: 'public endpoint during the migration, CHG-9001',
  approvedBy: 'secops-lead@example.com',
  approvedAt: new Date(NOW - DAY).toISOString(),
  expires: new Date(NOW + 7 * DAY).toISOString(),
  ...fields,
});

/** The organization: the exempted cluster, and the attacker's look-alikes in their account and region. */
function organization(register: unknown[]): SimState {
  const state = simState();
  placeResources(state, { account: HOME, region: REGION }, [dynamodbTable(SIM_TABLE)]);
  state.accounts[HOME]!.regions[REGION]!.ssmParameters = [
    { Name: '/airlock/exemptions', Value: JSON.stringify(register) },
  ];
  placeResources(state, { account: EXEMPTED, region: REGION }, [role('airlock-member'), publicCluster]);
  placeResources(state, { account: EXEMPTED, region: OTHER_REGION }, [publicCluster]);
  placeResources(state, { account: ATTACKER, region: REGION }, [role('airlock-member'), publicCluster]);
  return state;
}

async function replayOn(register: unknown[]) {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-exempt-'));
  writeFileSync(join(dir, 'org.json'), JSON.stringify(organization(register)));
  const target = await simTarget(join(dir, 'org.json'), undefined, { assumeRoleName: 'airlock-member' });
  const event = (account: string, region: string, n: number) => ({
    origin: `${account}/${region}`,
    event: sampleEvent(EKS, {
      resourceId: CLUSTER,
      account,
      region,
      compliance: 'NON_COMPLIANT',
      now: new Date(NOW + n * 1000),
    }),
  });
  const results = await replayEvents(
    [event(EXEMPTED, REGION, 0), event(ATTACKER, REGION, 1), event(EXEMPTED, OTHER_REGION, 2)],
    {
      mode: 'apply',
      clients: target.clients,
      settings: {
        mode: 'enforce',
        allowedAccounts: [EXEMPTED, ATTACKER],
        allowedRegions: [REGION, OTHER_REGION],
        exemptions: { parameter: '/airlock/exemptions' },
        audit: { file: join(dir, 'trail.ndjson') },
      },
      concurrency: 1,
      homeRegion: REGION,
    },
  );
  const after = await target.sim.snapshot();
  await target.close(false);
  const isPublic = (account: string, region: string) =>
    after.accounts[account]!.regions[region]!.eksClusters[0]!.resourcesVpcConfig!.endpointPublicAccess;
  const records = readFileSync(join(dir, 'trail.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
  return { results, records, isPublic };
}

describe('Attack: a member account names a public cluster after an exempted one', () => {
  it('exempts only the named account and region: the look-alikes elsewhere are made private', async () => {
    // Act
    const { results, isPublic } = await replayOn([entry({ account: EXEMPTED, region: REGION })]);

    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['EXEMPT', 'APPLIED', 'APPLIED']);
    expect(isPublic(EXEMPTED, REGION)).toBe(true);
    expect(isPublic(ATTACKER, REGION)).toBe(false);
    expect(isPublic(EXEMPTED, OTHER_REGION)).toBe(false);
  });

  it('ignores, and says so, an entry without account or region (it once covered every account and region)', async () => {
    // Act
    const { results, records, isPublic } = await replayOn([entry({})]);

    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    for (const r of records)
      expect(r.notes?.join(' ')).toMatch(/exemption "EX-300" is malformed \(account: /);
    expect(isPublic(ATTACKER, REGION)).toBe(false);
  });

  it('covers every account or region only when * is written', async () => {
    // Act
    const { results } = await replayOn([entry({ account: '*', region: REGION })]);

    // Assess
    expect(results.map((r) => r.outcome)).toEqual(['EXEMPT', 'EXEMPT', 'APPLIED']);
  });

  it('refuses an approval dated in the future that would stretch the exemption past the maximum', async () => {
    // Prepare: "approved" in 2099, expiring a month later: far longer than the 90-day maximum from now
    const forward = entry({
      account: EXEMPTED,
      region: REGION,
      approvedAt: '2099-12-01T00:00:00Z',
      expires: '2100-01-01T00:00:00Z',
    });

    // Act
    const { results, records, isPublic } = await replayOn([forward]);

    // Assess
    expect(results[0]!.outcome).toBe('APPLIED');
    expect(records[0]!.notes).toContain('exemption "EX-300" runs longer than the 90-day maximum: ignored');
    expect(isPublic(EXEMPTED, REGION)).toBe(false);
  });
});
