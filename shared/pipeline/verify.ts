import { GONE } from '../remediation.js';
import type { Applied } from './apply.js';
import type { Job } from './job.js';
import { endWith, failWith, type Verdict } from './verdict.js';

/**
 * The verify stage: the resource read again, planned again; the plan must be empty. Gone since, or
 * compliant, ends APPLIED (verified); a change still in progress ends APPLIED (pending); anything
 * left to do, or a failed read, ends FAILED (retried).
 *
 * @example
 * ```ts
 * (await verifyStage(job, applied)).verification; // { status: 'compliant' }
 * ```
 */
export async function verifyStage(job: Job, applied: Applied): Promise<Verdict> {
  const { remediation } = job;
  const { done, findings } = applied;
  let after: unknown;
  try {
    after = await remediation.describe(job.event.resourceId, job.context, applied.settings);
  } catch (error) {
    return failWith(findings, 'could not verify: reading the resource again failed', error, done);
  }
  if (after === GONE) {
    return endWith(findings, 'APPLIED', `${done.length} step(s) applied; the resource is gone since`, done, {
      verification: { status: 'compliant', detail: 'the resource no longer exists' },
    });
  }
  const check = remediation.plan(after, applied.settings);
  if (check.kind === 'noop') {
    return endWith(findings, 'APPLIED', `${done.length} step(s) applied, verified compliant`, done, {
      verification: { status: 'compliant' },
    });
  }
  if (check.kind === 'skip') {
    return endWith(
      findings,
      'APPLIED',
      `${done.length} step(s) applied; change in progress: ${check.reason}`,
      done,
      { verification: { status: 'pending', detail: check.reason } },
    );
  }
  return failWith(findings, 'still non-compliant after apply', undefined, done, {
    verification: {
      status: 'non-compliant',
      detail: `${check.steps.length} step(s) still planned after apply`,
    },
  });
}
