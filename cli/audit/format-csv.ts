import type { AuditRecord } from '../../shared/audit-record.js';

/** The CSV columns, in order: the header row names them. */
export const CSV_COLUMNS = [
  ['id', (r: AuditRecord) => r.id],
  ['time', (r: AuditRecord) => r.time],
  ['outcome', (r: AuditRecord) => r.outcome],
  ['remediation', (r: AuditRecord) => r.remediation],
  ['rule', (r: AuditRecord) => r.rule],
  ['account', (r: AuditRecord) => r.account],
  ['region', (r: AuditRecord) => r.region],
  ['resource_type', (r: AuditRecord) => r.resource?.type],
  ['resource_id', (r: AuditRecord) => r.resource?.id],
  ['mode', (r: AuditRecord) => r.mode],
  ['trigger', (r: AuditRecord) => r.trigger],
  ['actor', (r: AuditRecord) => r.actor?.name],
  ['event_id', (r: AuditRecord) => r.event?.id],
  ['evaluation_time', (r: AuditRecord) => r.event?.evaluationTime],
  ['steps', (r: AuditRecord) => r.steps.map((s) => `${s.action}:${s.result}`).join(' ')],
  ['verification', (r: AuditRecord) => r.verification?.status],
  ['exemption_id', (r: AuditRecord) => r.exemption?.id],
  ['exemption_expires', (r: AuditRecord) => r.exemption?.expires],
  ['rollback_of', (r: AuditRecord) => r.links?.rollbackOf],
  ['reason', (r: AuditRecord) => r.reason],
  ['notes', (r: AuditRecord) => r.notes?.join(' | ')],
  ['digest', (r: AuditRecord) => r.digest?.value],
] as const;

/**
 * One CSV field (RFC 4180), always quoted (quotes doubled), so no delimiter a spreadsheet may pick
 * (`,` or the `;` of European locales) splits it. A value that a spreadsheet would run as a formula
 * (`=`, `+`, `-`, `@`, tab or CR first, also after leading spaces or other white space) gets a
 * leading `'` so that it stays text.
 */
export function csvField(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[\s\u00a0\ufeff]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** The records as CSV: a header row, then one row per record, CRLF line ends (RFC 4180). */
export function formatCsv(records: readonly AuditRecord[]): string {
  const rows = [
    CSV_COLUMNS.map(([name]) => name),
    ...records.map((r) => CSV_COLUMNS.map(([, get]) => get(r))),
  ];
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
