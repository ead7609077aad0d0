import { cell, renderTable } from '../table.js';
import type { ScanFinding, ScanResult, ScanVerdict } from './scan.js';

/** A call as one line: the API and its input, compact (JSON output and the HTML page keep it whole). */
export function formatCall(step: { api: string; input: unknown }, max = 120): string {
  return cell(`${step.api} ${JSON.stringify(step.input)}`, max);
}

const pick = (result: ScanResult, ...verdicts: ScanVerdict[]) =>
  result.findings.filter((f) => verdicts.includes(f.verdict));

function section(title: string, headers: string[], rows: string[][]): string {
  return rows.length ? `${title}\n${renderTable(headers, rows)}\n\n` : '';
}

const resourceCells = (f: ScanFinding) => [cell(f.remediation, 28), cell(f.resource, 48)];

/** The first line: what was scanned, and what would happen to it. */
export function formatHeadline(result: ScanResult, target: string): string {
  const c = result.counts;
  const total = result.findings.length;
  return `Scan of ${result.account} ${result.region} (${target}): ${total} resource(s), ${c.change} would change, ${c.exempt} exempt, ${c.compliant} left alone${c.deferred + c.error + c.gone ? `, ${c.deferred + c.error + c.gone} not planned` : ''}`;
}

/** The scan as text: what would change (with the calls), what is exempt, what is left alone, the rest. */
export function formatScan(result: ScanResult, target: string): string {
  const change = pick(result, 'change').flatMap((f) =>
    f.steps.map((s, i) => [...(i === 0 ? resourceCells(f) : ['', '']), formatCall(s), cell(s.reason, 70)]),
  );
  const exempt = pick(result, 'exempt').map((f) => [
    ...resourceCells(f),
    cell(f.exemption?.id),
    cell(f.exemption?.expires),
    cell(f.exemption?.approvedBy, 40),
    cell(f.exemption?.reason, 60),
  ]);
  const alone = pick(result, 'compliant').map((f) => [...resourceCells(f), cell(f.reason, 90)]);
  const other = pick(result, 'deferred', 'error', 'gone').map((f) => [
    ...resourceCells(f),
    f.verdict,
    cell(f.reason, 90),
  ]);
  const kinds = result.kinds.map((k) => {
    const mine = result.findings.filter((f) => f.remediation === k.remediation);
    const counts = (['change', 'exempt', 'compliant', 'deferred', 'error', 'gone'] as const)
      .map((v) => [v, mine.filter((f) => f.verdict === v).length] as const)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${v} ${n}`);
    return `  ${k.remediation.padEnd(28)} mode ${k.mode.padEnd(8)} listed ${String(k.listed).padStart(5)}${counts.length ? `: ${counts.join(', ')}` : ''}${k.problem ? ` (${cell(k.problem, 120)})` : ''}`;
  });
  const notes = result.notes.map((n) => `note: ${cell(n, 200)}`);
  return [
    `${formatHeadline(result, target)}\n\n`,
    section(
      'Would change (the exact calls each remediation would make in enforce mode):',
      ['REMEDIATION', 'RESOURCE', 'CALL', 'WHY'],
      change,
    ),
    section(
      'Exempt (a violation the exemption register holds back):',
      ['REMEDIATION', 'RESOURCE', 'EXEMPTION', 'EXPIRES', 'APPROVED BY', 'REASON'],
      exempt,
    ),
    section(
      'Left alone (look-alikes the planners found compliant):',
      ['REMEDIATION', 'RESOURCE', 'WHY'],
      alone,
    ),
    section('Not planned:', ['REMEDIATION', 'RESOURCE', 'VERDICT', 'WHY'], other),
    `By remediation:\n${kinds.join('\n')}\n`,
    notes.length ? `\n${notes.join('\n')}\n` : '',
  ].join('');
}
