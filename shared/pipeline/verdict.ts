import type { AuditRecord, AuditStep, Outcome } from '../audit-record.js';
import { describeError, EventRejectedError } from '../errors.js';

/** What the stages found on the way, for the record: notes, and the resource as read before acting. */
export interface Findings {
  readonly notes: readonly string[];
  /** Present once the resource was read (the part worth keeping). */
  readonly before?: unknown;
}

/**
 * Nothing found yet (the event stages read nothing).
 *
 * @example
 * ```ts
 * endWith(NOTHING_FOUND, 'NOOP', 'evaluation is COMPLIANT: nothing to remediate');
 * ```
 */
export const NOTHING_FOUND: Findings = { notes: [] };

/**
 * How the pipeline ended for an event, as data: the outcome, why, the steps, and what the stages
 * found. A stage that ends the pipeline returns one; the record is built from it once, at the end.
 */
export interface Verdict extends Findings {
  readonly outcome: Outcome;
  readonly reason: string;
  readonly steps: readonly AuditStep[];
  readonly exemption?: NonNullable<AuditRecord['exemption']>;
  readonly verification?: NonNullable<AuditRecord['verification']>;
  /** FAILED only: the error behind it (`cause` undefined when nothing was thrown). */
  readonly failure?: { readonly cause: unknown };
}

/**
 * True when a stage ended the pipeline rather than handing data on.
 *
 * @example
 * ```ts
 * const described = await describeStage(job);
 * if (isVerdict(described)) return described; // NOOP, FAILED...
 * ```
 */
export function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'object' && value !== null && 'outcome' in value && 'reason' in value;
}

/**
 * A verdict with the findings so far.
 *
 * @example
 * ```ts
 * endWith({ notes: [] }, 'NOOP', 'the resource no longer exists');
 * ```
 */
export function endWith(
  findings: Findings,
  outcome: Exclude<Outcome, 'FAILED'>,
  reason: string,
  steps: readonly AuditStep[] = [],
  extra: Pick<Verdict, 'exemption' | 'verification'> = {},
): Verdict {
  return { ...findings, ...extra, outcome, reason, steps };
}

/**
 * A FAILED verdict: the reason names the error when there is one (`could not read the resource:
 * Throttling: slow down`). The invocation fails once its record is written, so that it is retried.
 *
 * @example
 * ```ts
 * failWith(findings, 'could not read the resource', error);
 * ```
 */
export function failWith(
  findings: Findings,
  reason: string,
  cause: unknown,
  steps: readonly AuditStep[] = [],
  extra: Pick<Verdict, 'verification'> = {},
): Verdict {
  const described = cause === undefined ? undefined : describeError(cause);
  return {
    ...findings,
    ...extra,
    outcome: 'FAILED',
    reason: described ? `${reason}: ${described.name}: ${described.message}` : reason,
    steps,
    failure: { cause },
  };
}

/**
 * How long a busy resource is deferred, counted from the evaluation the event carries and from the
 * first deferral of its unbroken run (`DeferralClock`), whichever is earlier.
 */
export const DEFER_BOUND_MINUTES = 180;
/** A deferral more than this after the previous one of the same resource starts a new run. */
export const DEFER_CONTINUITY_MINUTES = DEFER_BOUND_MINUTES;

/**
 * A verdict for a resource that is busy now (an EKS cluster UPDATING, `ResourceInUseException`):
 * DEFERRED (the function returns normally; the sweep re-checks what Config still reports
 * NON_COMPLIANT) while the evaluation is younger than {@link DEFER_BOUND_MINUTES}, FAILED past it.
 *
 * @example
 * ```ts
 * deferWith(findings, 'cannot act now: cluster is UPDATING', { evaluationTime, now: Date.now() });
 * ```
 */
export function deferWith(
  findings: Findings,
  reason: string,
  when: { readonly evaluationTime: string; readonly now: number },
  cause?: unknown,
  steps: readonly AuditStep[] = [],
): Verdict {
  const age = when.now - Date.parse(when.evaluationTime);
  const bound = DEFER_BOUND_MINUTES * 60_000;
  if (!(age <= bound)) {
    return failWith(
      findings,
      `${reason}; deferred past ${DEFER_BOUND_MINUTES} minutes since the evaluation`,
      cause,
      steps,
    );
  }
  return endWith(
    findings,
    'DEFERRED',
    `${reason}: deferred, re-checked by the sweep (for up to ${DEFER_BOUND_MINUTES} minutes since the evaluation and the first deferral)`,
    steps,
  );
}

/**
 * A DEFERRED verdict of a resource first deferred at `since`: FAILED once that is more than the bound
 * ago, else unchanged.
 *
 * @example
 * ```ts
 * deferredPastBound(verdict, Date.parse('2026-11-30T09:00:00Z'), Date.parse('2026-11-30T12:01:00Z')).outcome; // 'FAILED'
 * ```
 */
export function deferredPastBound(verdict: Verdict, since: number, now: number): Verdict {
  if (verdict.outcome !== 'DEFERRED' || now - since <= DEFER_BOUND_MINUTES * 60_000) return verdict;
  const reason = verdict.reason.replace(/: deferred, re-checked by the sweep.*$/, '');
  return failWith(
    verdict,
    `${reason}; deferred past ${DEFER_BOUND_MINUTES} minutes since its first deferral at ${new Date(since).toISOString()}`,
    undefined,
    verdict.steps,
  );
}

/**
 * A REJECTED verdict for an event that cannot be acted upon (no finding: nothing was read).
 *
 * @example
 * ```ts
 * rejectWith(new EventRejectedError('event is not valid JSON')).reason; // 'event is not valid JSON'
 * ```
 */
export function rejectWith(error: unknown): Verdict {
  const reason =
    error instanceof EventRejectedError
      ? error.message
      : `event could not be read: ${describeError(error).message}`;
  return endWith(NOTHING_FOUND, 'REJECTED', reason);
}

/**
 * The findings with more notes (the same findings when there are none).
 *
 * @example
 * ```ts
 * withNotes({ notes: ['a'] }, ['b']).notes; // ['a', 'b']
 * ```
 */
export function withNotes(findings: Findings, notes: readonly string[]): Findings {
  return notes.length ? { ...findings, notes: [...findings.notes, ...notes] } : findings;
}

/**
 * The steps as recorded when none of them ran.
 *
 * @example
 * ```ts
 * notRun(planned.recorded)[0].result; // 'not-run'
 * ```
 */
export function notRun(steps: readonly AuditStep[]): AuditStep[] {
  return steps.map((step) => ({ ...step, result: 'not-run' as const }));
}
