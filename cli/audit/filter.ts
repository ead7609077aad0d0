import type { AuditRecord } from '../../shared/audit-record.js';
import { Outcome } from '../../shared/audit-record.js';
import { CliError, ExitCode } from '../errors.js';
import { parseTimeFlag } from './time-range.js';

/** What `airlock audit list` (and report) keeps. Every field is optional; lists mean "any of". */
export interface RecordFilter {
  readonly since?: number;
  readonly until?: number;
  readonly resources?: readonly string[];
  readonly remediations?: readonly string[];
  readonly rules?: readonly string[];
  readonly outcomes?: readonly string[];
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  readonly modes?: readonly string[];
}

/** The raw flag values, as commander gives them (repeatable flags collected into lists). */
export interface FilterFlags {
  readonly since?: string;
  readonly until?: string;
  readonly resource?: readonly string[];
  readonly remediation?: readonly string[];
  readonly rule?: readonly string[];
  readonly outcome?: readonly string[];
  readonly account?: readonly string[];
  readonly region?: readonly string[];
  readonly mode?: readonly string[];
}

/** Collects a repeatable flag that also takes comma-separated lists: `--outcome FAILED,EXEMPT --outcome NOOP`. */
export function collectList(value: string, previous: readonly string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

const MODES = ['enforce', 'dry-run', 'plan'];

/** Validates the flags into a filter; a wrong value is bad input that says what is accepted. */
export function buildFilter(flags: FilterFlags, now: number): RecordFilter {
  const outcomes = flags.outcome?.map((o) => o.toUpperCase());
  for (const o of outcomes ?? []) {
    if (!(o in Outcome)) {
      throw new CliError(
        `--outcome ${JSON.stringify(o)} is not an outcome: use ${Object.keys(Outcome).join(', ')}`,
        ExitCode.BAD_INPUT,
      );
    }
  }
  for (const m of flags.mode ?? []) {
    if (!MODES.includes(m)) {
      throw new CliError(
        `--mode ${JSON.stringify(m)} is not a mode: use ${MODES.join(', ')}`,
        ExitCode.BAD_INPUT,
      );
    }
  }
  for (const a of flags.account ?? []) {
    if (!/^\d{12}$/.test(a)) {
      throw new CliError(`--account ${JSON.stringify(a)} is not a 12-digit account id`, ExitCode.BAD_INPUT);
    }
  }
  const since = flags.since === undefined ? undefined : parseTimeFlag('--since', flags.since, now);
  const until = flags.until === undefined ? undefined : parseTimeFlag('--until', flags.until, now);
  if (since !== undefined && until !== undefined && since > until) {
    throw new CliError(`--since (${flags.since}) is after --until (${flags.until})`, ExitCode.BAD_INPUT);
  }
  const nonEmpty = (list?: readonly string[]) => (list?.length ? list : undefined);
  const filter: Record<string, unknown> = {
    since,
    until,
    resources: nonEmpty(flags.resource),
    remediations: nonEmpty(flags.remediation),
    rules: nonEmpty(flags.rule),
    outcomes: nonEmpty(outcomes),
    accounts: nonEmpty(flags.account),
    regions: nonEmpty(flags.region),
    modes: nonEmpty(flags.mode),
  };
  for (const key of Object.keys(filter)) if (filter[key] === undefined) delete filter[key];
  return filter as RecordFilter;
}

const within = (list: readonly string[] | undefined, value: string | undefined) =>
  !list || (value !== undefined && list.includes(value));

/** True when the record passes every part of the filter. */
export function matchesFilter(record: AuditRecord, filter: RecordFilter): boolean {
  const t = Date.parse(record.time);
  if (filter.since !== undefined && !(t >= filter.since)) return false;
  if (filter.until !== undefined && !(t <= filter.until)) return false;
  return (
    within(filter.resources, record.resource?.id) &&
    within(filter.remediations, record.remediation) &&
    within(filter.rules, record.rule) &&
    within(filter.outcomes, record.outcome) &&
    within(filter.accounts, record.account) &&
    within(filter.regions, record.region) &&
    within(filter.modes, record.mode)
  );
}

/** Keeps the records that match, oldest first. */
export function filterRecords(records: readonly AuditRecord[], filter: RecordFilter): AuditRecord[] {
  return records
    .filter((r) => matchesFilter(r, filter))
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : 1));
}
