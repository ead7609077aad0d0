import { CliError, ExitCode } from '../errors.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * A point in time from a flag: an ISO 8601 time (`2026-11-20`, `2026-11-20T10:00:00Z`) or a duration
 * before `now` (`30m`, `24h`, `7d`, `2w`). Milliseconds since the epoch.
 *
 * @example
 * ```ts
 * parseTimeFlag('--since', '24h', Date.parse('2026-11-21T00:00:00Z')); // 2026-11-20T00:00:00Z
 * ```
 */
export function parseTimeFlag(flag: string, value: string, now: number): number {
  const relative = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const t = Date.parse(value);
    if (Number.isFinite(t)) return t;
  }
  throw new CliError(
    `${flag} ${JSON.stringify(value)} is not a time: give an ISO time (2026-11-20T10:00:00Z, 2026-11-20) or a duration before now (30m, 24h, 7d, 2w)`,
    ExitCode.BAD_INPUT,
  );
}

/** The UTC days (`YYYY-MM-DD`) from `since` to `until`, inclusive. */
export function daysBetween(since: number, until: number): string[] {
  const days: string[] = [];
  const start = Date.UTC(
    new Date(since).getUTCFullYear(),
    new Date(since).getUTCMonth(),
    new Date(since).getUTCDate(),
  );
  for (let t = start; t <= until; t += UNIT_MS.d) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
