import type { AuditRecord, AuditStep } from '../../shared/audit-record.js';
import { cloudTrailEventName } from '../sim/cloudtrail.js';

/** A write call as CloudTrail recorded it, reduced to what reconciling needs. */
export interface TrailWrite {
  readonly eventId: string;
  /** eventTime, ms since the epoch. */
  readonly time: number;
  readonly eventTime: string;
  /** `ec2.amazonaws.com` */
  readonly eventSource: string;
  readonly eventName: string;
  readonly account?: string;
  readonly region?: string;
  /** The role whose session made the call (sessionIssuer.userName), when a role made it. */
  readonly role?: string;
  /** Every string in the request parameters (resource ids among them). */
  readonly values: ReadonlySet<string>;
  readonly errorCode?: string;
}

/** One step a record says was sent (or tried) to AWS: what CloudTrail must show. */
export interface RecordedCall {
  readonly record: AuditRecord;
  readonly step: AuditStep;
  readonly eventName: string;
  readonly eventSource: string;
  readonly resourceId?: string;
  /** The strings of the step's input: a call that names its resource only indirectly (an association id) is matched by them. */
  readonly inputValues: readonly string[];
  /** When the call can have been made: the step's start (else the record's span), ± the slack. */
  readonly from: number;
  readonly to: number;
}

export interface ReconcileReport {
  /** Writes by airlock's roles that no record accounts for: an action outside the pipeline, or a lost record. */
  readonly unrecorded: readonly TrailWrite[];
  /** Steps of APPLIED records that CloudTrail does not show: a record of a change never made (or a gap in CloudTrail). */
  readonly unmatched: readonly RecordedCall[];
  readonly matched: number;
  /** Writes by airlock's roles examined. */
  readonly writes: number;
  /** Steps of records examined. */
  readonly calls: number;
}

const collect = (value: unknown, into: Set<string>): Set<string> => {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collect(v, into);
  return into;
};

/**
 * The write a CloudTrail event records (the event itself, or an EventBridge "AWS API Call via
 * CloudTrail" event around it); undefined for read-only calls and anything that is not a CloudTrail
 * event.
 */
export function trailWriteOf(event: unknown): TrailWrite | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const outer = event as Record<string, unknown>;
  const e = (outer['detail-type'] === 'AWS API Call via CloudTrail' ? outer.detail : outer) as Record<
    string,
    unknown
  > | null;
  if (!e || typeof e.eventName !== 'string' || typeof e.eventTime !== 'string') return undefined;
  if (e.readOnly === true) return undefined;
  const time = Date.parse(e.eventTime);
  if (!Number.isFinite(time)) return undefined;
  const identity = (e.userIdentity ?? {}) as {
    accountId?: string;
    sessionContext?: { sessionIssuer?: { userName?: string; arn?: string } };
  };
  const issuer = identity.sessionContext?.sessionIssuer;
  const role = issuer?.userName ?? issuer?.arn?.split('/').pop();
  const account = (e.recipientAccountId as string | undefined) ?? identity.accountId;
  return {
    eventId: String(e.eventID ?? ''),
    time,
    eventTime: e.eventTime,
    eventSource: String(e.eventSource ?? ''),
    eventName: e.eventName,
    ...(account ? { account } : {}),
    ...(typeof e.awsRegion === 'string' ? { region: e.awsRegion } : {}),
    ...(role ? { role } : {}),
    values: collect(e.requestParameters, new Set()),
    ...(typeof e.errorCode === 'string' ? { errorCode: e.errorCode } : {}),
  };
}

const SENT: ReadonlySet<AuditStep['result']> = new Set(['applied', 'already-done', 'failed']);

/**
 * The calls the records say were sent: every step applied, already done (the call was made and
 * answered so) or failed, of every record, rollbacks included. `slackMs` widens each window (clocks,
 * CloudTrail's whole seconds).
 */
export function recordedCalls(records: readonly AuditRecord[], slackMs: number): RecordedCall[] {
  return records.flatMap((record) =>
    record.steps
      .filter((step) => SENT.has(step.result))
      .map((step) => {
        const [service = '', api = step.api] = step.action.split(':');
        const start = Date.parse(step.startedAt ?? record.startedAt);
        const end = step.startedAt ? start + (step.durationMs ?? 0) : Date.parse(record.time);
        return {
          record,
          step,
          eventName: cloudTrailEventName(service, step.api ?? api),
          eventSource: `${service}.amazonaws.com`,
          ...(record.resource?.id ? { resourceId: record.resource.id } : {}),
          inputValues: stringsIn(step.input),
          from: start - slackMs,
          to: end + slackMs,
        };
      }),
  );
}

/** Every string in a value (a step's input), nested ones included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

function matches(call: RecordedCall, write: TrailWrite): boolean {
  return (
    call.eventName === write.eventName &&
    call.eventSource === write.eventSource &&
    write.time >= call.from &&
    write.time <= call.to &&
    (call.resourceId === undefined ||
      write.values.has(call.resourceId) ||
      (call.inputValues.length > 0 && call.inputValues.every((v) => write.values.has(v)))) &&
    (call.record.account === undefined ||
      write.account === undefined ||
      call.record.account === write.account) &&
    (call.record.region === undefined || write.region === undefined || call.record.region === write.region)
  );
}

/**
 * Matches CloudTrail's writes by airlock's roles against the records' calls, one to one, by event
 * name, resource id in the request parameters and time window. What is left on either side is the
 * finding: a write without a record, or an APPLIED record's step without a write.
 *
 * @example
 * ```ts
 * const report = reconcile(events.map(trailWriteOf).filter(isDefined), records, { slackMs: 300_000 });
 * report.unrecorded; // writes made with airlock's roles that no record accounts for
 * ```
 */
export function reconcile(
  writes: readonly TrailWrite[],
  records: readonly AuditRecord[],
  options: { slackMs: number },
): ReconcileReport {
  const calls = recordedCalls(records, options.slackMs).sort((a, b) => a.from - b.from);
  const sorted = [...writes].sort((a, b) => a.time - b.time);
  const used = new Set<RecordedCall>();
  const unrecorded: TrailWrite[] = [];
  for (const write of sorted) {
    const call = calls.find((c) => !used.has(c) && matches(c, write));
    if (call) used.add(call);
    else unrecorded.push(write);
  }
  const unmatched = calls.filter(
    (c) => !used.has(c) && c.record.outcome === 'APPLIED' && c.step.result === 'applied',
  );
  return { unrecorded, unmatched, matched: used.size, writes: sorted.length, calls: calls.length };
}

/** True when the role is one of airlock's: a function's role or the member role (by name prefix). */
export function isAirlockRole(role: string | undefined, prefixes: readonly string[]): boolean {
  return role !== undefined && prefixes.some((p) => role.startsWith(p));
}
