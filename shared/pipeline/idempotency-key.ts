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
