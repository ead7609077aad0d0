// cdk-nag (v3) checks through CDK's validation plugins; a finding is acknowledged with its reason
// through CDK's own Validations API. cdk-nag is CommonJS whose re-exports Node's ESM loader cannot
// name: import it whole.
import { Validations } from 'aws-cdk-lib';
import cdkNag from 'cdk-nag';
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
