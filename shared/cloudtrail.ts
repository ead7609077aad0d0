/**
 * The fast path: EventBridge "AWS API Call via CloudTrail" events. AWS Config reports minutes late
 * (EKS_ENDPOINT_NO_PUBLIC_ACCESS is periodic only; Transit Gateway routes are invisible to it);
 * CloudTrail hands management API calls to EventBridge within about a minute. The call only says
 * which resource to look at: the remediation reads the resource live, as for a Config event.
 *
 * @example
 * ```ts
 * const parsed = parseCloudTrailEvent(event, revokeOpenSshCloudTrail);
 * parsed.resourceId; // 'sg-0123456789abcdef0' (from requestParameters.groupId)
 * parsed.apiCall?.principal; // 'arn:aws:sts::111122223333:assumed-role/Admin/alice'
 * ```
 */
import * as z from 'zod/mini';
import { EventRejectedError } from './errors.js';
import { type ApiCall, type ParsedEvent, readEventObject } from './event.js';
import { ACCOUNT_ID, quote, REGION } from './resource-id.js';
import { firstIssue } from './zod.js';

/** The detail-type EventBridge gives CloudTrail's records of management API calls. */
export const API_CALL = 'AWS API Call via CloudTrail';

/** EventBridge source -> CloudTrail eventSource, for the services airlock remediates. */
export const CLOUDTRAIL_SOURCES = {
  'aws.ec2': 'ec2.amazonaws.com',
  'aws.s3': 's3.amazonaws.com',
  'aws.eks': 'eks.amazonaws.com',
} as const;
export type CloudTrailEventSource = (typeof CLOUDTRAIL_SOURCES)[keyof typeof CLOUDTRAIL_SOURCES];

/** Longest string kept in a parsed event or audit record from the caller-controlled fields (user agent, error message). */
export const MAX_KEPT_CHARS = 1024;

const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const arn = z.optional(str(0, 2048));
/** An object of anything (CloudTrail's request and response vary per call); only looked into by path. */
const Payload = z.nullish(z.record(z.string(), z.unknown()));

const SessionIssuerSchema = z.object({
  type: z.optional(str(0, 64)),
  principalId: z.optional(str(0, 256)),
  arn,
  accountId: z.optional(str(0, 64)),
  userName: z.optional(str(0, 256)),
});

/** `userIdentity` (CloudTrail User Guide, "CloudTrail userIdentity element"); unknown members are dropped. */
const UserIdentitySchema = z.object({
  type: z.optional(str(0, 64)),
  principalId: z.optional(str(0, 256)),
  arn,
  accountId: z.optional(str(0, 64)),
  accessKeyId: z.optional(str(0, 128)),
  userName: z.optional(str(0, 256)),
  invokedBy: z.optional(str(0, 256)),
  sessionContext: z.optional(
    z.object({
      sessionIssuer: z.optional(SessionIssuerSchema),
    }),
  ),
});

/**
 * `detail` of an "AWS API Call via CloudTrail" event: the CloudTrail record (CloudTrail User Guide,
 * "CloudTrail record contents"). Identifiers are bounded tightly; the fields a caller chooses
 * (user agent, error message) generously, so that a long user agent cannot make a real call
 * unreadable and slip past the fast path.
 */
