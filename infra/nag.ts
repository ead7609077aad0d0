// cdk-nag (v3) checks through CDK's validation plugins; a finding is acknowledged with its reason
// through CDK's own Validations API. cdk-nag is CommonJS whose re-exports Node's ESM loader cannot
// name: import it whole.
import { Stack, Token, Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';

export const { AwsSolutionsChecks, NIST80053R5Checks, PCIDSS321Checks } = cdkNag;

/** A finding this design accepts, and why (e.g. `AwsSolutions-IAM5[Resource::*]`). */
export interface Acknowledged {
  readonly id: string;
  readonly reason: string;
}

/**
 * Acknowledges findings on a construct (and everything under it), each with its reason in code.
 *
 * @example
 * ```ts
 * acknowledge(bucket, [{ id: 'AwsSolutions-S1', reason: 'this is the access log bucket' }]);
 * ```
 */
export function acknowledge(scope: IConstruct, findings: readonly Acknowledged[]): void {
  for (const finding of findings) {
    if (finding.reason.trim().length < 20) throw new Error(`acknowledging ${finding.id} needs a real reason`);
    Validations.of(scope).acknowledge({ id: finding.id, reason: finding.reason });
  }
}

/** The three packs airlock is held to. */
export function nagPacks(scope: IConstruct) {
  return [new AwsSolutionsChecks(scope), new NIST80053R5Checks(scope), new PCIDSS321Checks(scope)];
}

/**
 * A policy resource as cdk-nag names it in a finding (`<AuditTrailFF0F2BB5.Arn>/audit/*` for a token),
 * so that the finding can be acknowledged.
 *
 * @example
 * ```ts
 * acknowledge(policy, [{ id: `AwsSolutions-IAM5[Resource::${nagResource(policy, arn)}]`, reason }]);
 * ```
 */
export function nagResource(scope: IConstruct, resource: string): string {
  return Token.isUnresolved(resource) ? flattenCfnReference(Stack.of(scope).resolve(resource)) : resource;
}
