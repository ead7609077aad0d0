// Attack: one member-account user switches a remediation off for their whole account by tripping the
// blast-radius breaker with a single resource. Performed on the simulated account, with the breaker's
// counters in its DynamoDB table, as deployed.
import { Logger } from '@aws-lambda-powertools/logger';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_TABLE } from '../../cli/replay/sim-target.js';
import {
  dynamodbTable,
  placeResources,
  type RuleSpec,
  SimulatedCloud,
  securityGroup,
  simState,
} from '../../cli/sim/index.js';
import { findRemediation } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createHandler } from '../../shared/handler.js';
import { complianceEvent } from '../helpers/events.js';

const SSH = findRemediation('revoke-open-ssh')!;
const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const LIMIT = 20;
const CONTEXT = {
  functionName: 'airlock-revoke-open-ssh',
  awsRequestId: 'attack',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

const groupId = (n: number) => `sg-0${n.toString(16).padStart(16, '0')}`;
const ruleId = (group: number, n: number) =>
  `sgr-${group.toString(16).padStart(8, '0')}${n.toString(16).padStart(9, '0')}`;
/** `count` ingress rules open to the world, each on tcp 22 and a range of its own. */
const worldOpen = (group: number, count: number): RuleSpec[] =>
  Array.from({ length: count }, (_, i) => ({
    id: ruleId(group, i),
    ports: [22, 22 + i] as const,
    cidr: '0.0.0.0/0',
  }));
const kept = (group: number): RuleSpec => ({ id: ruleId(group, 999), ports: 22, cidr: '10.0.0.0/8' });

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** The deployed function on a simulated account holding `groups`, its breaker in the account's table. */
async function deployedOn(groups: readonly { id: number; rules: RuleSpec[] }[]) {
  const state = placeResources(simState(), { account: ACCOUNT, region: REGION }, [
    dynamodbTable(SIM_TABLE),
    ...groups.map((g) => securityGroup({ id: groupId(g.id), vpc: 'vpc-0123456789abcdef0', rules: g.rules })),
  ]);
  sim = await SimulatedCloud.create(state, { defaultAccount: ACCOUNT, defaultRegion: REGION });
  const records: AuditRecord[] = [];
  let second = 0;
  const handler = createHandler(SSH, {
    env: {},
    clients: sim.clientFactory(),
    homeRegion: REGION,
    settings: {
      mode: 'enforce',
      allowedAccounts: [ACCOUNT],
      allowedRegions: [REGION],
      table: SIM_TABLE,
      blastRadius: { maxWrites: LIMIT, windowSeconds: 300 },
    },
    logger: new Logger({ serviceName: SSH.id, logLevel: 'SILENT' }),
    onRecord: (r) => records.push(r),
    // one breaker window for the whole attack, however slow the machine
    now: () => Date.parse('2026-11-30T10:01:00.000Z') + second * 1000,
  });
  const handle = (group: number) =>
    handler(
      complianceEvent({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: groupId(group),
        rule: 'restricted-ssh',
        account: ACCOUNT,
        region: REGION,
        orderingTimestamp: new Date(Date.UTC(2026, 10, 30, 10, 0, second++)).toISOString(),
      }),
      CONTEXT,
    );
  const rulesOf = (group: number) =>
    sim!.state().accounts[ACCOUNT]!.regions[REGION]!.securityGroups.find((g) => g.GroupId === groupId(group))!
      .Rules;
  return { handle, records, sim, rulesOf };
}

describe('Attack: one security group with 21 world-open rules trips the breaker for its account', () => {
  it('ends APPLIED in one revoke call, and the next real event on another group is not SUPPRESSED', async () => {
    // Prepare: one group with LIMIT + 1 world-open rules (and a private rule beside them), and a victim group
    const {
      handle,
      records,
      sim: cloud,
      rulesOf,
    } = await deployedOn([
      { id: 1, rules: [...worldOpen(1, LIMIT + 1), kept(1)] },
      { id: 2, rules: [...worldOpen(2, 1), kept(2)] },
    ]);

    // Act
    const attack = await handle(1);
    const ec2 = cloud.clientFactory().get(EC2Client, { account: ACCOUNT, region: REGION });
    const reopened = [];
    // the attacker re-opens the same group again and again within the window
    for (let i = 0; i < LIMIT + 1; i++) {
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId(1),
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
      reopened.push((await handle(1)).outcome);
    }
    const real = await handle(2);

    // Assess
    expect(attack.outcome).toBe('APPLIED');
    const revokes = cloud.changes().filter((c) => c.api === 'ec2:RevokeSecurityGroupIngress');
    expect(revokes.length).toBe(1 + reopened.length + 1);
    expect(records[0]!.steps).toHaveLength(1);
    expect(reopened.every((o) => o === 'APPLIED')).toBe(true);
    expect(real.outcome).toBe('APPLIED');
    expect(records.some((r) => r.outcome === 'SUPPRESSED')).toBe(false);
    // only the world-open rules went: the private rules of both groups stay
    expect(rulesOf(1).map((r) => r.SecurityGroupRuleId)).toEqual([ruleId(1, 999)]);
    expect(rulesOf(2).map((r) => r.SecurityGroupRuleId)).toEqual([ruleId(2, 999)]);
  });

  it('still trips on a storm over N + 1 different groups: the last one is SUPPRESSED, nothing written to it', async () => {
    // Prepare
    const groups = Array.from({ length: LIMIT + 1 }, (_, i) => ({ id: i + 1, rules: worldOpen(i + 1, 2) }));
    const { handle, sim: cloud, rulesOf } = await deployedOn(groups);

    // Act
    const outcomes = [];
    for (const g of groups) outcomes.push((await handle(g.id)).outcome);

    // Assess
    expect(outcomes.slice(0, LIMIT).every((o) => o === 'APPLIED')).toBe(true);
    expect(outcomes[LIMIT]).toBe('SUPPRESSED');
    expect(cloud.changes().filter((c) => c.api === 'ec2:RevokeSecurityGroupIngress')).toHaveLength(LIMIT);
    expect(rulesOf(LIMIT + 1)).toHaveLength(2);
  });
});
