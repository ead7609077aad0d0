import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { AirlockContext } from './context.js';

/** What would let an account admin quietly destroy or disable the audit key. */
export const KEY_GUARDED_ACTIONS = ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy'] as const;

/** What would let an account admin quietly weaken the audit bucket (its lock, its versions, its policy). */
export const BUCKET_GUARDED_ACTIONS = [
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketVersioning',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
] as const;

/**
 * A resource-policy statement that denies `actions` to every principal but the break-glass role
 * (`breakGlassRoleArn`), the CloudFormation execution role included: a stack update that would change
 * these settings fails until it is deployed with the break-glass role (infra/README.md, "Break glass").
 * `aws:PrincipalArn` is the role's ARN for its sessions, so a role re-created under the same name
 * keeps the exception.
 *
 * @example
 * ```ts
 * bucket.addToResourcePolicy(denyOutsideBreakGlass('Guard', BUCKET_GUARDED_ACTIONS, [bucket.bucketArn], c));
 * ```
 */
export function denyOutsideBreakGlass(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  c: Pick<AirlockContext, 'breakGlassRoleArn'>,
): PolicyStatement {
  return new PolicyStatement({
    sid,
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: [...actions],
    resources: [...resources],
    conditions: { ArnNotEquals: { 'aws:PrincipalArn': c.breakGlassRoleArn } },
  });
}
