import { GONE } from '../remediation.js';
import type { Job } from './job.js';
import { remediationSettings } from './remediation-settings.js';
import { endWith, type Findings, failWith, NOTHING_FOUND, type Verdict } from './verdict.js';

/** The resource as read live, with the remediation's settings it was read with. */
export interface Described {
  readonly state: unknown;
  /** The remediation's own settings (validated, defaults applied). */
  readonly settings: unknown;
  readonly findings: Findings;
}

/**
 * The describe stage: the resource's current state, read live (never trust the event). Invalid
 * remediation settings or a failed read end FAILED (retried); a resource that no longer exists
 * ends NOOP.
 *
 * @example
 * ```ts
 * const described = await describeStage(job);
 * if (!isVerdict(described)) described.findings.before; // the state worth keeping
 * ```
 */
export async function describeStage(job: Job): Promise<Described | Verdict> {
  const { remediation } = job;
  let settings: unknown;
  try {
    settings = remediationSettings(remediation, job.settings);
  } catch (error) {
    return failWith(NOTHING_FOUND, `settings of ${remediation.id} are invalid`, error);
  }
  let state: unknown;
  try {
    state = await remediation.describe(job.event.resourceId, job.context, settings);
  } catch (error) {
    return failWith(NOTHING_FOUND, 'could not read the resource', error);
  }
  if (state === GONE) return endWith(NOTHING_FOUND, 'NOOP', 'the resource no longer exists');
  const before = remediation.summarize ? remediation.summarize(state) : state;
  return { state, settings, findings: { notes: [], before } };
}