export const CloudTrailDetailSchema = z.object({
  eventVersion: str(1, 16),
  userIdentity: UserIdentitySchema,
  eventTime: z.iso.datetime({ offset: true }),
  eventSource: str(1, 128),
  eventName: str(1, 128),
  awsRegion: z.string().check(z.regex(REGION, 'must be a region name')),
  sourceIPAddress: z.optional(str(0, 1024)),
  userAgent: z.optional(str(0, 8192)),
  requestParameters: Payload,
  responseElements: Payload,
  errorCode: z.optional(str(1, 256)),
  errorMessage: z.optional(str(0, 8192)),
  requestID: z.optional(str(0, 256)),
  eventID: z
    .string()
    .check(z.minLength(1), z.maxLength(128), z.regex(/^[-_A-Za-z0-9]+$/, 'must be an event id')),
  readOnly: z.optional(z.boolean()),
  eventType: z.optional(str(0, 64)),
  managementEvent: z.optional(z.boolean()),
  eventCategory: z.optional(str(0, 64)),
  recipientAccountId: z.optional(z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id'))),
});
export type CloudTrailDetail = z.infer<typeof CloudTrailDetailSchema>;

/** The EventBridge envelope (as in shared/event.ts) around a CloudTrail record. */
export const CloudTrailEventSchema = z.object({
  version: str(0, 8),
  id: str(1, 128),
  source: z.enum(['aws.ec2', 'aws.s3', 'aws.eks']),
  account: z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id')),
  time: z.iso.datetime({ offset: true }),
  region: z.string().check(z.regex(REGION, 'must be a region name')),
  resources: z.array(str(0, 2048)).check(z.maxLength(100)),
  'detail-type': z.literal(API_CALL),
  'replay-name': z.optional(str(0, 256)),
  detail: CloudTrailDetailSchema,
});
export type CloudTrailEvent = z.infer<typeof CloudTrailEventSchema>;

/**
 * How a remediation reads an API call: which calls can create its violation, and which resource
 * ids of its type a call names. Lives beside the remediation (`functions/<id>/cloudtrail.ts`) and
 * is set as the descriptor's `cloudTrail`.
 *
 * @example
 * ```ts
 * export const revokeOpenSshCloudTrail = defineCloudTrailTrigger({
 *   resourceType: 'AWS::EC2::SecurityGroup',
 *   eventSource: 'ec2.amazonaws.com',
 *   eventNames: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'],
 *   resourceIds: (d) => stringsAt(d.requestParameters, ['groupId']),
 * });
 * ```
 */
export interface CloudTrailTrigger {
  /** The remediation's Config resource type; the ids returned are of this type. */
  readonly resourceType: string;
  readonly eventSource: CloudTrailEventSource;
  /** CloudTrail `eventName`s of the calls that can create the violation. */
  readonly eventNames: readonly string[];
  /** The ids of the resource type the call named (request, then response), unvalidated: the pipeline validates. */
  resourceIds(detail: CloudTrailDetail): string[];
}

/** The EventBridge source of a CloudTrail eventSource (`ec2.amazonaws.com` -> `aws.ec2`). */
export function eventBridgeSource(eventSource: CloudTrailEventSource): keyof typeof CLOUDTRAIL_SOURCES {
  const found = Object.entries(CLOUDTRAIL_SOURCES).find(([, v]) => v === eventSource);
  if (!found) throw new Error(`no EventBridge source for ${eventSource}`);
  return found[0] as keyof typeof CLOUDTRAIL_SOURCES;
}

/**
 * The EventBridge rule pattern for a trigger (EventBridge reference, "AWS service events delivered
 * via AWS CloudTrail"). Failed calls are kept: the pipeline records them NOOP without a read, and
 * an attempt that was denied is worth the SOC's attention. Delivery needs a CloudTrail trail with
 * logging on, and is best effort: Config's evaluation stays the safety net.
 *
 * @example
 * ```ts
 * cloudTrailEventPattern(revokeOpenSshCloudTrail);
 * // { source: ['aws.ec2'], 'detail-type': ['AWS API Call via CloudTrail'],
 * //   detail: { eventSource: ['ec2.amazonaws.com'], eventName: ['AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules'] } }
 * ```
 */
export function cloudTrailEventPattern(trigger: CloudTrailTrigger): {
  source: string[];
  'detail-type': string[];
  detail: { eventSource: string[]; eventName: string[] };
} {
  return {
    source: [eventBridgeSource(trigger.eventSource)],
    'detail-type': [API_CALL],
    detail: { eventSource: [trigger.eventSource], eventName: [...trigger.eventNames] },
  };
}

/**
 * True when `event` looks like an "AWS API Call via CloudTrail" event for one of the trigger's calls
 * (detail-type, eventSource and eventName only: for routing, e.g. the harness choosing the remediation
 * of a recorded call; the pipeline still validates everything).
 *
 * @example
 * ```ts
 * REMEDIATIONS.find((r) => r.cloudTrail && matchesCloudTrailTrigger(r.cloudTrail, event));
 * ```
 */
export function matchesCloudTrailTrigger(trigger: CloudTrailTrigger, event: unknown): boolean {
  if (!event || typeof event !== 'object') return false;
  const e = event as { 'detail-type'?: unknown; detail?: { eventSource?: unknown; eventName?: unknown } };
  return (
    e['detail-type'] === API_CALL &&
    e.detail?.eventSource === trigger.eventSource &&
    typeof e.detail?.eventName === 'string' &&
    trigger.eventNames.includes(e.detail.eventName)
  );
}

/** Types a trigger without widening it. */
export function defineCloudTrailTrigger(trigger: CloudTrailTrigger): CloudTrailTrigger {
  return trigger;
}

const MAX_IDS = 50;

/**
 * The strings found at `path` under `root`. Arrays met on the way are walked element by element
 * (CloudTrail renders EC2 lists as `{ items: [...] }`, sometimes `{ item: {...} }` for one), so
 * `['securityGroupRuleSet', 'items', 'groupId']` finds the group id of every returned rule.
 * Bounded: the path's length is the depth, at most 50 strings come back.
 *
 * @example
 * ```ts
 * stringsAt({ a: { items: [{ id: 'x' }, { id: 'y' }] } }, ['a', 'items', 'id']); // ['x', 'y']
 * ```
 */
export function stringsAt(root: unknown, path: readonly string[]): string[] {
  let level: unknown[] = [root];
  for (const key of path) {
    const next: unknown[] = [];
    for (const value of level.flatMap((v) => (Array.isArray(v) ? v : [v]))) {
      if (value && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key)) {
        next.push((value as Record<string, unknown>)[key]);
      }
      if (next.length > MAX_IDS) break;
    }
    level = next;
  }
  return level
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v): v is string => typeof v === 'string')
    .slice(0, MAX_IDS);
}

