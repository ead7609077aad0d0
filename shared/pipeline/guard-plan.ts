import type { Breaker } from '../breaker.js';
import { describeError, ExemptionRegisterError } from '../errors.js';
import { type ExemptionSource, findExemption } from '../exemptions.js';
import type { Job } from './job.js';
import type { Planned } from './plan.js';
import { endWith, type Findings, failWith, isVerdict, notRun, type Verdict, withNotes } from './verdict.js';

/** The guardrails the plan stage hands its steps to. */
export interface PlanGuards {
  readonly exemptions?: ExemptionSource | undefined;
  readonly breaker: Breaker;
}

/**
 * The plan guard: the exemption register (central, not tags), the mode, the blast radius. A valid
 * exemption ends EXEMPT, a mode other than enforce ends PLANNED, an open breaker ends SUPPRESSED;
 * otherwise the steps may be written, with what the register said noted.
 *
 * @example
 * ```ts
 * const cleared = await guardPlan(job, planned, { exemptions, breaker });
 * if (!isVerdict(cleared)) await applyStage(job, planned, cleared);
 * ```
 */
export async function guardPlan(job: Job, planned: Planned, guards: PlanGuards): Promise<Findings | Verdict> {
  const exempted = await checkExemption(job, planned, guards.exemptions);
  if (isVerdict(exempted)) return exempted;
  // plan and dry-run end here, before the breaker: what is not written is not counted
  if (job.mode !== 'enforce') {
    return endWith(
      exempted,
      'PLANNED',
      `${job.mode} mode: ${planned.recorded.length} step(s) planned, nothing written`,
      planned.recorded,
    );
  }
  return admitWrites(job, planned, exempted, guards.breaker);
}

/**
 * Looks the resource up in the exemption register. Expired, malformed and too-long entries are
 * noted; an unreadable register fails closed (act, noted) or stops (FAILED), per settings.
 */
async function checkExemption(
  job: Job,
  planned: Planned,
  source: ExemptionSource | undefined,
): Promise<Findings | Verdict> {
  const { settings, remediation, event } = job;
  if (!source || !settings.exemptions.parameter) return planned.findings;
  let register: unknown;
  try {
    register = await source.load();
  } catch (error) {
    if (settings.exemptions.onUnreadable === 'stop') {
      return failWith(
        planned.findings,
        'the exemption register could not be read and settings say stop',
        new ExemptionRegisterError('exemption register unreadable', { cause: error }),
        notRun(planned.recorded),
      );
    }
    return withNotes(planned.findings, [
      `exemption register could not be read (${describeError(error).name}): acting, fail closed`,
    ]);
  }
  const match = findExemption(
    register,
    {
      resourceId: event.resourceId,
      remediation: remediation.id,
      account: event.account,
      region: event.region,
    },
    job.now(),
    settings.exemptions.maxDays,
  );
  const findings = withNotes(planned.findings, match.notes);
  const x = match.exemption;
  if (!x) return findings;
  return endWith(
    findings,
    'EXEMPT',
    `exempt until ${x.expires} (${x.id}, approved by ${x.approvedBy})`,
    notRun(planned.recorded),
    { exemption: { id: x.id, reason: x.reason, approvedBy: x.approvedBy, expires: x.expires } },
  );
}

/**
 * Counts the resource against the blast radius (once per window, whatever its number of steps): an
 * open breaker ends SUPPRESSED, nothing written.
 */
async function admitWrites(
  job: Job,
  planned: Planned,
  findings: Findings,
  breaker: Breaker,
): Promise<Findings | Verdict> {
  const { remediation, event } = job;
  const decision = await breaker
    .admit({ remediation: remediation.id, account: event.account }, event.resourceId, job.now())
    .catch((error: unknown) => ({ error }));
  if ('error' in decision) {
    return failWith(findings, 'the blast-radius counter could not be read', decision.error, planned.recorded);
  }
  if (decision.allowed) return findings;
  return endWith(
    findings,
    'SUPPRESSED',
    `blast-radius breaker is open for ${remediation.id} in ${event.account} (${decision.count} resources changed in the window, limit ${job.settings.blastRadius.maxWrites}): an operator must reset it`,
    notRun(planned.recorded),
  );
}
