import { EKSClient, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { eksCluster, placeResources, SimulatedCloud, simState } from '../../cli/sim/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { DEFER_BOUND_MINUTES } from '../../shared/pipeline/verdict.js';
import { runPipeline } from '../../shared/pipeline.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { sweepEvent } from '../sweep/sweep.js';
import { privatizeEksEndpoint } from './index.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const NAME = 'payments';
const RULE = privatizeEksEndpoint.configRuleNames[0]!;
/** How long an update keeps the simulated cluster UPDATING. */
const UPDATE_MS = 1_500;
/** Someone else's update (logging) that puts the cluster in UPDATING. */
const OTHER_UPDATE = {
  name: NAME,
  logging: { clusterLogging: [{ types: ['api' as const], enabled: true }] },
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A simulated account with one public cluster whose updates take UPDATE_MS to settle. */
async function account() {
  const state = placeResources(
    simState({ seed: 3, settings: { eksUpdateDelayMs: UPDATE_MS } }),
    { account: ACCOUNT, region: REGION },
    [
      eksCluster({
        name: NAME,
        vpc: 'vpc-0e0e0e0e0e0e0e0e0',
        publicAccess: true,
        privateAccess: true,
        publicAccessCidrs: ['0.0.0.0/0'],
      }),
    ],
  );
  sim = await SimulatedCloud.create(state, { dynamodb: false });
  return sim;
}

function deps(cloud: SimulatedCloud, records: AuditRecord[], now?: () => number) {
  return createDeps('privatize-eks-endpoint', {
    env: {},
    clients: cloud.clientFactory(),
    settings: { mode: 'enforce', allowedAccounts: ['*'] },
    onRecord: (r) => records.push(r),
    ...(now ? { now } : {}),
  });
}

/** What the sweep sends for a result Config still reports NON_COMPLIANT: the same evaluation time. */
function sweepRecheck(orderingTimestamp: string) {
  const result = {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: RULE,
        ResourceType: 'AWS::EKS::Cluster',
        ResourceId: NAME,
      },
      OrderingTimestamp: new Date(orderingTimestamp),
    },
    ComplianceType: 'NON_COMPLIANT' as const,
  };
  const target = {
    remediation: 'privatize-eks-endpoint',
    functionName: 'airlock-privatize-eks-endpoint',
    resourceType: 'AWS::EKS::Cluster',
    rules: [RULE],
  };
  return sweepEvent(result, target, { account: ACCOUNT, region: REGION, now: Date.now() });
}

describe('Function: privatize-eks-endpoint defers a cluster that is UPDATING (simulated account)', () => {
  it('records DEFERRED while the cluster updates, then the sweep re-check applies the fix once it is ACTIVE', async () => {
    // Prepare: another change (logging) has put the cluster in UPDATING
    const cloud = await account();
    const eks = cloud.clientFactory().get(EKSClient, { account: ACCOUNT, region: REGION });
    await eks.send(new UpdateClusterConfigCommand(OTHER_UPDATE));
    const event = complianceEvent({
      resourceType: 'AWS::EKS::Cluster',
      resourceId: NAME,
      rule: RULE,
      orderingTimestamp: new Date().toISOString(),
    });
    const evaluated = (
      event.detail as { newEvaluationResult: { evaluationResultIdentifier: { orderingTimestamp: string } } }
    ).newEvaluationResult.evaluationResultIdentifier.orderingTimestamp;
    const records: AuditRecord[] = [];

    // Act: the event arrives during the update (the function returns normally), then the sweep re-checks
    const first = await runPipeline(event, privatizeEksEndpoint, deps(cloud, records));
    await sleep(UPDATE_MS + 200);
    const recheck = sweepRecheck(evaluated);
    const second = await runPipeline(recheck, privatizeEksEndpoint, deps(cloud, records));

    // Assess
    expect(first.outcome).toBe('DEFERRED');
    expect(first.reason).toMatch(/cluster payments is UPDATING.*deferred, re-checked by the sweep/);
    expect(records[0]).toMatchObject({ outcome: 'DEFERRED', steps: [] });
    expect(second.outcome, second.reason).toBe('APPLIED');
    expect(records[1]).toMatchObject({ outcome: 'APPLIED', trigger: 'sweep' });
    const writes = cloud.changes().filter((c) => c.api === 'eks:UpdateClusterConfig');
    expect(writes).toHaveLength(2); // the other update, and the fix once
  });

  it('records FAILED once the evaluation is older than the deferral bound, so that it alarms', async () => {
    // Prepare: the cluster is UPDATING, and the event's evaluation is older than the bound
    const cloud = await account();
    const eks = cloud.clientFactory().get(EKSClient, { account: ACCOUNT, region: REGION });
    await eks.send(new UpdateClusterConfigCommand(OTHER_UPDATE));
    const event = complianceEvent({ resourceType: 'AWS::EKS::Cluster', resourceId: NAME, rule: RULE });
    const records: AuditRecord[] = [];
    const later = () => Date.now() + (DEFER_BOUND_MINUTES + 1) * 60_000;

    // Act
    const run = runPipeline(event, privatizeEksEndpoint, deps(cloud, records, later));

    // Assess
    await expect(run).rejects.toThrow();
    expect(records[0]).toMatchObject({ outcome: 'FAILED' });
    expect(records[0]?.reason).toContain(`deferred past ${DEFER_BOUND_MINUTES} minutes`);
  });

  it('keeps the bound when Config re-evaluates: fresh evaluations of a cluster kept UPDATING end FAILED', async () => {
    // Prepare: the cluster is UPDATING; Config re-evaluates it every hour (each event a fresh evaluation)
    const cloud = await account();
    const eks = cloud.clientFactory().get(EKSClient, { account: ACCOUNT, region: REGION });
    await eks.send(new UpdateClusterConfigCommand(OTHER_UPDATE));
    const start = Date.now();
    let now = start;
    const records: AuditRecord[] = [];
    const container = deps(cloud, records, () => now);
    const at = (minutes: number) => {
      now = start + minutes * 60_000;
      return complianceEvent({
        resourceType: 'AWS::EKS::Cluster',
        resourceId: NAME,
        rule: RULE,
        orderingTimestamp: new Date(now).toISOString(),
      });
    };

    // Act: re-evaluations at 0, 60, 120 and just past the bound, the cluster UPDATING throughout
    const outcomes: string[] = [];
    for (const minutes of [0, 60, 120]) {
      outcomes.push((await runPipeline(at(minutes), privatizeEksEndpoint, container)).outcome);
    }
    const past = runPipeline(at(DEFER_BOUND_MINUTES + 1), privatizeEksEndpoint, container);

    // Assess: the last evaluation is one minute old, yet the run of deferrals began past the bound
    expect(outcomes).toEqual(['DEFERRED', 'DEFERRED', 'DEFERRED']);
    await expect(past).rejects.toThrow();
    expect(records.at(-1)).toMatchObject({ outcome: 'FAILED' });
    expect(records.at(-1)?.reason).toContain(
      `deferred past ${DEFER_BOUND_MINUTES} minutes since its first deferral`,
    );
    expect(cloud.changes().filter((c) => c.api === 'eks:UpdateClusterConfig')).toHaveLength(1);
  });
});
