import { applyStage } from './pipeline/apply.js';
import { type Described, describeStage } from './pipeline/describe.js';
import { acceptedRule, guardEvent } from './pipeline/guard-event.js';
import { guardPlan } from './pipeline/guard-plan.js';
import { idempotencyKey } from './pipeline/idempotency.js';
import { createJob, type Job } from './pipeline/job.js';
import { loadSettings, modeOf } from './pipeline/load-settings.js';
import { parseStage } from './pipeline/parse.js';
import type { PipelineDeps, PipelineResult, RunMode } from './pipeline/pipeline-deps.js';
import { planStage } from './pipeline/plan.js';
import { type Run, recordStage } from './pipeline/record.js';
import { eventSubject, rejectedSubject, type Subject, unsettledSubject } from './pipeline/subject.js';
import {
  deferredPastBound,
  type Findings,
  isVerdict,
  NOTHING_FOUND,
  type Verdict,
  withNotes,
} from './pipeline/verdict.js';
import { verifyStage } from './pipeline/verify.js';
import type { AnyRemediation } from './remediation.js';

export { idempotencyKey } from './pipeline/idempotency.js';
export type { IdempotencyGuard, PipelineDeps, PipelineResult } from './pipeline/pipeline-deps.js';
export { remediationSettings } from './pipeline/remediation-settings.js';

/**
 * The pipeline every remediation runs through: parse → guard (settings: rule, allowlists) →
 * idempotency → describe (live) → plan (pure) → guard (exemption, mode, blast radius) → apply (one
 * write per step) → verify (describe again; the plan must be empty) → record. Each stage returns
 * data; the one record of the event is built, sealed and written once, at the end.
 *
 * Throws only when the invocation must fail so that it is retried: a FAILED remediation
 * (`RemediationFailedError`) or an audit write that failed (`AuditWriteError`).
 *
 * @example
 * ```ts
 * const result = await runPipeline(event, revokeOpenSsh, deps);
 * result.outcome; // 'APPLIED'
 * ```
 */
export async function runPipeline(
  input: unknown,
  remediation: AnyRemediation,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  const now = deps.now ?? Date.now;
  const run: Run = { remediation: remediation.id, started: now(), now };
  const admitted = await admitEvent(input, remediation, deps);
  const handle = async () => {
    const verdict = 'job' in admitted ? await remediate(admitted.job, deps) : admitted.verdict;
    return recordStage(run, admitted.subject, admitted.mode, verdict, deps);
  };
  // a plan writes nothing: no idempotency item, and so never a stored answer (nor a breaker count)
  if (!('job' in admitted) || admitted.mode === 'plan' || !deps.idempotency) return handle();
  return deps.idempotency(idempotencyKey(admitted.job.event), handle);
}

/** An event past the event stages: their verdict, or the job of remediating it. */
type Admitted = { readonly subject: Subject; readonly mode: RunMode } & (
  | { readonly verdict: Verdict }
  | { readonly job: Job }
);

/**
 * The event stages: parse (the event alone), settings, guard (what the settings say). A malformed
 * event, or one of a resource type the remediation does not handle, is rejected before the
 * settings are read: its record's mode is the override's, else `dry-run` (nothing may act, as when
 * the settings cannot be read).
 */
async function admitEvent(
  input: unknown,
  remediation: AnyRemediation,
  deps: PipelineDeps,
): Promise<Admitted> {
  const rejected = (verdict: Verdict, mode: RunMode) => ({
    subject: rejectedSubject(input, deps.trigger),
    mode,
    verdict,
  });
  const event = parseStage(input, remediation);
  if (isVerdict(event)) return rejected(event, deps.modeOverride ?? 'dry-run');
  const settings = await loadSettings(deps);
  if (isVerdict(settings)) {
    return { subject: unsettledSubject(input, deps.trigger), mode: 'dry-run', verdict: settings };
  }
  const mode = modeOf(deps.modeOverride, settings, remediation);
  const stop = guardEvent(event, remediation, settings);
  if (stop?.outcome === 'REJECTED') return rejected(stop, mode);
  const subject = eventSubject(event, settings, deps.trigger);
  if (stop) return { subject, mode, verdict: stop };
  return { subject, mode, job: createJob(remediation, event, settings, mode, deps) };
}

/**
 * The remediation stages (confirm the rule, describe, plan, guard, apply, verify): the first verdict
 * ends them.
 */
async function remediate(job: Job, deps: PipelineDeps): Promise<Verdict> {
  const confirmed = await confirmRule(job, deps);
  if (isVerdict(confirmed)) return confirmed;
  const described = withConfirmation(await describeStage(job), confirmed.notes);
  if (isVerdict(described)) return described;
  const planned = planStage(job, described);
  if (isVerdict(planned)) return boundDeferral(job, planned, deps);
  const cleared = await guardPlan(job, planned, deps);
  if (isVerdict(cleared)) return cleared;
  const applied = await applyStage(job, planned, cleared);
  if (isVerdict(applied)) return boundDeferral(job, applied, deps);
  return verifyStage(job, applied);
}

/**
 * A DEFERRED verdict stays DEFERRED while the resource's unbroken run of deferrals is younger than the
 * bound; past it, FAILED. The evaluation time alone would restart the bound at every re-evaluation.
 */
async function boundDeferral(job: Job, verdict: Verdict, deps: PipelineDeps): Promise<Verdict> {
  if (verdict.outcome !== 'DEFERRED' || !deps.deferrals) return verdict;
  const { event, remediation } = job;
  const now = job.now();
  const since = await deps.deferrals.since(
    { remediation: remediation.id, account: event.account, region: event.region, resource: event.resourceId },
    now,
  );
  return deferredPastBound(verdict, since, now);
}

/**
 * The rule stage, for a rule named by an AWS convention only (loaded then: a chunk of its own, so
 * that the functions whose events carry declared names never read it).
 */
async function confirmRule(job: Job, deps: PipelineDeps): Promise<Findings | Verdict> {
  const entry = job.event.apiCall ? undefined : acceptedRule(job.event, job.remediation, job.settings);
  if (!entry || entry.origin === 'declared') return NOTHING_FOUND;
  const { confirmRuleStage } = await import('./pipeline/confirm-rule.js');
  return confirmRuleStage(job, deps.clients);
}

/** The describe stage's result with the rule stage's notes (what confirmed the rule) in its findings. */
function withConfirmation(described: Described | Verdict, notes: readonly string[]): Described | Verdict {
  if (!notes.length) return described;
  if (isVerdict(described)) return { ...described, ...withNotes(described, notes) };
  return { ...described, findings: withNotes(described.findings, notes) };
}
