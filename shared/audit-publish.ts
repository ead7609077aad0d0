import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type AuditRecord, isRollbackRecord } from './audit-record.js';
import type { AuditSink } from './audit-sinks.js';
import { AuditWriteError } from './errors.js';

/** The source and detail-type of every published record: what a SIEM or SOAR rule subscribes to. */
export const AUDIT_EVENT_SOURCE = 'airlock';
export const AUDIT_EVENT_DETAIL_TYPE = 'airlock audit record';

export type EventsPort = Pick<EventBridgeClient, 'send'>;

/** The detail of a published record (`auditEventDetail`): what subscribers, and the findings, read. */
export type AuditEventDetail = ReturnType<typeof auditEventDetail>;

/** The detail of the published event: enough to route, correlate and check the record without reading it. */
export function auditEventDetail(record: AuditRecord) {
  return {
    id: record.id,
    time: record.time,
    kind: isRollbackRecord(record) ? 'rollback' : 'remediation',
    outcome: record.outcome,
    remediation: record.remediation,
    ...(record.rule ? { rule: record.rule } : {}),
    ...(record.account ? { account: record.account } : {}),
    ...(record.region ? { region: record.region } : {}),
    resource: record.resource,
    mode: record.mode,
    trigger: record.trigger,
    reason: record.reason,
    ...(record.links?.rollbackOf ? { rollbackOf: record.links.rollbackOf } : {}),
    digest: record.digest.value,
    ...(record.signature ? { signature: record.signature } : {}),
  };
}

/**
 * Publishes each record as an EventBridge event on `bus` (source `airlock`, detail-type
 * `airlock audit record`), so SIEM and SOAR rules can subscribe. The client is loaded at the first
 * record. An entry EventBridge refuses fails the write (the invocation is retried).
 *
 * @example
 * ```ts
 * const sink = eventBridgeSink(() => clients.get(EventBridgeClient, home), 'airlock-audit');
 * ```
 */
export function eventBridgeSink(events: () => Promise<EventsPort>, bus: string): AuditSink {
  return {
    name: 'eventbridge',
    async write(record) {
      const { PutEventsCommand } = await import('./events-client.js');
      const out = await (await events()).send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: bus,
              Source: AUDIT_EVENT_SOURCE,
              DetailType: AUDIT_EVENT_DETAIL_TYPE,
              Time: new Date(record.time),
              Detail: JSON.stringify(auditEventDetail(record)),
            },
          ],
        }),
      );
      if (out.FailedEntryCount) {
        const e = out.Entries?.find((x) => x.ErrorCode);
        throw new AuditWriteError(
          `EventBridge refused record ${record.id}: ${e?.ErrorCode}: ${e?.ErrorMessage}`,
        );
      }
    },
  };
}