/** The distinct strings of several paths, in order. */
export function idsAt(root: unknown, paths: readonly (readonly string[])[]): string[] {
  return [...new Set(paths.flatMap((p) => stringsAt(root, p)))].slice(0, MAX_IDS);
}

const clip = (value: string | undefined, max = MAX_KEPT_CHARS): string | undefined =>
  value === undefined ? undefined : value.length > max ? `${value.slice(0, max)}…` : value;

/** Drops the undefined members (records are canonicalised: absent beats undefined). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The API call's who / what / where, as the pipeline and the audit record keep it. */
function apiCallOf(detail: CloudTrailDetail, resourceIds: string[]): ApiCall {
  const who = detail.userIdentity;
  const issuer = who.sessionContext?.sessionIssuer;
  return compact({
    eventSource: detail.eventSource,
    eventName: detail.eventName,
    eventId: detail.eventID,
    eventTime: detail.eventTime,
    principal: who.arn,
    principalType: who.type,
    principalAccount: who.accountId,
    issuer: issuer?.arn,
    issuerName: issuer?.userName,
    issuerAccount: issuer?.accountId,
    invokedBy: who.invokedBy,
    sourceIp: clip(detail.sourceIPAddress, 256),
    userAgent: clip(detail.userAgent),
    errorCode: detail.errorCode,
    errorMessage: clip(detail.errorMessage),
    resourceIds,
  });
}

/**
 * Parses an EventBridge "AWS API Call via CloudTrail" event for a remediation's trigger into the
 * same shape as a compliance change: the rule is `cloudtrail:<eventName>`, the evaluation time
 * `<eventTime>#<eventID>` (so the idempotency key is unique per call), the compliance
 * NON_COMPLIANT (the state is read live anyway), and `apiCall` says who called what from where.
 *
 * Rejected, with a reason: other detail-types and sources, malformed or oversized events, an
 * envelope that disagrees with its record (account, region, service), calls the trigger does not
 * list, and a successful call that names no resource of the type. A failed call that names none
 * is kept (resourceId empty): it changed nothing, the pipeline records NOOP.
 *
 * @example
 * ```ts
 * const parsed = parseCloudTrailEvent(event, blockPublicS3CloudTrail);
 * parsed.rule; // 'cloudtrail:DeleteBucketPublicAccessBlock'
 * parsed.evaluationTime; // '2026-11-20T10:00:00Z#6f1c0e6e-...'
 * ```
 */
