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
  readonly byDay: readonly DayCounts[];
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

  const days = new Map<string, Record<Outcome, number>>();
  for (const r of sorted) {
    const day = r.time.slice(0, 10);
    const counts = days.get(day) ?? zero();
    if (r.outcome in counts) counts[r.outcome]++;
    days.set(day, counts);
  }
  const byDay: DayCounts[] = [];
  if (sorted.length) {
    const firstDay = Date.parse(`${sorted[0]!.time.slice(0, 10)}T00:00:00Z`);
    const lastDay = Date.parse(`${sorted[sorted.length - 1]!.time.slice(0, 10)}T00:00:00Z`);
    for (let t = firstDay; t <= lastDay; t += DAY) {
      const day = new Date(t).toISOString().slice(0, 10);
      const counts = days.get(day) ?? zero();
      byDay.push({ day, counts, total: OUTCOMES.reduce((n, o) => n + counts[o], 0) });
    }
  }

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
