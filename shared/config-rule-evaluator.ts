import { Logger } from '@aws-lambda-powertools/logger';
import {
  type ComplianceType,
  ConfigServiceClient,
  type Evaluation,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  type MaximumExecutionFrequency,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { ClientFactory } from './clients.js';
import { deploymentClients } from './deployment-clients.js';
import { AirlockError, EventRejectedError, errorCode, SettingsError } from './errors.js';
import { placeProblem } from './pipeline/guard-event.js';
import { remediationSettings } from './pipeline.js';
import type { Gone, Plan, Remediation, RemediationContext, Step } from './remediation.js';
import { GONE } from './remediation.js';
import { ACCOUNT_ID, REGION, validateResourceId } from './resource-id.js';
import { parseSettings, type Settings, settingsFromEnv } from './settings.js';
import { parameterStore, settingsLoader } from './settings-loader.js';
import { firstIssue } from './zod.js';

/** The IAM actions every evaluator calls on AWS Config (reporting, previous results, oversized items). */
export const CONFIG_RULE_PERMISSIONS = [
  'config:PutEvaluations',
  'config:GetComplianceDetailsByConfigRule',
  'config:GetResourceConfigHistory',
] as const;
/** Called when the settings name a Parameter Store override (`AIRLOCK_SETTINGS_PARAMETER`). */
export const SETTINGS_PARAMETER_PERMISSIONS = ['ssm:GetParameter'] as const;

/** PutEvaluations takes at most 100 evaluations per call. */
export const PUT_EVALUATIONS_BATCH = 100;
/** Config keeps at most 256 characters of annotation. */
export const ANNOTATION_MAX = 256;

/** One resource found by a periodic run: its live state, or the error that kept it from being read. */
export type ScopedResource<State> =
  | { readonly resourceId: string; readonly state: State }
  | { readonly resourceId: string; readonly error: unknown };

/**
 * A custom AWS Config rule evaluator: decides compliance with its remediation's own describe and
 * plan (steps: NON_COMPLIANT, noop: COMPLIANT), so that "violation" has one definition.
 */
export interface ConfigRuleEvaluator<State = unknown, RemSettings = unknown> {
  /** Folder, Lambda and logger name (`evaluate-route-tables`). */
  readonly id: string;
  /** The Config rule's name as deployed. */
  readonly ruleName: string;
  readonly resourceType: string;
  // biome-ignore lint/suspicious/noExplicitAny: the step type does not matter to the evaluator
  readonly remediation: Remediation<State, RemSettings, any>;
  /** Exactly the IAM actions the evaluator calls. */
  readonly permissions: readonly string[];
  /** How often Config runs the periodic evaluation. */
  readonly periodic: MaximumExecutionFrequency;
  /** Whether configuration changes of the resource type trigger an evaluation too. */
  readonly configurationChange: boolean;
  /** What a violation is, in a few words, for annotations (`routes to the internet`). */
  readonly violation: string;
  /** Every resource of the type in the account and region, with its live state (periodic runs). */
  listInScope(ctx: RemediationContext, settings: RemSettings): AsyncIterable<ScopedResource<State>>;
}

// ---- the invocation Config sends to a custom rule's Lambda ----

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const timestamp = z.string().check(
  z.maxLength(64),
  z.refine((v) => !Number.isNaN(Date.parse(v)), 'must be a timestamp'),
);
/** True when the text holds a control character (C0 or DEL). */
const hasControl = (v: string) => [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
// Resource ids go back to Config unchanged: no control characters, Config's own bound.
const resourceId = z.string().check(
  z.minLength(1),
  z.maxLength(768),
  z.refine((v) => !hasControl(v), 'must not hold control characters'),
);

const ConfigurationItemSchema = z.object({
  resourceType: text(256),
  resourceId,
  configurationItemStatus: text(64),
  configurationItemCaptureTime: timestamp,
  awsAccountId: z.optional(z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id'))),
  awsRegion: z.optional(z.string().check(z.maxLength(32))),
});

const InvokingEventSchema = z.discriminatedUnion('messageType', [
  z.object({
    messageType: z.literal('ConfigurationItemChangeNotification'),
    configurationItem: ConfigurationItemSchema,
    notificationCreationTime: z.optional(timestamp),
  }),
  z.object({
    messageType: z.literal('OversizedConfigurationItemChangeNotification'),
    configurationItemSummary: ConfigurationItemSchema,
    notificationCreationTime: z.optional(timestamp),
  }),
  z.object({
    messageType: z.literal('ScheduledNotification'),
    awsAccountId: z.optional(z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id'))),
    notificationCreationTime: timestamp,
  }),
]);
export type InvokingEvent = z.infer<typeof InvokingEventSchema>;

// service-linked rules carry their service: `config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-…`
// (organization rules in a member account), `…/securityhub.amazonaws.com/…`
const CONFIG_RULE_ARN = /^arn:aws[a-z-]*:config:([a-z0-9-]+):(\d{12}):config-rule\/[A-Za-z0-9/._-]{1,256}$/;

const InvocationSchema = z.object({
  version: text(16),
  invokingEvent: text(10_000_000),
  ruleParameters: z.optional(z.string().check(z.maxLength(256 * 1024))),
  resultToken: text(100_000),
  eventLeftScope: z._default(z.boolean(), false),
  executionRoleArn: z.optional(z.string().check(z.maxLength(2048))),
  configRuleArn: z.string().check(z.regex(CONFIG_RULE_ARN, 'must be a Config rule ARN')),
  configRuleName: z
    .string()
    .check(z.minLength(1), z.maxLength(128), z.regex(/^[\x20-\x7e]+$/, 'must be printable')),
  configRuleId: z.optional(z.string().check(z.maxLength(64))),
  accountId: z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id')),
  evaluationMode: z.optional(z.enum(['DETECTIVE', 'PROACTIVE'])),
});

/** A validated invocation: the envelope, its parsed invoking event, and where the rule lives. */
export interface ParsedInvocation {
  readonly resultToken: string;
  readonly eventLeftScope: boolean;
  readonly configRuleName: string;
  readonly account: string;
  readonly region: string;
  readonly invokingEvent: InvokingEvent;
}

/**
 * Validates what Config sends to a custom rule's Lambda; anything else is an {@link EventRejectedError}
 * naming the problem, before any AWS call. A resource of the evaluator's type must carry a valid id.
 *
 * @example
 * ```ts
 * const invocation = parseConfigRuleInvocation(event, 'AWS::EC2::RouteTable');
 * invocation.invokingEvent.messageType; // 'ScheduledNotification'
 * ```
 */
export function parseConfigRuleInvocation(input: unknown, resourceType: string): ParsedInvocation {
  const envelope = InvocationSchema.safeParse(input);
  if (!envelope.success)
    throw new EventRejectedError(`not a Config rule invocation: ${firstIssue(envelope.error)}`);
  const e = envelope.data;
  if (e.evaluationMode === 'PROACTIVE') {
    throw new EventRejectedError('proactive evaluation is not supported: this rule is detective only');
  }
  const [, region, arnAccount] = CONFIG_RULE_ARN.exec(e.configRuleArn) ?? [];
  if (!region || !REGION.test(region)) throw new EventRejectedError('configRuleArn: must name a region');
  if (arnAccount !== e.accountId) {
    throw new EventRejectedError(
      `configRuleArn is in account ${arnAccount}, the invocation in ${e.accountId}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(e.invokingEvent);
  } catch {
    throw new EventRejectedError('invokingEvent is not JSON');
  }
  const parsed = InvokingEventSchema.safeParse(raw);
  if (!parsed.success) throw new EventRejectedError(`invokingEvent: ${firstIssue(parsed.error)}`);
  const event = parsed.data;
  const item =
    event.messageType === 'ConfigurationItemChangeNotification'
      ? event.configurationItem
      : event.messageType === 'OversizedConfigurationItemChangeNotification'
        ? event.configurationItemSummary
        : undefined;
  const eventAccount = item
    ? item.awsAccountId
    : event.messageType === 'ScheduledNotification'
      ? event.awsAccountId
      : undefined;
  if (eventAccount && eventAccount !== e.accountId) {
    throw new EventRejectedError(
      `invokingEvent is for account ${eventAccount}, the invocation for ${e.accountId}`,
    );
  }
  if (item?.awsRegion && item.awsRegion !== region) {
    throw new EventRejectedError(`the configuration item is in ${item.awsRegion}, the rule in ${region}`);
  }
  if (item && item.resourceType === resourceType) {
    const problem = validateResourceId(resourceType, item.resourceId);
    if (problem)
      throw new EventRejectedError(`resourceId ${JSON.stringify(item.resourceId.slice(0, 100))} ${problem}`);
  }
  return {
    resultToken: e.resultToken,
    eventLeftScope: e.eventLeftScope,
    configRuleName: e.configRuleName,
    account: e.accountId,
    region,
    invokingEvent: event,
  };
}

// ---- from a plan to an evaluation ----

/** Shortens text to Config's annotation limit. */
export function annotation(text: string): string {
  return text.length <= ANNOTATION_MAX ? text : `${text.slice(0, ANNOTATION_MAX - 1)}…`;
}

/**
 * The verdict on a plan: steps (or a plan that cannot act now) are NON_COMPLIANT, noop is COMPLIANT.
 *
 * @example
 * ```ts
 * verdict({ kind: 'noop', reason: 'no route to the internet' }, 'routes to the internet');
 * // { complianceType: 'COMPLIANT', annotation: 'no route to the internet' }
 * ```
 */
export function verdict(
  plan: Plan<Step>,
  violation: string,
): { complianceType: ComplianceType; annotation: string } {
  if (plan.kind === 'steps') {
    return {
      complianceType: 'NON_COMPLIANT',
      annotation: annotation(`${violation}: ${plan.steps.map((s) => s.reason).join('; ')}`),
    };
  }
  if (plan.kind === 'skip') return { complianceType: 'NON_COMPLIANT', annotation: annotation(plan.reason) };
  return {
    complianceType: 'COMPLIANT',
    annotation: annotation([plan.reason, ...(plan.notes ?? [])].join('; ')),
  };
}

// ---- the evaluation ----

/** What an evaluator needs, injected: clients, logger, settings. */
export interface EvaluatorDeps {
  readonly clients: ClientFactory;
  readonly logger: Logger;
  readonly settings: () => Promise<Settings>;
}

/** What a run did: the evaluations put, and the resources it could not read. */
export interface EvaluationReport {
  readonly trigger: 'configuration-change' | 'periodic';
  readonly evaluations: readonly Evaluation[];
  readonly unreadable: readonly string[];
}

/** The run could not evaluate everything (resources unreadable, evaluations refused): retried. */
export class EvaluationIncompleteError extends AirlockError {}

const APPLICABLE_STATUSES = new Set(['OK', 'ResourceDiscovered']);

/**
 * Evaluates one Config custom-rule invocation: a configuration change (also when the item was too
 * large to send) evaluates that resource; a scheduled run evaluates every resource in scope and
 * reports those that disappeared since the last results as NOT_APPLICABLE. Results go back with
 * PutEvaluations in batches of 100. Junk is rejected with zero AWS calls.
 *
 * @example
 * ```ts
 * await evaluateConfigRule(event, evaluateRouteTables, deps);
 * ```
 */
export async function evaluateConfigRule<State, RemSettings>(
  input: unknown,
  evaluator: ConfigRuleEvaluator<State, RemSettings>,
  deps: EvaluatorDeps,
): Promise<EvaluationReport> {
  const invocation = parseConfigRuleInvocation(input, evaluator.resourceType);
  const settings = await deps.settings();
  let remSettings: RemSettings;
  try {
    remSettings = remediationSettings(evaluator.remediation, settings) as RemSettings;
  } catch (cause) {
    throw new SettingsError(`settings of ${evaluator.remediation.id} are invalid`, { cause });
  }
  const where = placeProblem(invocation.account, invocation.region, settings);
  if (where) throw new EventRejectedError(where);
  const scope = { region: invocation.region, account: invocation.account };
  const ctx: RemediationContext = {
    client: (ctor) => deps.clients.get(ctor, scope),
    region: invocation.region,
    accountId: invocation.account,
    logger: deps.logger,
  };
  const config = ctx.client(ConfigServiceClient);
  const event = invocation.invokingEvent;
  deps.logger.appendKeys({
    configRule: invocation.configRuleName,
    account: invocation.account,
    region: invocation.region,
  });

  const evaluation = (id: string, type: ComplianceType, note: string, at: Date): Evaluation => ({
    ComplianceResourceType: evaluator.resourceType,
    ComplianceResourceId: id,
    ComplianceType: type,
    Annotation: annotation(note),
    OrderingTimestamp: at,
  });
  const judge = (id: string, state: State | Gone, at: Date): Evaluation => {
    if (state === GONE) return evaluation(id, 'NOT_APPLICABLE', 'the resource no longer exists', at);
    const v = verdict(evaluator.remediation.plan(state, remSettings), evaluator.violation);
    return evaluation(id, v.complianceType, v.annotation, at);
  };

  if (event.messageType === 'ScheduledNotification') {
    const at = new Date(event.notificationCreationTime);
    const evaluations: Evaluation[] = [];
    const unreadable: string[] = [];
    const seen = new Set<string>();
    for await (const item of evaluator.listInScope(ctx, remSettings)) {
      seen.add(item.resourceId);
      if ('error' in item) {
        unreadable.push(item.resourceId);
        deps.logger.error('resource unreadable', { resourceId: item.resourceId, error: item.error as Error });
        continue;
      }
      evaluations.push(judge(item.resourceId, item.state, at));
    }
    for (const id of await previouslyEvaluated(config, invocation.configRuleName, evaluator.resourceType)) {
      if (!seen.has(id))
        evaluations.push(evaluation(id, 'NOT_APPLICABLE', 'the resource no longer exists', at));
    }
    await putEvaluations(config, invocation.resultToken, evaluations, deps.logger);
    const report = { trigger: 'periodic' as const, evaluations, unreadable };
    if (unreadable.length) {
      throw new EvaluationIncompleteError(
        `${unreadable.length} resource(s) could not be read and were not evaluated: ${unreadable.slice(0, 10).join(', ')}`,
      );
    }
    return report;
  }

  // a configuration change of one resource (the item itself, or its summary when it was too large)
  let item =
    event.messageType === 'ConfigurationItemChangeNotification'
      ? event.configurationItem
      : event.configurationItemSummary;
  if (
    event.messageType === 'OversizedConfigurationItemChangeNotification' &&
    item.resourceType === evaluator.resourceType
  ) {
    item = await latestConfigurationItem(config, item);
  }
  const at = new Date(item.configurationItemCaptureTime);
  let result: Evaluation;
  if (invocation.eventLeftScope) {
    result = evaluation(item.resourceId, 'NOT_APPLICABLE', "the resource left the rule's scope", at);
  } else if (!APPLICABLE_STATUSES.has(item.configurationItemStatus)) {
    result = evaluation(
      item.resourceId,
      'NOT_APPLICABLE',
      `configuration item status ${item.configurationItemStatus}`,
      at,
    );
  } else if (item.resourceType !== evaluator.resourceType) {
    result = {
      ...evaluation(item.resourceId, 'NOT_APPLICABLE', `not a ${evaluator.resourceType}`, at),
      ComplianceResourceType: item.resourceType,
    };
  } else {
    result = judge(
      item.resourceId,
      await evaluator.remediation.describe(item.resourceId, ctx, remSettings),
      at,
    );
  }
  await putEvaluations(config, invocation.resultToken, [result], deps.logger);
  return { trigger: 'configuration-change', evaluations: [result], unreadable: [] };
}

type ConfigItem = z.infer<typeof ConfigurationItemSchema>;

/** The latest recorded item of a resource whose change notification was too large to carry it. */
async function latestConfigurationItem(
  config: ConfigServiceClient,
  summary: ConfigItem,
): Promise<ConfigItem> {
  try {
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: summary.resourceType as never,
        resourceId: summary.resourceId,
        limit: 1,
      }),
    );
    const latest = out.configurationItems?.[0];
    if (!latest) return summary;
    return {
      ...summary,
      configurationItemStatus: latest.configurationItemStatus ?? summary.configurationItemStatus,
      configurationItemCaptureTime:
        latest.configurationItemCaptureTime?.toISOString() ?? summary.configurationItemCaptureTime,
    };
  } catch (error) {
    if (errorCode(error) === 'ResourceNotDiscoveredException') return summary;
    throw error;
  }
}

/** The resources this rule last judged COMPLIANT or NON_COMPLIANT (paginated). */
async function previouslyEvaluated(
  config: ConfigServiceClient,
  ruleName: string,
  resourceType: string,
): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const out = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: ruleName,
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const result of out.EvaluationResults ?? []) {
      const q = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (q?.ResourceType === resourceType && q.ResourceId) ids.push(q.ResourceId);
    }
    token = out.NextToken;
  } while (token);
  return ids;
}

/** Puts evaluations in batches of 100; evaluations Config refuses fail the run (so it is retried). */
async function putEvaluations(
  config: ConfigServiceClient,
  resultToken: string,
  evaluations: readonly Evaluation[],
  logger: Logger,
): Promise<void> {
  const failed: Evaluation[] = [];
  for (let i = 0; i < evaluations.length; i += PUT_EVALUATIONS_BATCH) {
    const batch = evaluations.slice(i, i + PUT_EVALUATIONS_BATCH);
    const out = await config.send(
      new PutEvaluationsCommand({ ResultToken: resultToken, Evaluations: batch }),
    );
    failed.push(...(out.FailedEvaluations ?? []));
  }
  const counts = Object.fromEntries(
    ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'].map((t) => [
      t,
      evaluations.filter((e) => e.ComplianceType === t).length,
    ]),
  );
  logger.info('evaluations put', { total: evaluations.length, ...counts, failed: failed.length });
  if (failed.length) {
    throw new EvaluationIncompleteError(
      `Config refused ${failed.length} evaluation(s): ${failed
        .slice(0, 10)
        .map((f) => f.ComplianceResourceId)
        .join(', ')}`,
    );
  }
}

// ---- the Lambda handler ----

export interface EvaluatorOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly clients?: ClientFactory;
  readonly logger?: Logger;
}

/**
 * Builds an evaluator's dependencies from the environment, once per container: settings from the
 * `AIRLOCK_*` variables (and the Parameter Store override they may name), as the remediations read them.
 */
export function createEvaluatorDeps(serviceName: string, options: EvaluatorOptions = {}): EvaluatorDeps {
  const env = options.env ?? process.env;
  const raw = settingsFromEnv(env);
  const staticSettings = parseSettings(raw, 'environment');
  const home = { region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1' };
  // a member account's rule (an organization rule) is evaluated there, through its member role
  const clients = options.clients ?? deploymentClients(staticSettings, home);
  const logger = options.logger ?? new Logger({ serviceName });
  const settings = settingsLoader(raw, staticSettings, parameterStore(clients, home));
  return { clients, logger, settings };
}

/**
 * The Lambda handler of a custom Config rule evaluator.
 *
 * @example
 * ```ts
 * // functions/evaluate-route-tables/handler.ts
 * export const handler = createEvaluatorHandler(evaluateRouteTables);
 * ```
 */
export function createEvaluatorHandler<State, RemSettings>(
  evaluator: ConfigRuleEvaluator<State, RemSettings>,
  options: EvaluatorOptions = {},
): (event: unknown, context?: Context) => Promise<EvaluationReport> {
  let deps: EvaluatorDeps | undefined;
  return async (event, context) => {
    deps ??= createEvaluatorDeps(evaluator.id, options);
    deps.logger.resetKeys?.();
    if (context) deps.logger.addContext(context);
    try {
      return await evaluateConfigRule(event, evaluator, deps);
    } catch (error) {
      deps.logger.error(error instanceof EventRejectedError ? 'invocation rejected' : 'evaluation failed', {
        error: error as Error,
      });
      throw error;
    }
  };
}
