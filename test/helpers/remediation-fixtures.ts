import type fc from 'fast-check';

/** A recorded CloudTrail event (a file under `test/fixtures/cloudtrail/`) and the resource it names. */
export interface CloudTrailEventCase {
  /** The file name under `test/fixtures/cloudtrail/`: `ec2__CreateRoute.json`. */
  readonly file: string;
  /** The id of the remediation's resource type the call names. */
  readonly resourceId: string;
}

/**
 * What each remediation folder gives the registry-wide tests (`functions/<id>/fixtures.ts`, export
 * `fixtures`), so that one test checks every remediation the same way: plans under every setting,
 * undo, resource ids, CloudTrail events.
 */
export interface RemediationFixtures<State> {
  /** Any state `describe` can return, violations and compliant look-alikes alike. */
  readonly state: fc.Arbitrary<State>;
  /**
   * Settings documents as an operator writes them (`remediations.<id>.settings`, before defaults),
   * covering every value that changes what the plans do, and so the permissions.
   */
  readonly settings: fc.Arbitrary<Record<string, unknown>>;
  /** Valid resource ids beside the resource kind's example (other lengths, forms). */
  readonly validIds: readonly string[];
  /** Near misses of the id format that must be refused: other kinds' ids, wrong case, wrong length. */
  readonly lookAlikeIds: readonly string[];
  /**
   * With a CloudTrail trigger: at least one recorded event per call it lists, each with the resource
   * it names (`test/cloudtrail.test.ts` reads them all).
   */
  readonly cloudTrailEvents?: readonly CloudTrailEventCase[];
}

/**
 * The fixtures of a remediation folder, by its id (`functions/<id>/fixtures.ts`).
 *
 * @example
 * ```ts
 * const { validIds } = await remediationFixtures('revoke-open-ssh');
 * ```
 */
export async function remediationFixtures(id: string): Promise<RemediationFixtures<unknown>> {
  const module = (await import(`../../functions/${id}/fixtures.ts`)) as {
    fixtures: RemediationFixtures<unknown>;
  };
  return module.fixtures;
}
