import type { AuditRecord } from '../../shared/audit-record.js';
import { Outcome } from '../../shared/audit-record.js';

export const OUTCOMES = Object.keys(Outcome) as Outcome[];

/** The time-to-remediation buckets of the histogram: upper bound in ms (exclusive) and label. */
export const LATENCY_BUCKETS = [
  { upTo: 60_000, label: '< 1 min' },
  { upTo: 5 * 60_000, label: '1-5 min' },
  { upTo: 15 * 60_000, label: '5-15 min' },
  { upTo: 3_600_000, label: '15-60 min' },
  { upTo: 6 * 3_600_000, label: '1-6 h' },
  { upTo: 24 * 3_600_000, label: '6-24 h' },
  { upTo: Number.POSITIVE_INFINITY, label: '> 1 day' },
] as const;

const DAY = 86_400_000;
/** The most days the chart draws, whatever the records' dates (one bar each). */
export const MAX_CHART_DAYS = 366;
/** Exemptions expiring within this many days are listed as expiring soon. */
export const EXPIRY_WINDOW_DAYS = 14;

export interface DayCounts {
  readonly day: string;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly total: number;
}

export interface ReportStats {
  readonly generatedAt: string;
  readonly total: number;
  readonly first?: string;
  readonly last?: string;
  readonly byOutcome: Readonly<Record<Outcome, number>>;
  /** One entry per UTC day drawn: at most {@link MAX_CHART_DAYS}, within the records' real span. */
  readonly byDay: readonly DayCounts[];
  /** What the chart leaves out (records dated outside the days drawn), when it leaves something out. */
  readonly chartNote?: string;
  readonly byRemediation: readonly [string, number][];
  readonly byRule: readonly [string, number][];
  /** Time from the Config evaluation to the record (remediations that acted or tried to). */
  readonly latency: readonly { label: string; count: number }[];
  readonly latencyMedianMs?: number;
  /** The latest FAILED, SUPPRESSED and REJECTED records (hostile input shows up as REJECTED), newest first. */
  readonly latest: readonly AuditRecord[];
  readonly expiringSoon: readonly { record: AuditRecord; daysLeft: number }[];
  readonly expired: readonly { record: AuditRecord; note: string }[];
}

const zero = (): Record<Outcome, number> =>
  Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

