import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
} from '../cli/demo/scenario.js';
import { sampleEvent } from '../cli/events/sample.js';
import { type ReplayMode, replayEvents } from '../cli/replay/replay.js';
import { SIM_TABLE, simTarget } from '../cli/replay/sim-target.js';
import { SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { createHandler } from '../shared/handler.js';
import { mergeSettings } from '../shared/settings.js';
import { complianceEvent } from './helpers/events.js';

const GROUP = 'sg-0a0a0a0a0a0a0a001';
const OPEN_RULE = 'sgr-0a0a0a0a0a0a0a011';
const SETTINGS_PARAMETER = '/airlock/settings';
const EXEMPTIONS_PARAMETER = '/airlock/exemptions';
const CONTEXT = {
  functionName: 'airlock-revoke-open-ssh',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

const event = complianceEvent({
  resourceType: 'AWS::EC2::SecurityGroup',
  resourceId: GROUP,
  rule: 'restricted-ssh',
  account: DEMO_ACCOUNT,
  region: DEMO_REGION,
  orderingTimestamp: '2026-11-20T10:00:00.000Z',
});

/** The demo's account with airlock's table and the given Parameter Store documents. */
async function simulatedAccount(parameters: Record<string, string>): Promise<SimulatedCloud> {
  const state = demoState();
  const region = state.accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!;
  region.dynamodbTables[SIM_TABLE] = { items: [] };
  region.ssmParameters = Object.entries(parameters).map(([Name, Value]) => ({ Name, Value }));
  return SimulatedCloud.create(state, { defaultAccount: DEMO_ACCOUNT, defaultRegion: DEMO_REGION });
}

/** A fresh container of the revoke-open-ssh function on the simulated account (its own caches). */
function container(sim: SimulatedCloud, records: AuditRecord[], settings: Record<string, unknown> = {}) {
  const handler = createHandler(revokeOpenSsh, {
    env: {},
    clients: sim.clientFactory(),
    homeRegion: DEMO_REGION,
    settings: mergeSettings(
      { ...DEMO_SETTINGS, table: SIM_TABLE, allowedAccounts: [DEMO_ACCOUNT] },
      settings,
    ),
    logger: new Logger({ serviceName: revokeOpenSsh.id, logLevel: 'SILENT' }),
    onRecord: (r) => records.push(r),
  });
  return (e: unknown) => handler(structuredClone(e), CONTEXT);
}

async function putParameter(sim: SimulatedCloud, name: string, value: string): Promise<void> {
  const ssm = sim.clientFactory().get(SSMClient, { region: DEMO_REGION, account: DEMO_ACCOUNT });
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
}

const openRule = (sim: SimulatedCloud) =>
  sim
    .state()
    .accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!.securityGroups.find((g) => g.GroupId === GROUP)
    ?.Rules.find((r) => r.SecurityGroupRuleId === OPEN_RULE);

describe('Function: runPipeline idempotency stores final outcomes only (simulated account, DynamoDB)', () => {
  let sim: SimulatedCloud | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('applies the same evaluation after dry-run is flipped to enforce, with a new record', async () => {
    // Prepare: deployed in dry-run through the Parameter Store document, as the README advises
    sim = await simulatedAccount({ [SETTINGS_PARAMETER]: '{"mode":"dry-run"}' });
    const records: AuditRecord[] = [];
    const withParameter = { parameter: SETTINGS_PARAMETER };
    const planned = await container(sim, records, withParameter)(event);
    await putParameter(sim, SETTINGS_PARAMETER, '{"mode":"enforce"}');

    // Act: the same evaluation delivered again (a retry, or the sweep), to a container that reads the flip
    const applied = await container(sim, records, withParameter)(event);
    const duplicate = await container(sim, records, withParameter)(event);

    // Assess
    expect(planned.outcome).toBe('PLANNED');
    expect(applied.outcome).toBe('APPLIED');
    expect(applied.recordId).not.toBe(planned.recordId);
    expect(openRule(sim)).toBeUndefined();
    expect(duplicate).toEqual(applied);
    expect(records.map((r) => [r.mode, r.outcome])).toEqual([
      ['dry-run', 'PLANNED'],
      ['enforce', 'APPLIED'],
    ]);
    expect(sim.changes().filter((c) => c.api === 'ec2:RevokeSecurityGroupIngress')).toHaveLength(1);
  });

  it('decides an EXEMPT evaluation again on each delivery, and applies it once the exemption is withdrawn', async () => {
    // Prepare
    const exemption = {
      id: 'EX-7',
      resourceId: GROUP,
      remediation: revokeOpenSsh.id,
      account: DEMO_ACCOUNT,
      region: DEMO_REGION,
      reason: 'bastion migration CHG-8812',
      approvedBy: 'secops-lead@example.com',
      expires: new Date(Date.now() + 7 * 86400_000).toISOString(),
    };
    sim = await simulatedAccount({ [EXEMPTIONS_PARAMETER]: JSON.stringify([exemption]) });
    const records: AuditRecord[] = [];
    const withRegister = { exemptions: { parameter: EXEMPTIONS_PARAMETER } };
    const first = await container(sim, records, withRegister)(event);
    const second = await container(sim, records, withRegister)(event);
    await putParameter(sim, EXEMPTIONS_PARAMETER, '[]');

    // Act
    const applied = await container(sim, records, withRegister)(event);

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['EXEMPT', 'EXEMPT']);
    expect(second.recordId).not.toBe(first.recordId);
    expect(applied.outcome).toBe('APPLIED');
    expect(records.map((r) => r.outcome)).toEqual(['EXEMPT', 'EXEMPT', 'APPLIED']);
    expect(openRule(sim)).toBeUndefined();
  });

  it('answers a redelivered NOOP from the store, with no read and no new record', async () => {
    // Prepare: the "edge" group is compliant (port 2222 and udp 22 open, SSH from another group)
    sim = await simulatedAccount({});
    const records: AuditRecord[] = [];
    const run = container(sim, records);
    const compliant = complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0a0a0a0a0a0a0a002',
      rule: 'restricted-ssh',
      account: DEMO_ACCOUNT,
      region: DEMO_REGION,
    });
    const first = await run(compliant);
    sim.resetCalls();

    // Act
    const again = await run(compliant);

    // Assess
    expect(first.outcome).toBe('NOOP');
    expect(again).toEqual(first);
    expect(records).toHaveLength(1);
    expect(Object.keys(sim.calls()).filter((k) => k.startsWith('ec2:'))).toEqual([]);
  });
});

