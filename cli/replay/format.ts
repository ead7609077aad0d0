import { cell, renderTable } from '../table.js';
import type { ReplayResult, ReplaySummary } from './replay.js';

function describeStep(s: ReplayResult['steps'][number]): string {
  const input = s.input as Record<string, unknown>;
  const detail =
    input.SecurityGroupRuleIds ??
    input.DestinationCidrBlock ??
    input.DestinationIpv6CidrBlock ??
    input.DestinationPrefixListId ??
    input.Bucket ??
    input.name ??
    '';
  return `${s.api}(${Array.isArray(detail) ? detail.join(',') : String(detail)}) ${s.result}`;
}

/** The end of a long origin (its file name and line matter most). */
function tail(origin: string, max: number): string {
  const clean = cell(origin, Number.MAX_SAFE_INTEGER);
  return clean.length > max ? `…${clean.slice(clean.length - max + 1)}` : clean;
}

/** The replay's results as an aligned table, one row per event (named by its file and line), with its steps. */
export function formatTable(results: readonly ReplayResult[]): string {
  return renderTable(
    ['EVENT', 'OUTCOME', 'REMEDIATION', 'RESOURCE', 'ACCOUNT/REGION', 'STEPS', 'REASON'],
    results.map((r) => [
      tail(r.origin, 40),
      r.duplicate ? `${r.outcome} (dup)` : r.outcome,
      cell(r.remediation ?? '-', 28),
      cell(r.resource ?? '-', 40),
      cell(`${r.account ?? '?'}/${r.region ?? '?'}`, 30),
      cell(r.steps.map(describeStep).join('; ') || '-', 70),
      cell(r.reason, 90),
    ]),
  );
}

/** The summary: count per outcome and per remediation, p50/p99 duration, API calls made. */
export function formatSummary(s: ReplaySummary): string {
  const outcomes = Object.entries(s.byOutcome)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `${s.events} event(s): ${outcomes || 'none'}${s.duplicates ? ` (${s.duplicates} duplicate deliveries answered by idempotency)` : ''}`,
    ...Object.entries(s.byRemediation)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([rem, counts]) =>
          `  ${rem.padEnd(28)} ${Object.entries(counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      ),
    `duration per event: p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms`,
    `AWS API calls: ${s.apiCallsTotal}${
      s.apiCallsTotal
        ? ` (${Object.entries(s.apiCalls)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }`,
  ];
  return lines.join('\n');
}
