import type { RollbackPlan } from './rollback-plan.js';
import type { RollbackResult } from './rollback-run.js';
import { paint, safeText } from './terminal-text.js';

/** What a rollback did (or would do), for the terminal: refusals first, then each undo step. */
export function formatRollback(
  plan: RollbackPlan,
  result: RollbackResult,
  options: { colour: boolean },
): string {
  const r = plan.record;
  const lines = [
    `Rollback of ${r.id} (${safeText(r.remediation)} on ${safeText(r.resource?.id)} in ${safeText(r.account)}/${safeText(r.region)})`,
    `  outcome: ${paint(result.outcome, result.outcome, options.colour)}  ${safeText(result.reason)}`,
  ];
  lines.push(`  record signature: ${signatureText(plan)}`);
  if (plan.refusals.length) {
    const untrusted = new Set(plan.untrusted);
    lines.push(
      '  refusals:',
      ...plan.refusals.map(
        (x) => `    - ${safeText(x)}${untrusted.has(x) ? ' (--force does not override this)' : ''}`,
      ),
    );
  }
  for (const w of plan.warnings) lines.push(`  note: ${safeText(w)}`);
  const steps = result.record.steps;
  lines.push(`  undo steps (${steps.length}, last recorded step first):`);
  for (const [i, s] of steps.entries()) {
    lines.push(
      `    ${i + 1}. ${safeText(s.action)} -> ${s.result}: ${safeText(s.reason)}`,
      `       ${safeText(JSON.stringify(s.input))}`,
    );
    if (s.error) lines.push(`       error: ${safeText(s.error.name)}: ${safeText(s.error.message)}`);
  }
  lines.push(`  recorded as ${result.record.id}`);
  return `${lines.join('\n')}\n`;
}

function signatureText(plan: RollbackPlan): string {
  const check = plan.signature;
  if (!check) return plan.record.signature ? 'present, not checked' : 'none (unsigned)';
  if (check.status === 'valid') return `valid (${safeText(check.keyId)})`;
  if (check.status === 'unsigned') return 'none (unsigned)';
  return `NOT VALID: ${safeText(check.reason)}`;
}