function countBy(records: readonly AuditRecord[], key: (r: AuditRecord) => string): [string, number][] {
  const map = new Map<string, number>();
  for (const r of records) map.set(key(r), (map.get(key(r)) ?? 0) + 1);
  return [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/**
 * The numbers of the SOC report, from records (already filtered). Pure: `now` decides what
 * "expires soon" means.
 */
export function computeReportStats(
  records: readonly AuditRecord[],
  now: number,
  latestCount = 20,
): ReportStats {
  const sorted = [...records].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const byOutcome = zero();
  for (const r of sorted) if (r.outcome in byOutcome) byOutcome[r.outcome]++;

  const { byDay, note: chartNote } = dayChart(sorted, now);

  const latency = LATENCY_BUCKETS.map((b) => ({ label: b.label, count: 0 }));
  const durations: number[] = [];
  for (const r of sorted) {
    if (r.trigger === 'rollback' || !r.event?.evaluationTime) continue;
    const d = Date.parse(r.time) - Date.parse(r.event.evaluationTime);
    if (!Number.isFinite(d) || d < 0) continue;
    durations.push(d);
    const index = LATENCY_BUCKETS.findIndex((b) => d < b.upTo);
    latency[index]!.count++;
  }
  durations.sort((a, b) => a - b);

  const expiringSoon: { record: AuditRecord; daysLeft: number }[] = [];
  const expired: { record: AuditRecord; note: string }[] = [];
  for (const r of sorted) {
    if (r.exemption) {
      const left = Date.parse(r.exemption.expires) - now;
      if (left > 0 && left <= EXPIRY_WINDOW_DAYS * DAY)
        expiringSoon.push({ record: r, daysLeft: left / DAY });
      if (left <= 0)
        expired.push({ record: r, note: `exemption ${r.exemption.id} expired on ${r.exemption.expires}` });
    }
    for (const note of r.notes ?? []) {
      if (/exemption .* expired/i.test(note)) expired.push({ record: r, note });
    }
  }
  expiringSoon.sort((a, b) => a.daysLeft - b.daysLeft);

  return {
    generatedAt: new Date(now).toISOString(),
    total: sorted.length,
    ...(sorted.length ? { first: sorted[0]!.time, last: sorted[sorted.length - 1]!.time } : {}),
    byOutcome,
    byDay,
    ...(chartNote ? { chartNote } : {}),
    byRemediation: countBy(sorted, (r) => r.remediation),
    byRule: countBy(sorted, (r) => r.rule ?? '(none)'),
    latency,
    ...(durations.length ? { latencyMedianMs: durations[Math.floor((durations.length - 1) / 2)] } : {}),
    latest: sorted
      .filter((r) => r.outcome === 'FAILED' || r.outcome === 'SUPPRESSED' || r.outcome === 'REJECTED')
      .slice(-latestCount)
      .reverse(),
    expiringSoon,
    expired,
  };
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * The days of the chart: from the first record's day to the last's, but never past tomorrow (a record
 * cannot be completed after the report is made) and never more than {@link MAX_CHART_DAYS} days (the
 * latest). Records outside are counted everywhere else and named in the note, so a record dated
 * 0001-01-01 or 9999-12-31 costs one line of text, not millions of bars.
 */
function dayChart(sorted: readonly AuditRecord[], now: number): { byDay: DayCounts[]; note?: string } {
  const dated = sorted.map((r) => {
    const t = Date.parse(r.time);
    return { r, day: Number.isFinite(t) ? Math.floor(t / DAY) * DAY : undefined };
  });
  const days = dated.flatMap((d) => (d.day === undefined ? [] : [d.day]));
  if (days.length === 0) {
    return sorted.length
      ? { byDay: [], note: `${sorted.length} record(s) have no valid time and are not drawn` }
      : { byDay: [] };
  }
  // never past tomorrow (a record cannot be completed after the report), the latest MAX_CHART_DAYS days
  const tomorrow = Math.floor(now / DAY) * DAY + DAY;
  const drawable = days.filter((d) => d <= tomorrow);
  const end = drawable.length ? drawable.reduce((a, b) => Math.max(a, b)) : Number.NEGATIVE_INFINITY;
  const start = drawable.length
    ? Math.max(
        drawable.reduce((a, b) => Math.min(a, b)),
        end - (MAX_CHART_DAYS - 1) * DAY,
      )
    : Number.POSITIVE_INFINITY;
  const counts = new Map<number, Record<Outcome, number>>();
  const outside: AuditRecord[] = [];
  for (const { r, day } of dated) {
    if (day === undefined || day < start || day > end) {
      outside.push(r);
      continue;
    }
    const c = counts.get(day) ?? zero();
    if (r.outcome in c) c[r.outcome]++;
    counts.set(day, c);
  }
  const byDay: DayCounts[] = [];
  for (let t = start; t <= end; t += DAY) {
    const c = counts.get(t) ?? zero();
    byDay.push({ day: isoDay(t), counts: c, total: OUTCOMES.reduce((n, o) => n + c[o], 0) });
  }
  if (outside.length === 0) return { byDay };
  const range = byDay.length ? `${byDay[0]!.day} to ${byDay[byDay.length - 1]!.day}` : 'no day';
  const examples = outside
    .slice(0, 3)
    .map((r) => `${r.id} (${String(r.time).slice(0, 40)})`)
    .join(', ');
  return {
    byDay,
    note: `${outside.length} record(s) dated outside the days drawn (${range}, at most ${MAX_CHART_DAYS}, none after tomorrow) are counted but not drawn: ${examples}${outside.length > 3 ? ', …' : ''}`,
  };
}
