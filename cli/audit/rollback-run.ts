import type { AuditRecord, AuditStep, Outcome, UnsignedAuditRecord } from '../../shared/audit-record.js';
import { AUDIT_SCHEMA, newRecordId, sealRecord } from '../../shared/audit-record.js';
import { describeError, errorCode } from '../../shared/errors.js';
import { apiName } from '../../shared/remediation.js';
import { VERSION } from '../../shared/version.js';
import type { RollbackPlan } from './rollback-plan.js';

export interface RollbackResult {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly record: AuditRecord;
}

function stripMetadata(output: unknown): unknown {
  if (output && typeof output === 'object') {
    const { $metadata: _m, ...rest } = output as Record<string, unknown>;
    return Object.keys(rest).length ? rest : undefined;
  }
  return output;
}

/**
 * Runs a planned rollback. `plan` mode writes nothing to AWS and records PLANNED; `apply` sends each
 * undo step through the remediation's own `apply` (one write call each; an "already done" error
 * counts as done), stops at the first failure, and records APPLIED or FAILED. Refusals (unless
 * forced, and only when none says the record cannot be trusted) record FAILED with nothing sent.
 * The record is sealed; the caller writes it to the sinks (signed when they sign).
 */
export async function runRollback(
  plan: RollbackPlan,
  options: { mode: 'plan' | 'apply'; force: boolean; operator: string; now?: () => number },
): Promise<RollbackResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const { record: original, remediation } = plan;
  const toAudit = (item: (typeof plan.items)[number], u: (typeof item.undo)[number]): AuditStep => ({
    action: u.action,
    api: apiName(u.action, u.api),
    input: u.input,
    reason: u.reason,
    ...(u.before === undefined ? {} : { before: u.before }),
    // undoing the undo is doing the original step again
    undo: [
      {
        action: item.original.action,
        api: item.original.api,
        input: item.original.input,
        reason: item.original.reason,
        ...(item.original.before === undefined ? {} : { before: item.original.before }),
      },
    ],
    result: 'planned',
  });
  const planned = plan.items.flatMap((item) => item.undo.map((u) => ({ item, u, audit: toAudit(item, u) })));
  // --force goes past a state that changed, never past a record that cannot be trusted
  const untrusted = new Set(plan.untrusted);
  const forced = options.force && untrusted.size === 0;
  const notes = [
    ...plan.refusals.map((r) => (forced ? `forced past: ${r}` : `refused: ${r}`)),
    ...plan.warnings,
  ];

  let outcome: Outcome;
  let reason: string;
  let steps: AuditStep[];
  let error: { name: string; message: string; retryable: boolean } | undefined;
  const refused = plan.refusals.length > 0 && !forced;
  const overridable =
    untrusted.size === 0 ? ' (use --force to override)' : ' (--force does not override this)';
  if (options.mode === 'plan') {
    outcome = 'PLANNED';
    steps = planned.map((p) => p.audit);
    reason = refused
      ? `rollback planned, but it would be refused: ${plan.refusals.join('; ')}`
      : `rollback planned: ${steps.length} undo step(s), nothing written`;
  } else if (refused) {
    outcome = 'FAILED';
    steps = planned.map((p) => ({ ...p.audit, result: 'not-run' as const }));
    reason = `rollback refused: ${plan.refusals.join('; ')}${overridable}`;
    error = { name: 'RollbackRefused', message: reason, retryable: false };
  } else {
    steps = [];
    outcome = 'APPLIED';
    reason = `${planned.length} undo step(s) applied`;
    for (const [i, p] of planned.entries()) {
      const t0 = now();
      try {
        const output = await remediation.apply(p.u, plan.ctx);
        steps.push({
          ...p.audit,
          result: 'applied',
          output: stripMetadata(output),
          startedAt: new Date(t0).toISOString(),
          durationMs: now() - t0,
        });
      } catch (e) {
        const code = errorCode(e);
        const timing = { startedAt: new Date(t0).toISOString(), durationMs: now() - t0 };
        if ((code && remediation.alreadyDoneErrors.includes(code)) || remediation.alreadyDone?.(e)) {
          steps.push({ ...p.audit, result: 'already-done', error: describeError(e), ...timing });
          continue;
        }
        const d = describeError(e);
        steps.push({ ...p.audit, result: 'failed', error: d, ...timing });
        steps.push(...planned.slice(i + 1).map((rest) => ({ ...rest.audit, result: 'not-run' as const })));
        outcome = 'FAILED';
        reason = `undo step ${p.u.action} failed: ${d.name}: ${d.message}`;
        error = { name: d.name, message: d.message, retryable: false };
        break;
      }
    }
  }

  const end = now();
  const unsigned: UnsignedAuditRecord = {
    schema: AUDIT_SCHEMA,
    id: newRecordId(started),
    time: new Date(end).toISOString(),
    startedAt: new Date(started).toISOString(),
    durationMs: end - started,
    actor: { type: 'operator', name: options.operator, version: VERSION },
    trigger: 'rollback',
    event: {},
    ...(original.rule ? { rule: original.rule } : {}),
    remediation: original.remediation,
    ...(original.account ? { account: original.account } : {}),
    ...(original.region ? { region: original.region } : {}),
    resource: original.resource,
    mode: options.mode === 'apply' ? 'enforce' : 'plan',
    outcome,
    reason,
    ...(plan.current === undefined ? {} : { before: plan.current }),
    steps,
    notes,
    ...(error ? { error } : {}),
    links: { rollbackOf: original.id },
  };
  return { outcome, reason, record: sealRecord(unsigned) };
}
