import type { Outcome } from '../audit-record.js';
import type { ParsedEvent } from '../event.js';

/**
 * The idempotency key: rule + resource + evaluation time (and where).
 *
 * @example
 * ```ts
 * idempotencyKey(parsed); // '111122223333|eu-west-2|restricted-ssh|AWS::EC2::SecurityGroup|sg-0123…|2026-11-20T10:00:00.000Z'
 * ```
 */
export function idempotencyKey(e: ParsedEvent): string {
  return [e.account, e.region, e.rule, e.resourceType, e.resourceId, e.evaluationTime].join('|');
}

/**
 * The outcomes that settle an evaluation for good, and only these are stored by idempotency: a
 * later delivery of the same evaluation (a retry, the sweep) gets the stored answer.
 *
 * - APPLIED: the violation was fixed and verified (or its change is in progress).
 * - NOOP: nothing to fix (already compliant, gone, or a call that changed nothing).
 *
 * Every other outcome is decided again on the next delivery, because what it depends on changes
 * without a new evaluation: PLANNED (an operator flips `dry-run` to `enforce`), SUPPRESSED (an
 * operator resets the breaker), EXEMPT (exemptions expire and are withdrawn: a stored EXEMPT would
 * keep the violation open up to a week past the expiry, until the key's time to live). FAILED and
 * REJECTED are never stored either (FAILED throws, so it is retried; REJECTED ends before
 * idempotency).
 *
 * @example
 * ```ts
 * FINAL_OUTCOMES.has('PLANNED'); // false: planned again once enforce is on
 * ```
 */
export const FINAL_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>(['APPLIED', 'NOOP']);

/**
 * True when an outcome settles its evaluation (see {@link FINAL_OUTCOMES}).
 *
 * @example
 * ```ts
 * isFinalOutcome('APPLIED'); // true
 * isFinalOutcome('SUPPRESSED'); // false: decided again after the breaker is reset
 * ```
 */
export function isFinalOutcome(outcome: Outcome): boolean {
  return FINAL_OUTCOMES.has(outcome);
}
