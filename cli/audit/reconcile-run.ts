import { readFile } from 'node:fs/promises';
import { CloudTrailClient, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import type { AuditRecord } from '../../shared/audit-record.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { CliError, ExitCode } from '../errors.js';
import {
  isAirlockRole,
  type ReconcileReport,
  reconcile,
  type TrailWrite,
  trailWriteOf,
} from './reconcile.js';
import { simTrailEvents } from './reconcile-sim.js';
import { safeText } from './terminal-text.js';

/**
 * Where CloudTrail's events come from: LookupEvents in each region, exported files, or the change log
 * of a simulated account's state file.
 */
export type CloudTrailSource =
  | { readonly kind: 'lookup'; readonly clients: ClientFactory; readonly regions: readonly string[] }
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  | { readonly kind: 'sim'; readonly path: string };

/**
 * The write events of a region in a time range: `LookupEvents` (paginated, ReadOnly=false; it returns
 * management events, the kind every remediation call is). Needs `cloudtrail:LookupEvents`.
 */
export async function lookupWrites(
  clients: ClientFactory,
  region: string,
  start: Date,
  end: Date,
): Promise<unknown[]> {
  const client = clients.get(CloudTrailClient, { region });
  const events: unknown[] = [];
  const pages = paginateLookupEvents(
    { client },
    {
      StartTime: start,
      EndTime: end,
      LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }],
    },
  );
  for await (const page of pages) {
    for (const e of page.Events ?? []) if (e.CloudTrailEvent) events.push(JSON.parse(e.CloudTrailEvent));
  }
  return events;
}

/**
 * The events of an exported file: a CloudTrail log file (`{"Records":[…]}`), the output of
 * `aws cloudtrail lookup-events` (`{"Events":[{"CloudTrailEvent":"…"}]}`), a JSON array, or NDJSON of
 * events (EventBridge "AWS API Call via CloudTrail" events included).
 */
export function parseCloudTrailFile(text: string, path: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      return text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
    } catch {
      throw new CliError(`${path}: neither JSON nor NDJSON of CloudTrail events`, ExitCode.BAD_INPUT);
    }
  }
  const o = value as { Records?: unknown; Events?: unknown };
  if (Array.isArray(value)) return value;
  if (Array.isArray(o?.Records)) return o.Records;
  if (Array.isArray(o?.Events)) {
    return o.Events.map((e: { CloudTrailEvent?: string }) =>
      typeof e?.CloudTrailEvent === 'string' ? JSON.parse(e.CloudTrailEvent) : e,
    );
  }
  return [value];
}

async function eventsOf(source: CloudTrailSource, start: Date, end: Date): Promise<unknown[]> {
  if (source.kind === 'sim') return simTrailEvents(source.path);
  if (source.kind === 'files') {
    const all = await Promise.all(
      source.paths.map(async (path) => {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new CliError(`cannot read ${path}: ${describeError(error).message}`, ExitCode.BAD_INPUT);
        }
        return parseCloudTrailFile(text, path);
      }),
    );
    return all.flat();
  }
  try {
    return (await Promise.all(source.regions.map((r) => lookupWrites(source.clients, r, start, end)))).flat();
  } catch (error) {
    const e = describeError(error);
    throw new CliError(
      `cannot read CloudTrail (cloudtrail:LookupEvents): ${e.name}: ${e.message}`,
      ExitCode.FAILED,
      { cause: error },
    );
  }
}

export interface ReconcileOptions {
  readonly start: number;
  readonly end: number;
  readonly rolePrefixes: readonly string[];
  readonly slackMs: number;
  /** Only writes in these accounts count (undefined: any). */
  readonly accounts?: readonly string[];
}

/**
 * Reconciles the records with CloudTrail over a time range: writes by airlock's roles inside it,
 * against the records' calls (records within the range widened by the slack).
 */
export async function runReconcile(
  source: CloudTrailSource,
  records: readonly AuditRecord[],
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const events = await eventsOf(source, new Date(options.start), new Date(options.end));
  const writes = events
    .map(trailWriteOf)
    .filter((w): w is TrailWrite => w !== undefined)
    .filter((w) => w.time >= options.start && w.time <= options.end)
    .filter((w) => isAirlockRole(w.role, options.rolePrefixes))
    .filter((w) => !options.accounts || (w.account !== undefined && options.accounts.includes(w.account)));
  return reconcile(writes, records, { slackMs: options.slackMs });
}

/** The report for a terminal: one line per finding, then the totals. */
export function formatReconcile(report: ReconcileReport): string {
  const lines: string[] = [];
  for (const w of report.unrecorded) {
    lines.push(
      `NO RECORD  ${w.eventTime}  ${safeText(w.role)}  ${w.eventSource.replace('.amazonaws.com', '')}:${w.eventName}  request ${safeText([...w.values].slice(0, 4).join(','))}  event ${safeText(w.eventId)}${w.errorCode ? ` (${safeText(w.errorCode)})` : ''}`,
    );
  }
  for (const c of report.unmatched) {
    lines.push(
      `NO WRITE   ${c.record.time}  record ${c.record.id}  ${c.record.remediation}  ${c.step.action}  ${safeText(c.resourceId ?? '-')}`,
    );
  }
  const found = report.unrecorded.length + report.unmatched.length;
  lines.push(
    found
      ? `FAILED: ${report.unrecorded.length} write(s) by airlock's roles without a record, ${report.unmatched.length} applied step(s) without a write (${report.matched} matched)`
      : `OK: ${report.writes} write(s) by airlock's roles and ${report.calls} recorded call(s): all ${report.matched} matched`,
  );
  return `${lines.join('\n')}\n`;
}