export function parseCloudTrailEvent(input: unknown, trigger: CloudTrailTrigger): ParsedEvent {
  const envelope = readEventObject(input);
  if (envelope['detail-type'] !== API_CALL) {
    throw new EventRejectedError(`detail-type ${quote(envelope['detail-type'])} is not "${API_CALL}"`);
  }
  const source = envelope.source;
  if (typeof source !== 'string' || !Object.hasOwn(CLOUDTRAIL_SOURCES, source)) {
    throw new EventRejectedError(
      `source ${quote(source)} is not one of ${Object.keys(CLOUDTRAIL_SOURCES).join(', ')}`,
    );
  }
  const result = CloudTrailEventSchema.safeParse(envelope);
  if (!result.success) {
    throw new EventRejectedError(`malformed CloudTrail event: ${firstIssue(result.error)}`);
  }
  const event = result.data;
  const detail = event.detail;
  if (CLOUDTRAIL_SOURCES[event.source] !== detail.eventSource) {
    throw new EventRejectedError(
      `inconsistent event: source ${event.source} carries a call to ${quote(detail.eventSource)}`,
    );
  }
  if (detail.awsRegion !== event.region) {
    throw new EventRejectedError(
      `inconsistent event: the call was made in ${detail.awsRegion}, the envelope is for ${event.region}`,
    );
  }
  if (detail.recipientAccountId !== undefined && detail.recipientAccountId !== event.account) {
    throw new EventRejectedError(
      `inconsistent event: the call was recorded for account ${detail.recipientAccountId}, the envelope is for ${event.account}`,
    );
  }
  if (detail.eventType !== undefined && detail.eventType !== 'AwsApiCall') {
    throw new EventRejectedError(`eventType ${quote(detail.eventType)} is not AwsApiCall`);
  }
  const call = `${detail.eventSource} ${detail.eventName}`;
  if (detail.eventSource !== trigger.eventSource || !trigger.eventNames.includes(detail.eventName)) {
    throw new EventRejectedError(
      `the call ${quote(call)} cannot make a ${trigger.resourceType} non-compliant: the fast path acts on ${trigger.eventSource} ${trigger.eventNames.join(', ')}`,
    );
  }
  const ids = [...new Set(trigger.resourceIds(detail))];
  if (ids.length === 0 && detail.errorCode === undefined) {
    throw new EventRejectedError(
      `the call ${detail.eventName} names no ${trigger.resourceType} in its request or response: nothing to read`,
    );
  }
  return {
    eventId: event.id,
    source: event.source,
    detailType: event['detail-type'],
    time: event.time,
    account: event.account,
    region: event.region,
    rule: `cloudtrail:${detail.eventName}`,
    resourceType: trigger.resourceType,
    resourceId: ids[0] ?? '',
    complianceType: 'NON_COMPLIANT',
    evaluationTime: `${detail.eventTime}#${detail.eventID}`,
    trigger: 'cloudtrail',
    apiCall: apiCallOf(detail, ids),
  };
}

/** The member role airlock's StackSet creates in each member account, when there is an organization. */
export interface MemberRoleScope {
  /** Its name, fixed by the deployment (`airlock-member`). */
  readonly name: string;
  /** The account airlock runs in: no member role is deployed there, so none is trusted there. */
  readonly homeAccount?: string | undefined;
}

/**
 * True when the call was made in a session of one of airlock's own roles, matched by the session
 * issuer's full ARN (`sessionContext.sessionIssuer.arn`, account included): a role of `ownRoleArns`
 * (the central functions' roles), or the member role in the account the call was recorded in
 * (`arn:<partition>:iam::<account>:role/<name>`, never in the home account). A role merely named like
 * one of them, in another account, is someone else's.
 *
 * @example
 * ```ts
 * isOwnPrincipal(call, ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh'], '111122223333'); // true
 * isOwnPrincipal(call, [], '444455556666', { name: 'airlock-member', homeAccount: '111122223333' }); // a member role call
 * ```
 */
export function isOwnPrincipal(
  call: ApiCall,
  ownRoleArns: readonly string[],
  account: string,
  memberRole?: MemberRoleScope,
): boolean {
  const issuer = call.issuer;
  if (issuer === undefined) return false;
  if (ownRoleArns.includes(issuer)) return true;
  if (!memberRole || account === memberRole.homeAccount) return false;
  const partition = /^arn:(aws[a-z-]*):/.exec(issuer)?.[1];
  return partition !== undefined && issuer === `arn:${partition}:iam::${account}:role/${memberRole.name}`;
}
