import type { AuditRecord } from '../../shared/audit-record.js';
import { escapeHtml as h } from './html-escape.js';
import type { ReportStats } from './report-stats.js';
import { EXPIRY_WINDOW_DAYS, OUTCOMES } from './report-stats.js';
import { histogram, OUTCOME_COLOURS, stackedBarChart } from './svg-charts.js';

const CSS = `
:root { color-scheme: light; --fg:#1d232a; --muted:#5b6470; --line:#d8dde3; --bg:#ffffff; --panel:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 20px 28px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
main { padding: 8px 28px 40px; max-width: 1280px; }
section { margin-top: 28px; }
h2 { font-size: 17px; margin: 0 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 110px; background: var(--panel); }
.card .n { font-size: 22px; font-weight: 600; display: block; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 6px 0; color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; }
@media (max-width: 900px) { .two { grid-template-columns: 1fr; } }
.chart .grid { stroke: #e7eaee; stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 11px; }
.empty { color: var(--muted); font-style: italic; }
.note { color: var(--muted); font-size: 12px; }
.warning { border-left: 4px solid #d95f02; padding: 4px 10px; background: #fff4ec; }
.outcome { font-weight: 600; white-space: nowrap; }
td.time { white-space: nowrap; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; }
`;

function outcomeCell(outcome: string): string {
  const colour = OUTCOME_COLOURS[outcome as keyof typeof OUTCOME_COLOURS] ?? '#888';
  return `<span class="outcome"><span class="swatch" style="background:${colour}"></span>${h(outcome)}</span>`;
}

function countTable(id: string, title: string, rows: readonly [string, number][]): string {
  if (!rows.length) return `<p class="empty">No records.</p>`;
  return `<table id="${id}"><thead><tr><th>${h(title)}</th><th class="num">Records</th></tr></thead><tbody>${rows
    .map(([k, n]) => `<tr><td class="mono">${h(k)}</td><td class="num">${n}</td></tr>`)
    .join('')}</tbody></table>`;
}

function recordRow(r: AuditRecord): string {
  return `<tr data-record="${h(r.id)}"><td class="mono time">${h(r.time.replace(/\.\d+Z$/, 'Z'))}</td><td>${outcomeCell(r.outcome)}</td><td class="mono">${h(r.remediation)}</td><td class="mono">${h(r.resource?.id ?? '')}</td><td class="mono">${h(r.account ?? '')} ${h(r.region ?? '')}</td><td>${h(r.reason)}</td><td class="mono">${h(r.id)}</td></tr>`;
}

/** What the records' signatures say: who wrote them can be proven, or not. */
function signatureSection(lines: readonly string[] | undefined, problems = 0): string {
  if (!lines?.length) return '';
  const items = lines.map((l) => `<li>${h(l)}</li>`).join('');
  return `<section id="signatures"><h2>Signatures</h2><ul class="${problems ? 'warning' : 'note'}" id="list-signatures">${items}</ul></section>`;
}

function fmtDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/**
 * The SOC report: one self-contained HTML page (inline CSS, inline SVG drawn here, no script, no
 * external asset; a Content-Security-Policy that allows none). Every string from a record is
 * escaped.
 *
 * @example
 * ```ts
 * await writeFile('report.html', renderReportHtml(computeReportStats(records, Date.now()), { source: 'trail.ndjson' }));
 * ```
 */
