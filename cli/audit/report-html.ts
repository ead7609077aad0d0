import type { AuditRecord } from '../../shared/audit-record.js';
import { isRollback, ROLLBACK_STATUSES, rollbackStatus } from './action-kind.js';
import { escapeHtml as h } from './html-escape.js';
import type { IntegrityReport } from './integrity.js';
import type { ReportStats } from './report-stats.js';
import { EXPIRY_WINDOW_DAYS, OUTCOMES } from './report-stats.js';
import { stepInWords, triggerInWords } from './step-words.js';
import { histogram, OUTCOME_COLOURS, stackedBarChart } from './svg-charts.js';

const CSS = `
:root { color-scheme: light; --fg:#1d232a; --muted:#5b6470; --line:#d8dde3; --bg:#ffffff; --panel:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 20px 28px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
main { padding: 8px 28px 40px; max-width: 1600px; }
@media (max-width: 600px) { main { padding: 8px 12px 32px; } header { padding: 14px 12px; } }
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
.ok { border-left: 4px solid #1b9e77; padding: 4px 10px; background: #eef8f4; }
dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 14px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
article.resource { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
article.resource h3 { margin: 0 0 6px; font-size: 14px; overflow-wrap: anywhere; }
ol.changes { list-style: none; padding: 0; margin: 0; }
li.change { border-top: 1px solid var(--line); padding: 8px 0; overflow-wrap: anywhere; }
li.change:first-child { border-top: 0; }
ol.steps { margin: 6px 0; padding-left: 22px; }
ol.steps .result { font-weight: 600; text-transform: uppercase; font-size: 11px; color: var(--muted); }
.err { color: #b2182b; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--panel); padding: 6px 8px; font-size: 12px; margin: 4px 0; }
svg.chart { max-width: 100%; height: auto; }
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
  return `<div class="scroll"><table id="${id}"><thead><tr><th>${h(title)}</th><th class="num">Records</th></tr></thead><tbody>${rows
    .map(([k, n]) => `<tr><td class="mono">${h(k)}</td><td class="num">${n}</td></tr>`)
    .join('')}</tbody></table></div>`;
}

function recordRow(r: AuditRecord): string {
  return `<tr data-record="${h(r.id)}"><td class="mono time">${h(r.time.replace(/\.\d+Z$/, 'Z'))}</td><td>${outcomeCell(r.outcome)}</td><td class="mono">${h(r.remediation)}</td><td class="mono">${h(r.resource?.id ?? '')}</td><td class="mono">${h(r.account ?? '')} ${h(r.region ?? '')}</td><td>${h(r.reason)}</td><td>${recordLink(r.id)}</td></tr>`;
}

/**
 * The integrity panel: whether the trail this page was made from holds (records checked, where the
 * chain ends, the checkpoint, the signatures) and every problem, by line or key. Without a check
 * (--no-verify) it says so in the same place.
 */
function integritySection(integrity: IntegrityReport | undefined, signatures: readonly string[]): string {
  const sigItems = signatures.map((l) => `<li>${h(l)}</li>`).join('');
  if (!integrity) {
    return `<section id="integrity"><h2>Integrity</h2><p class="warning" id="integrity-status" data-status="unchecked">Not checked (--no-verify): nothing on this page proves the trail was not altered. Run <span class="mono">airlock audit verify</span>.</p>${sigItems ? `<ul class="note" id="list-signatures">${sigItems}</ul>` : ''}</section>`;
  }
  const broken = integrity.problems.length > 0;
  const status = broken
    ? `DOES NOT VERIFY: ${integrity.problems.length} problem(s). Nothing below can be trusted until they are explained.`
    : 'Verified: every record matches its digest and the trail is whole.';
  const facts = [
    ['Records checked', `<span id="integrity-checked">${integrity.checked}</span>`],
    ...(integrity.head ? [['Chain head', `<span class="mono">${h(integrity.head)}</span>`]] : []),
    ...(integrity.checkpoint ? [['Checkpoint', h(integrity.checkpoint)]] : []),
    [
      'Signatures',
      integrity.signed.checkedWith
        ? `${integrity.signed.valid} valid, checked with ${h(integrity.signed.checkedWith)}`
        : 'not checked',
    ],
  ]
    .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
    .join('');
  const rows = integrity.problems
    .map(
      (p) =>
        `<tr><td class="mono">${p.key !== undefined ? h(p.key) : p.line ? `line ${p.line}` : 'trail'}</td><td class="mono">${h(p.id ?? '')}</td><td>${h(p.kind)}</td><td>${h(p.message)}</td></tr>`,
    )
    .join('');
  return `<section id="integrity"><h2>Integrity</h2>