describe('Function: runPipeline in plan mode (airlock replay --mode plan)', () => {
  /** The demo's account as a state file (with airlock's table), and one event per violation. */
  async function harness() {
    const file = join(mkdtempSync(join(tmpdir(), 'airlock-plan-')), 'account.json');
    writeFileSync(file, JSON.stringify(demoState()));
    const target = await simTarget(file);
    const events = DEMO_VIOLATIONS.map((v, i) => ({
      origin: `event ${i + 1}`,
      event: sampleEvent(findRemediation(v.remediation)!, {
        resourceId: v.resourceId,
        account: DEMO_ACCOUNT,
        region: DEMO_REGION,
        compliance: 'NON_COMPLIANT',
      }),
    }));
    const replay = (mode: ReplayMode) =>
      replayEvents(events, {
        mode,
        clients: target.clients,
        settings: mergeSettings(target.settings, DEMO_SETTINGS),
        concurrency: 2,
        homeRegion: DEMO_REGION,
      });
    const dynamoCalls = () => Object.keys(target.sim.calls()).filter((k) => k.startsWith('dynamodb:'));
    return { target, replay, dynamoCalls };
  }

  it('neither stores nor counts: no DynamoDB call, and the same events planned twice are planned twice', async () => {
    // Prepare
    const { target, replay, dynamoCalls } = await harness();

    // Act
    const first = await replay('plan');
    const second = await replay('plan');
    const calls = dynamoCalls();
    const breakers = await target.sim.snapshot();
    await target.close(false);

    // Assess
    expect([...first, ...second].map((r) => r.outcome)).toEqual(
      Array(DEMO_VIOLATIONS.length * 2).fill('PLANNED'),
    );
    expect([...first, ...second].some((r) => r.duplicate)).toBe(false);
    expect(new Set([...first, ...second].map((r) => r.recordId)).size).toBe(DEMO_VIOLATIONS.length * 2);
    expect(calls).toEqual([]);
    expect(breakers.accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!.dynamodbTables[SIM_TABLE]!.items).toEqual(
      [],
    );
  });

  it('reads the live state rather than answering from a stored result after an apply', async () => {
    // Prepare: the same events applied first (APPLIED results stored)
    const { target, replay, dynamoCalls } = await harness();
    const applied = await replay('apply');
    target.sim.resetCalls();

    // Act
    const planned = await replay('plan');
    const calls = target.sim.calls();
    const dynamo = dynamoCalls();
    await target.close(false);

    // Assess: each event read again and found compliant, a record of its own, no DynamoDB call
    expect(applied.map((r) => r.outcome)).toEqual(Array(DEMO_VIOLATIONS.length).fill('APPLIED'));
    expect(planned.map((r) => r.outcome)).toEqual(Array(DEMO_VIOLATIONS.length).fill('NOOP'));
    expect(planned.some((r) => r.duplicate)).toBe(false);
    for (const [i, r] of planned.entries()) expect(r.recordId).not.toBe(applied[i]!.recordId);
    expect(calls['ec2:DescribeSecurityGroupRules']).toBeGreaterThan(0);
    expect(dynamo).toEqual([]);
  });
});
