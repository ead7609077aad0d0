import type { AuditStep } from '../audit-record.js';
import { describeError, errorCode } from '../errors.js';
import type { Job } from './job.js';
import { deferClock, type Planned } from './plan.js';
import { deferWith, type Findings, failWith, notRun, type Verdict } from './verdict.js';

/** The steps as they ran (applied or already done), with the findings so far. */
export interface Applied {
  readonly done: readonly AuditStep[];
  readonly settings: unknown;
  readonly findings: Findings;
}

/**
 * The apply stage: one write per step, in order; an error that means "already done" counts as
 * done. The first step that fails ends FAILED (retried), the rest recorded as not run; a "retry
 * later" error (the resource is busy) ends DEFERRED within the deferral bound.
 *
 * @example
 * ```ts
 * const applied = await applyStage(job, planned, findings);
 * if (!isVerdict(applied)) applied.done[0].result; // 'applied'
 * ```
 */
export async function applyStage(job: Job, planned: Planned, findings: Findings): Promise<Applied | Verdict> {
  const { remediation, context, now } = job;
  const done: AuditStep[] = [];
  for (const [index, step] of planned.steps.entries()) {
    const t0 = now();
    const recorded = planned.recorded[index]!;
    try {
      const output = await remediation.apply(step, context);
      done.push({
        ...recorded,
        result: 'applied',
        output: stripMetadata(output),
        startedAt: new Date(t0).toISOString(),
        durationMs: now() - t0,
      });
      context.logger.info('step applied', { action: step.action });
    } catch (error) {
      const code = errorCode(error);
      const timing = { startedAt: new Date(t0).toISOString(), durationMs: now() - t0 };
      if ((code && remediation.alreadyDoneErrors.includes(code)) || remediation.alreadyDone?.(error)) {
        done.push({ ...recorded, result: 'already-done', error: describeError(error), ...timing });
        context.logger.info('step already done', { action: step.action, code });
        continue;
      }
      done.push({ ...recorded, result: 'failed', error: describeError(error), ...timing });
      const later = code !== undefined && (remediation.retryLaterErrors ?? []).includes(code);
      const steps = [...done, ...notRun(planned.recorded.slice(index + 1))];
      if (later) return deferWith(findings, `cannot act now: ${code}`, deferClock(job), error, steps);
      return failWith(findings, `step ${step.action} failed`, error, steps);
    }
  }
  return { done, settings: planned.settings, findings };
}

/** The SDK output without its `$metadata` (request ids and retries are not the record's business). */
function stripMetadata(output: unknown): unknown {
  if (output && typeof output === 'object') {
    const { $metadata: _m, ...rest } = output as Record<string, unknown>;
    return Object.keys(rest).length ? rest : undefined;
  }
  return output;
}