export function renderReportHtml(
  stats: ReportStats,
  meta: { source: string; scope?: string; signatures?: readonly string[]; signatureProblems?: number },
): string {
  const cards = [
    `<div class="card" data-outcome="ALL"><span class="n" id="total">${stats.total}</span><span class="k">records</span></div>`,
    ...OUTCOMES.map(
      (o) =>
        `<div class="card" data-outcome="${o}"><span class="n">${stats.byOutcome[o]}</span><span class="k"><span class="swatch" style="background:${OUTCOME_COLOURS[o]}"></span>${o}</span></div>`,
    ),
  ].join('');
  const legend = OUTCOMES.map(
    (o) => `<span><span class="swatch" style="background:${OUTCOME_COLOURS[o]}"></span>${o}</span>`,
  ).join('');
  const latestRows = stats.latest.map(recordRow).join('');
  const expiring = stats.expiringSoon
    .map(
      ({ record: r, daysLeft }) =>
        `<tr data-record="${h(r.id)}"><td class="mono">${h(r.exemption?.id)}</td><td class="mono">${h(r.resource?.id ?? '')}</td><td class="mono">${h(r.exemption?.expires)}</td><td class="num">${daysLeft.toFixed(1)}</td><td>${h(r.exemption?.reason)}</td><td>${h(r.exemption?.approvedBy)}</td></tr>`,
    )
    .join('');
  const expired = stats.expired
    .map(
      ({ record: r, note }) =>
        `<li><span class="mono">${h(r.time)}</span> <span class="mono">${h(r.resource?.id ?? '')}</span>: ${h(note)}</li>`,
    )
    .join('');
  const period = stats.first ? `${h(stats.first)} to ${h(stats.last)}` : 'no records';
  const subtitle = `Source <span class="mono">${h(meta.source)}</span>${meta.scope ? ` &middot; ${h(meta.scope)}` : ''} &middot; ${period} &middot; generated ${h(stats.generatedAt)}`;
  return htmlPage(
    'airlock audit report',
    subtitle,
    `<section id="summary"><h2>Summary</h2><div class="cards">${cards}</div></section>
${signatureSection(meta.signatures, meta.signatureProblems)}
<section id="over-time"><h2>Remediations over time, by outcome (per UTC day)</h2>
<div class="legend">${legend}</div>
${stats.byDay.length ? stackedBarChart(stats.byDay) : '<p class="empty">No records.</p>'}
${stats.chartNote ? `<p class="note" id="chart-note">${h(stats.chartNote)}</p>` : ''}
</section>
<div class="two">
<section id="by-remediation"><h2>By remediation</h2>${countTable('table-remediation', 'Remediation', stats.byRemediation)}</section>
<section id="by-rule"><h2>By Config rule</h2>${countTable('table-rule', 'Rule', stats.byRule)}</section>
</div>
<section id="latency"><h2>Time from Config evaluation to remediation</h2>
<p>Record time minus the evaluation time of the event${stats.latencyMedianMs === undefined ? '' : `; median <strong id="latency-median">${fmtDuration(stats.latencyMedianMs)}</strong>`} (rollbacks and rejected events without an evaluation are left out).</p>
${histogram(stats.latency)}
</section>
<section id="failures"><h2>Latest failures, suppressions and rejected events</h2>
${latestRows ? `<table id="table-failures"><thead><tr><th>Time</th><th>Outcome</th><th>Remediation</th><th>Resource</th><th>Account / region</th><th>Reason</th><th>Record</th></tr></thead><tbody>${latestRows}</tbody></table>` : '<p class="empty">None.</p>'}
</section>
<section id="exemptions"><h2>Exemptions expiring within ${EXPIRY_WINDOW_DAYS} days</h2>
${expiring ? `<table id="table-expiring"><thead><tr><th>Exemption</th><th>Resource</th><th>Expires</th><th class="num">Days left</th><th>Reason</th><th>Approved by</th></tr></thead><tbody>${expiring}</tbody></table>` : '<p class="empty">None.</p>'}
<h3>Expired exemptions</h3>
${expired ? `<ul id="list-expired">${expired}</ul>` : '<p class="empty">None.</p>'}
</section>
<footer>Generated by <span class="mono">airlock audit report</span>. Verify the trail itself with <span class="mono">airlock audit verify</span>.</footer>`,
  );
}

/**
 * The page frame of every airlock HTML report (the audit report, the scan): self-contained, inline
 * CSS, no script, a Content-Security-Policy that allows nothing else. `subtitle` and `body` are HTML
 * the caller escaped; the title is escaped here.
 *
 * @example
 * ```ts
 * htmlPage('airlock scan', `Account <span class="mono">${escapeHtml(account)}</span>`, '<section>…</section>');
 * ```
 */
export function htmlPage(title: string, subtitle: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p>${subtitle}</p>
</header>
<main>
${body}
</main>
</body>
</html>
`;
}
