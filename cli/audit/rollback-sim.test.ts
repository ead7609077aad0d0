import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { runPipeline } from '../../shared/pipeline.js';
import type { AnyRemediation, RemediationContext } from '../../shared/remediation.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { sampleSimState } from '../sim/sample.js';
import type { SimState } from '../sim/state.js';
import { planRollback } from './rollback-plan.js';
import { runRollback } from './rollback-run.js';

/** The violating resource of each kind in the sample simulated account. */
const SAMPLE_RESOURCE: Readonly<Record<string, string>> = {
  'AWS::EC2::SecurityGroup': 'sg-0a1b2c3d4e5f60718',
  'AWS::EC2::TransitGatewayRouteTable': 'tgw-rtb-0123456789abcdef0',
  'AWS::S3::Bucket': 'airlock-sample-public-bucket',
  'AWS::EKS::Cluster': 'platform',
};
const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/**
 * What may differ after a rollback without the resource being different: ids AWS gives a re-created
 * rule, and the update history an EKS cluster keeps.
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(comparable).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !['SecurityGroupRuleId', 'updates', 'updateId', 'lastUpdate'].includes(k))
        .map(([k, v]) => [k, comparable(v)]),
    );
  }
  return value;
}

const ROUTE_TABLE_ID = /^rtb-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

/**
 * The sample account, with any route table id that is not well-formed (the sample's
 * `rtb-0private000000001` is not hex, so the pipeline rightly rejects events naming it) renamed to
 * `rtb-0abcdef0123456789`.
 */
function sampleState(): SimState {
  let text = JSON.stringify(sampleSimState());
  const tables = sampleSimState().accounts[ACCOUNT]!.regions[REGION]!.routeTables;
  for (const t of tables) {
    if (t.RouteTableId && !ROUTE_TABLE_ID.test(t.RouteTableId)) {
      text = text.replaceAll(t.RouteTableId, 'rtb-0abcdef0123456789');
    }
  }
  return JSON.parse(text) as SimState;
}

/** The sample's violating route table: the one with a route to a NAT or internet gateway. */
function privateRouteTableId(state: SimState): string | undefined {
  return state.accounts[ACCOUNT]!.regions[REGION]!.routeTables.find((t) =>
    (t.Routes ?? []).some((r) => r.NatGatewayId || r.GatewayId?.startsWith('igw-')),
  )?.RouteTableId;
}

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function describeNow(remediation: AnyRemediation, cloud: SimulatedCloud, id: string): Promise<unknown> {
  const clients = cloud.clientFactory();
  const ctx: RemediationContext = {
    client: (ctor) => clients.get(ctor, { region: REGION, account: ACCOUNT }),
    region: REGION,
    accountId: ACCOUNT,
    logger,
  };
  return remediation.describe(id, ctx, remediation.settingsSchema.parse({}));
}

describe('Function: rollback on the simulated account', () => {
  it.each(REMEDIATIONS.map((r) => [r.id, r] as const))(
    'restores the state %s changed: apply, roll back, state equals the original',
    async (_id, remediation) => {
      // Prepare
      const state = sampleState();
      const resourceId =
        remediation.resourceType === 'AWS::EC2::RouteTable'
          ? privateRouteTableId(state)
          : SAMPLE_RESOURCE[remediation.resourceType];
      expect(resourceId, `the sample account has no ${remediation.resourceType}`).toBeDefined();
      sim = await SimulatedCloud.create(state, { dynamodb: false });
      const original = comparable(await describeNow(remediation, sim, resourceId!));
      const records: AuditRecord[] = [];
      const deps = createDeps(remediation.id, {
        env: {},
        clients: sim.clientFactory(),
        settings: {
          mode: 'enforce',
          allowedAccounts: ['*'],
          audit: { file: join(tempDir(), 'trail.ndjson') },
        },
        onRecord: (r) => records.push(r),
      });
      const event = complianceEvent({
        resourceType: remediation.resourceType,
        resourceId: resourceId!,
        rule: remediation.configRuleNames[0]!,
        account: ACCOUNT,
        region: REGION,
      });
      await runPipeline(event, remediation, deps);
      const remediated = comparable(await describeNow(remediation, sim, resourceId!));

      // Act
      const plan = await planRollback(records[0]!, { clients: sim.clientFactory(), logger });
      const result = await runRollback(plan, { mode: 'apply', force: false, operator: 'test' });

      // Assess
      expect(records[0]!.outcome, records[0]!.reason).toBe('APPLIED');
      expect(remediated).not.toEqual(original);
      expect(plan.refusals).toEqual([]);
      expect(result.outcome, result.reason).toBe('APPLIED');
      expect(comparable(await describeNow(remediation, sim, resourceId!))).toEqual(original);
    },
  );
});
