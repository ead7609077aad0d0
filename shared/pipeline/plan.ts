import type { AuditStep } from '../audit-record.js';
import type { AnyRemediation, Step } from '../remediation.js';
import { apiName } from '../remediation.js';
import type { Described } from './describe.js';
import type { Job } from './job.js';
import { deferWith, endWith, type Findings, failWith, type Verdict, withNotes } from './verdict.js';

/** The steps that would make the resource compliant, as sent and as recorded. */
export interface Planned {
  readonly steps: readonly Step[];
  /** The same steps as the record keeps them (result `planned`, with their undo). */
  readonly recorded: readonly AuditStep[];
  /** The remediation's own settings, for verify. */
  readonly settings: unknown;
  readonly findings: Findings;
}

/**
 * The plan stage: the remediation's pure plan over the state read. Nothing to do ends NOOP; a plan
 * that cannot act now ends PLANNED outside enforce mode, FAILED (retried) in it.
 *
 * @example
 * ```ts
 * const planned = planStage(job, described);
 * if (!isVerdict(planned)) planned.recorded[0].api; // 'RevokeSecurityGroupIngress'
 * ```
 */
export function planStage(job: Job, described: Described): Planned | Verdict {
  const { remediation } = job;
  const plan = remediation.plan(described.state, described.settings);
  const findings = withNotes(described.findings, plan.notes ?? []);
  job.context.logger.info('plan computed', {
    plan: plan.kind,
    steps: plan.kind === 'steps' ? plan.steps.length : 0,
  });
  if (plan.kind === 'noop') return endWith(findings, 'NOOP', plan.reason);
  if (plan.kind === 'skip') {
    if (job.mode !== 'enforce') return endWith(findings, 'PLANNED', `cannot act now: ${plan.reason}`);
    if (plan.retryLater) return deferWith(findings, `cannot act now: ${plan.reason}`, deferClock(job));
    return failWith(findings, `cannot act now: ${plan.reason}`, undefined);
  }
  return {
    steps: plan.steps,
    recorded: plan.steps.map((step) => toAuditStep(remediation, step)),
    settings: described.settings,
    findings,
  };
}

/** The evaluation's time and now: what the deferral bound is counted from. */
export const deferClock = (job: Job) => ({ evaluationTime: job.event.evaluationTime, now: job.now() });

/** A step as the record keeps it before it runs: the call, its input, why, and its undo. */
function toAuditStep(remediation: AnyRemediation, step: Step): AuditStep {
  return {
    action: step.action,
    api: apiName(step.action, step.api),
    input: step.input,
    reason: step.reason,
    ...(step.before === undefined ? {} : { before: step.before }),
    undo: remediation.undo(step).map((u) => ({
      action: u.action,
      api: apiName(u.action, u.api),
      input: u.input,
      reason: u.reason,
      ...(u.before === undefined ? {} : { before: u.before }),
    })),
    result: 'planned',
  };
}
