import { randomUUID } from 'node:crypto';
import type { EvaluationResult } from '@aws-sdk/client-config-service';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { COMPLIANCE_CHANGE, EVENT_SOURCES } from '../../shared/event.js';
import type { Budget, SweepPorts } from './ports.js';
import type { SweepTarget } from './settings.js';

/** A compliance-change event for a result Config still reports NON_COMPLIANT (source airlock.sweep). */
export function sweepEvent(
  result: EvaluationResult,
  target: SweepTarget,
  where: { account: string; region: string; now: number },
): Record<string, unknown> | undefined {
  const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
  const ordering = result.EvaluationResultIdentifier?.OrderingTimestamp;
  if (!qualifier?.ResourceId || !qualifier.ConfigRuleName || !ordering) return undefined;
  if (qualifier.ResourceType !== target.resourceType) return undefined;
  const orderingTimestamp = new Date(ordering).toISOString();
  const evaluation = {
    evaluationResultIdentifier: {
      evaluationResultQualifier: {
        configRuleName: qualifier.ConfigRuleName,
        resourceType: qualifier.ResourceType,
        resourceId: qualifier.ResourceId,
      },
      orderingTimestamp,
    },
    complianceType: 'NON_COMPLIANT',
    ...(result.ResultRecordedTime
      ? { resultRecordedTime: new Date(result.ResultRecordedTime).toISOString() }
      : {}),
    ...(result.ConfigRuleInvokedTime
      ? { configRuleInvokedTime: new Date(result.ConfigRuleInvokedTime).toISOString() }
      : {}),
    ...(result.Annotation ? { annotation: result.Annotation.slice(0, 1024) } : {}),
  };
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': COMPLIANCE_CHANGE,
    source: EVENT_SOURCES.sweep,
    account: where.account,
    time: new Date(where.now).toISOString(),
    region: where.region,
    resources: [],
    detail: {
      resourceId: qualifier.ResourceId,
      awsRegion: where.region,
      awsAccountId: where.account,
      configRuleName: qualifier.ConfigRuleName,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: evaluation,
      resourceType: qualifier.ResourceType,
    },
  };
}

/**
 * Sends one NON_COMPLIANT result older than the cutoff to the remediation's function as an
 * `airlock.sweep` event of the given account and region (asynchronously), and spends one invocation.
 * False when the result is too recent (live events go first) or not of the target's resource type.
 */
export async function resubmitResult(
  result: EvaluationResult,
  target: SweepTarget,
  where: { account: string; region: string },
  context: { cutoff: number; ports: SweepPorts; budget: Budget },
): Promise<boolean> {
  const { ports, budget } = context;
  const recorded = result.ResultRecordedTime ? new Date(result.ResultRecordedTime).getTime() : 0;
  if (recorded > context.cutoff) return false;
  const event = sweepEvent(result, target, { ...where, now: ports.now() });
  if (!event) return false;
  await ports.lambda.send(
    new InvokeCommand({
      FunctionName: target.functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(event)),
    }),
  );
  budget.left--;
  return true;
}
