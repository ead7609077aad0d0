import type { AuditRecord } from '../../shared/audit-record.js';
import { describeAction } from './action-kind.js';
import { paint, safeText } from './terminal-text.js';

const COLUMNS = [
  { title: 'TIME', get: (r: AuditRecord) => r.time.replace(/\.\d+Z$/, 'Z') },
  { title: 'OUTCOME', get: (r: AuditRecord) => describeAction(r).outcome },
  { title: 'REMEDIATION', get: (r: AuditRecord) => describeAction(r).action },
  { title: 'RESOURCE', get: (r: AuditRecord) => r.resource?.id ?? '-' },
  { title: 'ACCOUNT', get: (r: AuditRecord) => r.account ?? '-' },
  { title: 'REGION', get: (r: AuditRecord) => r.region ?? '-' },
  { title: 'MODE', get: (r: AuditRecord) => r.mode },
  { title: 'ID', get: (r: AuditRecord) => r.id },
  { title: 'REASON', get: (r: AuditRecord) => r.reason },
] as const;

/** Longest a cell may be (the reason column is the last one and may run on). */
const MAX_CELL = 48;

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/**
 * An aligned table for a terminal, one record a line; colour on the outcome only when asked. A
 * rollback reads `ROLLBACK <status>` / `rollback of <remediation>`, never as a fix.
 *
 * @example
 * ```ts
 * process.stdout.write(formatTable(records, { colour: wantsColour(process.stdout) }));
 * ```
 */
export function formatTable(records: readonly AuditRecord[], options: { colour: boolean }): string {
  if (records.length === 0) return 'no records match\n';
  const rows = records.map((r) =>
    COLUMNS.map((c, i) => clip(safeText(c.get(r)), i === COLUMNS.length - 1 ? 120 : MAX_CELL)),
  );
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((row) => [...row[i]!].length)));
  const pad = (text: string, i: number) =>
    i === COLUMNS.length - 1 ? text : text + ' '.repeat(widths[i]! - [...text].length);
  const header = COLUMNS.map((c, i) => pad(c.title, i)).join('  ');
  const lines = rows.map((row, ri) =>
    row
      .map((cell, i) => {
        const padded = pad(cell, i);
        return i === 1 ? paint(padded, describeAction(records[ri]!).outcome, options.colour) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${[header.trimEnd(), ...lines].join('\n')}\n${records.length} record(s)\n`;
}
