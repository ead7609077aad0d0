import {
  GetComplianceDetailsByConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { readDeadLetter } from './dead-letter.js';
import { recheckMemberAccounts } from './member-accounts.js';
import type { Budget, SweepPorts } from './ports.js';
import { resubmitResult } from './resubmit.js';
import type { SweepSettings, SweepTarget } from './settings.js';

export type { ConfigPort, LambdaPort, SqsPort, SweepPorts } from './ports.js';
export { sweepEvent } from './resubmit.js';

export interface SweepReport {
  readonly redriven: number;
  readonly dropped: number;
  /** Messages kept for an operator: not Lambda's on-failure record of one of airlock's functions. */
  readonly kept: number;
  readonly reevaluated: number;
  readonly resubmitted: number;
  /** Organization mode: member accounts' results re-driven through the aggregator. */
  readonly memberResubmitted: number;
  /** Organization mode: rules NON_COMPLIANT in regions the deployment cannot reach (skipped). */
  readonly unreachable: number;
  /** Organization mode: rules NON_COMPLIANT in another region of the deployment (its sweep's). */
  readonly otherRegion: number;
}

/** Receive at most this many batches of dead letters per run (10 messages each). */
const MAX_BATCHES = 10;
/** A received dead letter stays invisible this long: a failed re-drive is retried by a later run. */
const VISIBILITY_SECONDS = 600;
/** Pages of compliance results read per rule and run (100 results each). */
const MAX_PAGES = 5;
/** Config's own error codes that mean "an evaluation is already running or was asked for too often". */
const EVALUATION_BUSY = new Set(['LimitExceededException', 'ResourceInUseException', 'ThrottlingException']);

/** What to do with one message of the dead-letter queue. */
type Disposition =
  | { readonly action: 'redrive'; readonly functionName: string; readonly payload: unknown }
  | { readonly action: 'drop'; readonly functionName: string }
  | { readonly action: 'keep'; readonly reason: string; readonly functionName?: string };

/**
 * Decides one message: a Lambda on-failure record of a remediation function of this account and
 * region is re-driven, one of an evaluator or of the sweep itself dropped; anything else (a plain
 * event, another shape, a function of another account or region, an unknown function) kept.
 */
export function disposeOf(
  body: string | undefined,
  settings: SweepSettings,
  ports: Pick<SweepPorts, 'self' | 'partition' | 'account' | 'region'>,
): Disposition {
  const read = readDeadLetter(body, ports);
  if ('kept' in read) return { action: 'keep', reason: read.kept };
  const { functionName, payload } = read.letter;
  if (settings.targets.some((t) => t.functionName === functionName)) {
    return { action: 'redrive', functionName, payload };
  }
  if (settings.dropFunctions.includes(functionName) || functionName === ports.self) {
    return { action: 'drop', functionName };
  }
  return { action: 'keep', reason: 'not-a-remediation-function', functionName };
}

/**
 * Re-drives the dead-letter queue: each failed event of a remediation function goes back to that
 * function (asynchronously: another failure lands here again); failures of evaluators and of the sweep
 * itself are dropped (Config re-evaluates, the sweep runs again). The queue is untrusted input (every
 * function role may send to it): only Lambda's own on-failure records of airlock's functions in this
 * account and region are acted on; anything else is kept for an operator, counted and logged, and the
 * queue's alarm stays on.
 */
export async function redriveDeadLetters(
  settings: SweepSettings,
  ports: SweepPorts,
  budget: Budget,
): Promise<Pick<SweepReport, 'redriven' | 'dropped' | 'kept'>> {
  const counts = { redriven: 0, dropped: 0, kept: 0 };
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
      await handleMessage(message, settings, ports, budget, counts);
    }
  }
  return counts;
}

async function handleMessage(
  message: Message,
  settings: SweepSettings,
  ports: SweepPorts,
  budget: Budget,
  counts: { redriven: number; dropped: number; kept: number },
): Promise<void> {
  const disposition = disposeOf(message.Body, settings, ports);
  const remove = () =>
    ports.sqs.send(
      new DeleteMessageCommand({ QueueUrl: settings.queueUrl, ReceiptHandle: message.ReceiptHandle }),
    );
  if (disposition.action === 'keep') {
    counts.kept++;
    ports.logger.warn('dead letter kept', {
      reason: disposition.reason,
      functionName: disposition.functionName ?? 'unknown',
      messageId: message.MessageId,
    });
    return;
  }
  if (disposition.action === 'drop') {
    await remove();
    counts.dropped++;
    ports.logger.info('dead letter dropped', {
      functionName: disposition.functionName,
      messageId: message.MessageId,
    });
    return;
  }
  await ports.lambda.send(
    new InvokeCommand({
      FunctionName: disposition.functionName,
      InvocationType: 'Event',
      Payload: new TextEncoder().encode(JSON.stringify(disposition.payload)),
    }),
  );
  await remove();
  budget.left--;
  counts.redriven++;
  ports.logger.info('dead letter re-driven', {
    functionName: disposition.functionName,
    messageId: message.MessageId,
  });
}

/** Asks Config to re-evaluate a rule; "already running" or "asked too often" is fine. */
async function startEvaluation(rule: string, ports: SweepPorts): Promise<boolean> {
  try {
    await ports.config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: [rule] }));
    return true;
  } catch (error) {
    const name = (error as Error).name;
    if (!EVALUATION_BUSY.has(name)) throw error;
    ports.logger.info('re-evaluation not started', { rule, reason: name });
    return false;
  }
}

/** Re-drives one rule's NON_COMPLIANT results in this account, within the budget. */
async function resubmitRule(
  rule: string,
  target: SweepTarget,
  context: { cutoff: number; ports: SweepPorts; budget: Budget },
): Promise<number> {
  const { ports, budget } = context;
  const where = { account: ports.account, region: ports.region };
  let resubmitted = 0;
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
      if (await resubmitResult(result, target, where, context)) resubmitted++;
    }
    token = out.NextToken;
    if (!token) break;
  }
  return resubmitted;
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
  budget: Budget,
): Promise<Pick<SweepReport, 'reevaluated' | 'resubmitted'>> {
  let reevaluated = 0;
  let resubmitted = 0;
  const cutoff = ports.now() - settings.graceMinutes * 60_000;
  for (const target of settings.targets) {
    for (const rule of target.rules) {
      if (await startEvaluation(rule, ports)) reevaluated++;
      resubmitted += await resubmitRule(rule, target, { cutoff, ports, budget });
    }
  }
  return { reevaluated, resubmitted };
}

/**
 * One sweep: re-drive the dead letters, re-check what Config still reports NON_COMPLIANT in this
 * account, then (organization mode) in the member accounts, within one budget of invocations.
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
  const members = await recheckMemberAccounts(settings, ports, budget);
  const report = { ...letters, ...results, ...members };
  ports.logger.info('sweep done', { ...report, budgetLeft: budget.left });
  return report;
}
