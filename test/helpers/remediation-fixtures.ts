import type fc from 'fast-check';

/**
 * What each remediation folder gives the registry-wide tests (`functions/<id>/fixtures.ts`, export
 * `fixtures`), so that one test checks every remediation the same way: plans under every setting,
 * undo, resource ids.
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
}