<p class="${broken ? 'warning' : 'ok'}" id="integrity-status" data-status="${broken ? 'broken' : 'verified'}">${status}</p>
<dl class="facts">${facts}</dl>
${sigItems ? `<ul class="${broken ? 'warning' : 'note'}" id="list-signatures">${sigItems}</ul>` : ''}
${rows ? `<div class="scroll"><table id="table-integrity"><thead><tr><th>Where</th><th>Record</th><th>What</th><th>Problem</th></tr></thead><tbody>${rows}</tbody></table></div>` : ''}
</section>`;
}

/** The rollbacks, apart from the remediations: counts by status and the latest, each naming what it undid. */
function rollbackSection(stats: ReportStats): string {
  const { byStatus, latest } = stats.rollbacks;
  const cards = ROLLBACK_STATUSES.map(
    (st) =>
      `<div class="card" data-rollback="${st}"><span class="n">${byStatus[st]}</span><span class="k">${st.replace('_', ' ')}</span></div>`,
  ).join('');
  const rows = latest
    .map(
      (r) =>
        `<tr data-record="${h(r.id)}"><td class="mono time">${h(r.time.replace(/\.\d+Z$/, 'Z'))}</td><td class="outcome">${h(rollbackStatus(r))}</td><td class="mono">${h(r.remediation)}</td><td class="mono">${h(r.resource?.id ?? '')}</td><td class="mono">${h(r.links?.rollbackOf ?? '')}</td><td>${h(r.actor?.name ?? '')}</td><td>${h(r.reason)}</td></tr>`,
    )
    .join('');
  return `<section id="rollbacks"><h2>Rollbacks</h2>
<p class="note">Undoing a remediation re-opens what it closed: rollbacks are counted here, never as fixes or failed remediations.</p>
<div class="cards">${cards}</div>
${rows ? `<div class="scroll"><table id="table-rollbacks"><thead><tr><th>Time</th><th>Status</th><th>Remediation undone</th><th>Resource</th><th>Record undone</th><th>Operator</th><th>Reason</th></tr></thead><tbody>${rows}</tbody></table></div>` : '<p class="empty">None.</p>'}
</section>`;
}

const recordAnchor = (id: string) => `record-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;

/** Links to a record's entry in the changes section. */
function recordLink(id: string): string {
  return `<a class="mono" href="#${h(recordAnchor(id))}">${h(id)}</a>`;
}

function changeEntry(r: AuditRecord): string {
  const status = isRollback(r) ? `ROLLBACK ${rollbackStatus(r)}` : r.outcome;
  const steps = r.steps
    .map(
      (st) =>
        `<li data-result="${h(st.result)}"><span class="result">${h(st.result)}</span> ${h(stepInWords(st))}${st.error ? ` <span class="err">(${h(st.error.name)}: ${h(st.error.message)})</span>` : ''}</li>`,
    )
    .join('');
  const before =
    r.before === undefined
      ? ''
      : `<details><summary>State before</summary><pre>${h(JSON.stringify(r.before, null, 2))}</pre></details>`;
  const after = r.verification
    ? `${h(r.verification.status)}${r.verification.detail ? `: ${h(r.verification.detail)}` : ''}`
    : 'not verified';
  return `<li class="change" id="${h(recordAnchor(r.id))}" data-record="${h(r.id)}">
<div class="meta"><span class="mono time">${h(r.time)}</span> ${outcomeCell(status)} <span class="mono">${h(isRollback(r) ? `rollback of ${r.remediation}` : r.remediation)}</span></div>
<div class="why">Triggered by ${h(triggerInWords(r))}. ${h(r.reason)}</div>
${before}
<ol class="steps">${steps}</ol>
<div class="after">After: ${after}</div>
<div class="note">Record ${recordLink(r.id)} &middot; ${h(r.account ?? '')} ${h(r.region ?? '')} &middot; ${h(r.mode)}</div>
</li>`;
}

/** What changed on each resource: the records in order, each step in words, before and after, who set it off. */
function changesSection(stats: ReportStats): string {
  const items = stats.changes
    .map(
      ({ resource, records }, i) =>
        `<article class="resource" id="resource-${i + 1}" data-resource="${h(resource)}"><h3 class="mono">${h(resource)} <span class="note">${records.length} change(s)</span></h3><ol class="changes">${records.map(changeEntry).join('')}</ol></article>`,
    )
    .join('');
  return `<section id="changes"><h2>Changes by resource</h2>${items || '<p class="empty">No change was sent.</p>'}</section>`;
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
  meta: {
    source: string;
    scope?: string;
    /** What the signatures say, one line each. */
    signatures?: readonly string[];
    /** What checking the trail found; absent when it was not checked. */
    integrity?: IntegrityReport;
  },
): string {
  const cards = [
    `<div class="card" data-outcome="ALL"><span class="n" id="total">${stats.total}</span><span class="k">records</span></div>`,
    `<div class="card" data-kind="rollbacks"><span class="n">${ROLLBACK_STATUSES.reduce((n, st) => n + stats.rollbacks.byStatus[st], 0)}</span><span class="k">rollbacks</span></div>`,
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
${integritySection(meta.integrity, meta.signatures ?? [])}
${rollbackSection(stats)}
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
${changesSection(stats)}
<section id="failures"><h2>Latest failures, suppressions and rejected events</h2>
${latestRows ? `<div class="scroll"><table id="table-failures"><thead><tr><th>Time</th><th>Outcome</th><th>Remediation</th><th>Resource</th><th>Account / region</th><th>Reason</th><th>Record</th></tr></thead><tbody>${latestRows}</tbody></table></div>` : '<p class="empty">None.</p>'}
</section>
<section id="exemptions"><h2>Exemptions expiring within ${EXPIRY_WINDOW_DAYS} days</h2>
${expiring ? `<div class="scroll"><table id="table-expiring"><thead><tr><th>Exemption</th><th>Resource</th><th>Expires</th><th class="num">Days left</th><th>Reason</th><th>Approved by</th></tr></thead><tbody>${expiring}</tbody></table></div>` : '<p class="empty">None.</p>'}
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
