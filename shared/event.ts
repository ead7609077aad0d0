import * as z from 'zod/mini';
import { EventRejectedError } from './errors.js';
import { ACCOUNT_ID, quote, REGION } from './resource-id.js';
import { firstIssue } from './zod.js';

/** The detail-type AWS Config uses on EventBridge for rule compliance changes. */
export const COMPLIANCE_CHANGE = 'Config Rules Compliance Change';
/**
 * Sources whose compliance-change events airlock handles: AWS Config, the manual path (SSM document),
 * and the periodic sweep that re-drives what is still NON_COMPLIANT.
 */
export const EVENT_SOURCES = {
  config: 'aws.config',
  manual: 'airlock.manual',
  sweep: 'airlock.sweep',
} as const;

export const ComplianceType = {
  NON_COMPLIANT: 'NON_COMPLIANT',
  COMPLIANT: 'COMPLIANT',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
  INSUFFICIENT_DATA: 'INSUFFICIENT_DATA',
} as const;
export type ComplianceType = (typeof ComplianceType)[keyof typeof ComplianceType];

const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const name = str(1, 256);
const timestamp = str(1, 64);

const EvaluationResultSchema = z.object({
  evaluationResultIdentifier: z.object({
    evaluationResultQualifier: z.object({
      configRuleName: name,
      resourceType: name,
      resourceId: str(1, 768),
    }),
    orderingTimestamp: timestamp,
  }),
  complianceType: z.enum(['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
  resultRecordedTime: z.optional(timestamp),
  configRuleInvokedTime: z.optional(timestamp),
  annotation: z.nullish(str(0, 1024)),
});

/** `detail` of a "Config Rules Compliance Change" event, as AWS Config publishes it. */
export const ComplianceChangeDetailSchema = z.object({
  resourceId: str(1, 768),
  awsRegion: z.string().check(z.regex(REGION, 'must be a region name')),
  awsAccountId: z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id')),
  configRuleName: name,
  recordVersion: z.optional(str(0, 16)),
  configRuleARN: z.optional(str(0, 2048)),
  messageType: z.literal('ComplianceChangeNotification'),
  newEvaluationResult: EvaluationResultSchema,
  oldEvaluationResult: z.nullish(EvaluationResultSchema),
  notificationCreationTime: z.optional(timestamp),
  resourceType: name,
});

/**
 * The EventBridge envelope (the fields of Powertools parser's EventBridgeSchema, with bounds),
 * narrowed to compliance-change events.
 */
export const ComplianceChangeEventSchema = z.object({
  version: str(0, 8),
  id: str(1, 128),
  source: str(1, 256),
  account: z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id')),
  time: z.iso.datetime({ offset: true }),
  region: z.string().check(z.regex(REGION, 'must be a region name')),
  resources: z.array(str(0, 2048)).check(z.maxLength(100)),
  'detail-type': str(1, 256),
  'replay-name': z.optional(str(0, 256)),
  detail: ComplianceChangeDetailSchema,
});
export type ComplianceChangeEvent = z.infer<typeof ComplianceChangeEventSchema>;

/** How the event reached airlock (`cloudtrail`: the API call itself, the fast path). */
export type Trigger = 'config' | 'manual' | 'replay' | 'rollback' | 'sweep' | 'cloudtrail';

/**
 * The API call behind a CloudTrail event (the fast path): who called what, from where. Strings
 * are capped; the resource is still read live, never taken from here.
 */
export interface ApiCall {
  readonly eventSource: string;
  readonly eventName: string;
  readonly eventId: string;
  readonly eventTime: string;
  /** `userIdentity.arn`: the caller (an assumed-role session, a user, root). */
  readonly principal?: string;
  /** `userIdentity.type`: AssumedRole, IAMUser, Root, AWSService... */
  readonly principalType?: string;
  readonly principalAccount?: string;
  /** `sessionContext.sessionIssuer.arn` / `.userName`: the role behind a session. */
  readonly issuer?: string;
  readonly issuerName?: string;
  readonly issuerAccount?: string;
  /** `userIdentity.invokedBy`: the AWS service that made the call on the caller's behalf. */
  readonly invokedBy?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** Present when the call failed: it changed nothing. */
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Every id of the remediation's resource type the call named; the event acts on the first. */
  readonly resourceIds: readonly string[];
}

/** What the pipeline keeps of an event: ids and names, never state. */
export interface ParsedEvent {
  readonly eventId: string;
  readonly source: string;
  readonly detailType: string;
  readonly time: string;
  readonly account: string;
  readonly region: string;
  readonly rule: string;
  readonly ruleArn?: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly complianceType: ComplianceType;
  readonly previousComplianceType?: ComplianceType;
  /** Config's ordering timestamp of the evaluation: part of the idempotency key. */
  readonly evaluationTime: string;
  readonly annotation?: string;
  readonly trigger: Trigger;
  /** The API call, for CloudTrail events (trigger `cloudtrail`). */
  readonly apiCall?: ApiCall;
}

/** Largest event accepted, in characters of JSON (EventBridge's own limit is 256 KB). */
export const MAX_EVENT_CHARS = 256 * 1024;

/**
 * Reads an event as a JSON object (an object, or a JSON string), within {@link MAX_EVENT_CHARS}.
 * Anything else is rejected with a reason.
 *
 * @example
 * ```ts
 * readEventObject('{"detail-type":"x"}'); // { 'detail-type': 'x' }
 * readEventObject('[1]'); // throws EventRejectedError: event must be a JSON object, got an array
 * ```
 */
export function readEventObject(input: unknown): Record<string, unknown> {
  let raw = input;
  if (typeof input === 'string') {
    if (input.length > MAX_EVENT_CHARS) {
      throw new EventRejectedError(`event is ${input.length} characters, more than ${MAX_EVENT_CHARS}`);
    }
    try {
      raw = JSON.parse(input);
    } catch (cause) {
      throw new EventRejectedError('event is not valid JSON', { cause });
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EventRejectedError(
      `event must be a JSON object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`,
    );
  }
  let size: number;
  try {
    size = JSON.stringify(raw).length;
  } catch (cause) {
    throw new EventRejectedError('event cannot be serialised as JSON', { cause });
  }
  if (size > MAX_EVENT_CHARS) {
    throw new EventRejectedError(`event is ${size} characters of JSON, more than ${MAX_EVENT_CHARS}`);
  }
  return raw as Record<string, unknown>;
}

/**
 * Parses an EventBridge "Config Rules Compliance Change" event. Anything else is rejected with a
 * reason a human understands: other detail-types and sources, malformed JSON, oversized or
 * inconsistent events.
 *
 * @example
 * ```ts
 * const parsed = parseComplianceEvent(event); // throws EventRejectedError on bad input
 * parsed.resourceId; // 'sg-0123456789abcdef0'
 * ```
 */
export function parseComplianceEvent(input: unknown): ParsedEvent {
  const envelope = readEventObject(input);
  const detailType = envelope['detail-type'];
  if (detailType !== COMPLIANCE_CHANGE) {
    throw new EventRejectedError(
      `detail-type ${quote(detailType)} is not "${COMPLIANCE_CHANGE}": airlock only acts on Config compliance changes`,
    );
  }
  const source = envelope.source;
  if (source !== EVENT_SOURCES.config && source !== EVENT_SOURCES.manual && source !== EVENT_SOURCES.sweep) {
    throw new EventRejectedError(`source ${quote(source)} is not aws.config`);
  }
  const result = ComplianceChangeEventSchema.safeParse(envelope);
  if (!result.success) {
    throw new EventRejectedError(`malformed compliance-change event: ${firstIssue(result.error)}`);
  }
  const event = result.data;
  const detail = event.detail;
  const qualifier = detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier;
  if (
    qualifier.resourceId !== detail.resourceId ||
    qualifier.resourceType !== detail.resourceType ||
    qualifier.configRuleName !== detail.configRuleName
  ) {
    throw new EventRejectedError('inconsistent event: the evaluation result names another resource or rule');
  }
  if (detail.awsAccountId !== event.account || detail.awsRegion !== event.region) {
    throw new EventRejectedError(
      `inconsistent event: detail is for ${detail.awsAccountId}/${detail.awsRegion}, envelope for ${event.account}/${event.region}`,
    );
  }
  return {
    eventId: event.id,
    source: event.source,
    detailType: event['detail-type'],
    time: event.time,
    account: event.account,
    region: event.region,
    rule: detail.configRuleName,
    ...(detail.configRuleARN ? { ruleArn: detail.configRuleARN } : {}),
    resourceType: detail.resourceType,
    resourceId: detail.resourceId,
    complianceType: detail.newEvaluationResult.complianceType,
    ...(detail.oldEvaluationResult
      ? { previousComplianceType: detail.oldEvaluationResult.complianceType }
      : {}),
    evaluationTime: detail.newEvaluationResult.evaluationResultIdentifier.orderingTimestamp,
    ...(detail.newEvaluationResult.annotation ? { annotation: detail.newEvaluationResult.annotation } : {}),
    trigger:
      event.source === EVENT_SOURCES.manual
        ? 'manual'
        : event.source === EVENT_SOURCES.sweep
          ? 'sweep'
          : 'config',
  };
}

/** A best-effort summary of an event that failed to parse, for the REJECTED record (escaped, capped). */
export function summarizeRejectedEvent(input: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const e = input as Record<string, unknown>;
    const d = (e.detail && typeof e.detail === 'object' ? e.detail : {}) as Record<string, unknown>;
    const pick = (key: string, value: unknown) => {
      if (typeof value === 'string') out[key] = value.length > 256 ? `${value.slice(0, 256)}…` : value;
    };
    pick('id', e.id);
    pick('source', e.source);
    pick('detailType', e['detail-type']);
    pick('account', e.account);
    pick('region', e.region);
    pick('rule', d.configRuleName);
    pick('resourceType', d.resourceType);
    pick('resourceId', d.resourceId);
    if (typeof d.eventName === 'string') pick('rule', `cloudtrail:${d.eventName}`);
  }
  return out;
}
