import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type ConfigServiceClient,
  type EvaluationResult,
  GetComplianceDetailsByConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { COMPLIANCE_CHANGE, EVENT_SOURCES } from '../../shared/event.js';
import type { SweepSettings, SweepTarget } from './settings.js';

export type SqsPort = Pick<SQSClient, 'send'>;
export type LambdaPort = Pick<LambdaClient, 'send'>;
export type ConfigPort = Pick<ConfigServiceClient, 'send'>;

export interface SweepPorts {
  readonly sqs: SqsPort;
  readonly lambda: LambdaPort;
  readonly config: ConfigPort;
  readonly logger: Logger;
  readonly now: () => number;
  /** The sweep's own function name: its failures are dropped (the next run sweeps again). */
  readonly self?: string;
  readonly account: string;
  readonly region: string;
}

export interface SweepReport {
  readonly redriven: number;
  readonly dropped: number;
  readonly kept: number;
  readonly reevaluated: number;
  readonly resubmitted: number;
}

/** Receive at most this many batches of dead letters per run (10 messages each). */
const MAX_BATCHES = 10;
/** A received dead letter stays invisible this long: a failed re-drive is retried by a later run. */
const VISIBILITY_SECONDS = 600;
/** Pages of compliance results read per rule and run (100 results each). */
const MAX_PAGES = 5;
/** Config's own error codes that mean "an evaluation is already running or was asked for too often". */
const EVALUATION_BUSY = new Set(['LimitExceededException', 'ResourceInUseException', 'ThrottlingException']);

/** The function a Lambda destination record names: `arn:…:function:NAME[:qualifier]` -> NAME. */
export function functionNameOfArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const match =
    /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/.exec(arn);
  return match?.[1];
}

interface DeadLetter {
  readonly functionName?: string;
  readonly payload?: unknown;
}

/** Reads a Lambda on-failure destination record: `requestContext.functionArn` and `requestPayload`. */
export function readDeadLetter(body: string | undefined): DeadLetter {
  let record: unknown;
  try {
    record = JSON.parse(body ?? '');
  } catch {
    return {};
  }
  if (typeof record !== 'object' || record === null) return {};
  const r = record as { requestContext?: { functionArn?: unknown }; requestPayload?: unknown };
  const functionName = functionNameOfArn(r.requestContext?.functionArn);
  return {
    ...(functionName ? { functionName } : {}),
    ...('requestPayload' in r ? { payload: r.requestPayload } : {}),
  };
}

/**
 * Re-drives the dead-letter queue: each failed event of a remediation function goes back to that
 * function (asynchronously: another failure lands here again); failures of evaluators and of the sweep
 * itself are dropped (Config re-evaluates, the sweep runs again); anything else is kept for an
 * operator, and the queue's alarm stays on.
 */
export async function redriveDeadLetters(
  settings: SweepSettings,
  ports: SweepPorts,
  budget: { left: number },
): Promise<Pick<SweepReport, 'redriven' | 'dropped' | 'kept'>> {
  const targets = new Set(settings.targets.map((t) => t.functionName));
  const drop = new Set([...settings.dropFunctions, ...(ports.self ? [ports.self] : [])]);
  let redriven = 0;
  let dropped = 0;
  let kept = 0;
  for (let batch = 0; batch < MAX_BATCHES && budget.left > 0; batch++) {
    const out = await ports.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: settings.queueUrl,
        MaxNumberOfMessages: Math.min(10, budget.left),
        VisibilityTimeout: VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const letter = readDeadLetter(message.Body);
      const remove = () =>
        ports.sqs.send(
          new DeleteMessageCommand({ QueueUrl: settings.queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      if (letter.functionName && targets.has(letter.functionName) && letter.payload !== undefined) {
        await ports.lambda.send(
          new InvokeCommand({
            FunctionName: letter.functionName,
            InvocationType: 'Event',
            Payload: new TextEncoder().encode(JSON.stringify(letter.payload)),
          }),
        );
        await remove();
        budget.left--;
        redriven++;
        ports.logger.info('dead letter re-driven', {
          functionName: letter.functionName,
          messageId: message.MessageId,
        });
      } else if (letter.functionName && drop.has(letter.functionName)) {
        await remove();
        dropped++;
        ports.logger.info('dead letter dropped', {
          functionName: letter.functionName,
          messageId: message.MessageId,
        });
      } else {
        kept++;
        ports.logger.warn('dead letter kept', {
          functionName: letter.functionName ?? 'unknown',
          messageId: message.MessageId,
        });
      }
    }
  }
  return { redriven, dropped, kept };
}

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
 * Asks Config to re-evaluate each rule, then re-drives every result it still reports NON_COMPLIANT
 * for longer than the grace period (live events go first) to the remediation's function. The event
 * carries Config's own evaluation time, so an evaluation already handled is not handled twice
 * (idempotency), while one that failed is tried again.
 */
export async function recheckNonCompliant(
  settings: SweepSettings,
  ports: SweepPorts,
  budget: { left: number },
): Promise<Pick<SweepReport, 'reevaluated' | 'resubmitted'>> {
  let reevaluated = 0;
  let resubmitted = 0;
  const cutoff = ports.now() - settings.graceMinutes * 60_000;
  for (const target of settings.targets) {
    for (const rule of target.rules) {
      try {
        await ports.config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [rule] }));
        reevaluated++;
      } catch (error) {
        const name = (error as Error).name;
        if (!EVALUATION_BUSY.has(name)) throw error;
        ports.logger.info('re-evaluation not started', { rule, reason: name });
      }
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES && budget.left > 0; page++) {
        const out = await ports.config.send(
          new GetComplianceDetailsByConfigRuleCommand({
            ConfigRuleName: rule,
            ComplianceTypes: ['NON_COMPLIANT'],
            Limit: 100,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        for (const result of out.EvaluationResults ?? []) {
          if (budget.left <= 0) break;
          const recorded = result.ResultRecordedTime ? new Date(result.ResultRecordedTime).getTime() : 0;
          if (recorded > cutoff) continue;
          const event = sweepEvent(result, target, {
            account: ports.account,
            region: ports.region,
            now: ports.now(),
          });
          if (!event) continue;
          await ports.lambda.send(
            new InvokeCommand({
              FunctionName: target.functionName,
              InvocationType: 'Event',
              Payload: new TextEncoder().encode(JSON.stringify(event)),
            }),
          );
          budget.left--;
          resubmitted++;
        }
        token = out.NextToken;
        if (!token) break;
      }
    }
  }
  return { reevaluated, resubmitted };
}

/**
 * One sweep: re-drive the dead letters, then re-check what Config still reports NON_COMPLIANT,
 * within one budget of invocations.
 *
 * @example
 * ```ts
 * const report = await runSweep(sweepSettingsFromEnv(), ports);
 * ```
 */
export async function runSweep(settings: SweepSettings, ports: SweepPorts): Promise<SweepReport> {
  const budget = { left: settings.maxInvocations };
  const letters = await redriveDeadLetters(settings, ports, budget);
  const results = await recheckNonCompliant(settings, ports, budget);
  const report = { ...letters, ...results };
  ports.logger.info('sweep done', { ...report, budgetLeft: budget.left });
  return report;
}
