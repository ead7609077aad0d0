import type { AuditRecord } from '../../shared/audit-record.js';
import { describeAction, isRollback, type RollbackStatus, rollbackStatus } from './action-kind.js';

/** The OCSF version the mapping follows (the Remediation category appeared in 1.3.0). */
export const OCSF_VERSION = '1.3.0';

/** Remediation category (7), Remediation Activity class (7001). */
export const OCSF_CATEGORY = { uid: 7, name: 'Remediation' } as const;
export const OCSF_CLASS = { uid: 7001, name: 'Remediation Activity' } as const;

/** activity_id: the MITRE D3FEND tactic. airlock isolates; a rollback restores what was there. */
export const OcsfActivity = {
  Isolate: 1,
  Restore: 3,
} as const;

export const OcsfSeverity = { Informational: 1, Low: 2, Medium: 3, High: 4 } as const;
export const OcsfStatus = { Success: 1, Failure: 2, Partial: 4, Other: 99 } as const;

/** An OCSF Remediation Activity event (the attributes airlock fills). */
export interface OcsfRemediationActivity {
  readonly class_uid: 7001;
  readonly class_name: string;
  readonly category_uid: 7;
  readonly category_name: string;
  readonly activity_id: number;
  readonly activity_name: string;
  readonly type_uid: number;
  readonly type_name: string;
  readonly time: number;
  readonly start_time?: number;
  readonly end_time: number;
  readonly duration: number;
  readonly severity_id: number;
  readonly severity: string;
  readonly status_id: number;
  readonly status: string;
  readonly status_code: string;
  readonly status_detail: string;
  readonly message: string;
  readonly command_uid: string;
  readonly countermeasures: readonly { d3f_tactic: { name: string; src_url: string } }[];
  readonly remediation: { desc: string };
  readonly metadata: {
    version: string;
    product: { name: string; vendor_name: string; version: string };
    uid: string;
    original_time: string;
    correlation_uid?: string;
    profiles: readonly string[];
    labels: readonly string[];
  };
  readonly cloud: { provider: 'AWS'; region?: string; account?: { uid: string; type_id: 10; type: string } };
  readonly actor: { app_name?: string; app_ver?: string; user?: { name: string } };
  readonly observables: readonly { name: string; type_id: number; type: string; value: string }[];
  readonly unmapped: Record<string, unknown>;
}

const SEVERITY_NAME: Record<number, string> = { 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High' };

function severityOf(record: AuditRecord): number {
  if (isRollback(record)) return ROLLBACK_SEVERITY[rollbackStatus(record)];
  switch (record.outcome) {
    case 'FAILED':
      return OcsfSeverity.High;
    case 'SUPPRESSED':
      return OcsfSeverity.Medium;
    case 'PLANNED':
    case 'DEFERRED':
    case 'REJECTED':
      return OcsfSeverity.Low;
    default:
      return OcsfSeverity.Informational;
  }
}

/** A rollback that re-opened what was closed is worth a look; one refused or planned changed nothing. */
const ROLLBACK_SEVERITY: Record<RollbackStatus, number> = {
  ROLLED_BACK: OcsfSeverity.Medium,
  PLANNED: OcsfSeverity.Low,
  REFUSED: OcsfSeverity.Low,
  FAILED: OcsfSeverity.High,
};

function statusOf(record: AuditRecord): { id: number; name: string } {
  if (isRollback(record) && rollbackStatus(record) === 'REFUSED')
    return { id: OcsfStatus.Other, name: 'Refused' };
  if (record.outcome === 'APPLIED') return { id: OcsfStatus.Success, name: 'Success' };
  if (record.outcome === 'FAILED') {
    const someDone = record.steps.some((s) => s.result === 'applied' || s.result === 'already-done');
    return someDone
      ? { id: OcsfStatus.Partial, name: 'Partial' }
      : { id: OcsfStatus.Failure, name: 'Failure' };
  }
  return { id: OcsfStatus.Other, name: record.outcome };
}

const ms = (iso: string | undefined) => {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/**
 * Maps an audit record to an OCSF Remediation Activity event (class 7001), field by field as
 * documented in cli/audit/OCSF.md. Everything the class has no attribute for goes to `unmapped`.
 *
 * @example
 * ```ts
 * const event = toOcsf(record); // { class_uid: 7001, activity_id: 1, type_uid: 700101, ... }
 * ```
 */
export function toOcsf(
  record: AuditRecord,
  titles: Readonly<Record<string, string>> = {},
): OcsfRemediationActivity {
  const rollback = isRollback(record);
  const { action, outcome } = describeAction(record);
  const activity = rollback
    ? { id: OcsfActivity.Restore, name: 'Restore' }
    : { id: OcsfActivity.Isolate, name: 'Isolate' };
  const severity = severityOf(record);
  const status = statusOf(record);
  const end = ms(record.time) ?? 0;
  const start = ms(record.startedAt);
  const resource = record.resource?.id;
  const correlation = record.links?.rollbackOf ?? record.event?.id;
  return {
    class_uid: OCSF_CLASS.uid,
    class_name: OCSF_CLASS.name,
    category_uid: OCSF_CATEGORY.uid,
    category_name: OCSF_CATEGORY.name,
    activity_id: activity.id,
    activity_name: activity.name,
    type_uid: OCSF_CLASS.uid * 100 + activity.id,
    type_name: `${OCSF_CLASS.name}: ${activity.name}`,
    time: end,
    ...(start === undefined ? {} : { start_time: start }),
    end_time: end,
    duration: typeof record.durationMs === 'number' ? record.durationMs : 0,
    severity_id: severity,
    severity: SEVERITY_NAME[severity]!,
    status_id: status.id,
    status: status.name,
    status_code: rollback ? rollbackStatus(record) : record.outcome,
    status_detail: record.reason,
    message: `${action} ${outcome}${resource ? ` on ${resource}` : ''}: ${record.reason}`,
    command_uid: record.id,
    countermeasures: [
      {
        d3f_tactic: {
          name: activity.name,
          src_url: `https://d3fend.mitre.org/tactic/d3f:${activity.name}/`,
        },
      },
    ],
    remediation: { desc: titles[record.remediation] ?? record.remediation },
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'airlock', vendor_name: 'airlock', version: record.actor?.version ?? 'unknown' },
      uid: record.id,
      original_time: record.time,
      ...(correlation ? { correlation_uid: correlation } : {}),
      profiles: ['cloud', 'host'],
      labels: [`mode:${record.mode}`, `trigger:${record.trigger}`],
    },
    cloud: {
      provider: 'AWS',
      ...(record.region ? { region: record.region } : {}),
      ...(record.account ? { account: { uid: record.account, type_id: 10, type: 'AWS Account' } } : {}),
    },
    actor:
      record.actor?.type === 'operator'
        ? { user: { name: record.actor.name } }
        : { app_name: record.actor?.name ?? 'airlock', app_ver: record.actor?.version ?? 'unknown' },
    observables: resource
      ? [{ name: 'unmapped.resource.uid', type_id: 10, type: 'Resource UID', value: resource }]
      : [],
    unmapped: {
      schema: record.schema,
      remediation: record.remediation,
      rule: record.rule,
      resource: { type: record.resource?.type, uid: resource },
      mode: record.mode,
      trigger: record.trigger,
      event: record.event,
      steps: record.steps.map((s) => ({
        action: s.action,
        api: s.api,
        result: s.result,
        ...(s.error ? { error: s.error } : {}),
      })),
      verification: record.verification,
      exemption: record.exemption,
      notes: record.notes,
      error: record.error,
      links: record.links,
      digest: record.digest,
    },
  };
}
