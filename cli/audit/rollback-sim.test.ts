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
import { DEMO_ACCOUNT, DEMO_REGION, DEMO_SETTINGS, DEMO_VIOLATIONS, demoState } from '../demo/scenario.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { planRollback } from './rollback-plan.js';
import { runRollback } from './rollback-run.js';

const ACCOUNT = DEMO_ACCOUNT;
const REGION = DEMO_REGION;
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/**
 * What may differ after a rollback without the resource being different: ids AWS gives a re-created
 * rule, the update history an EKS cluster keeps, and an empty list where the original left the field
 * out (a re-created rule's `Tags: []`).
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(comparable).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !['SecurityGroupRuleId', 'updates', 'updateId', 'lastUpdate'].includes(k))
        .filter(([, v]) => !(Array.isArray(v) && v.length === 0))
        .map(([k, v]) => [k, comparable(v)]),
    );
  }
  return value;
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
      // Prepare: the violation the remediation's own demo case plants
      const resourceId = DEMO_VIOLATIONS.find((v) => v.remediation === remediation.id)?.resourceId;
      expect(resourceId, `${remediation.id} has no violation in its demo case`).toBeDefined();
      sim = await SimulatedCloud.create(demoState(), { dynamodb: false });
      const original = comparable(await describeNow(remediation, sim, resourceId!));
      const records: AuditRecord[] = [];
      const deps = createDeps(remediation.id, {
        // the demo's settings sign every record: the key lives in the home region
        env: {},
        homeRegion: REGION,
        clients: sim.clientFactory(),
        settings: {
          ...DEMO_SETTINGS,
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
