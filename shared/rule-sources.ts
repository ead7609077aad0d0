/**
 * A rule's source, and whether it is one of a remediation's rules: read by the rule stage
 * (`pipeline/confirm-rule.ts`) only, in the chunk it is loaded in.
 */
import type { AnyRemediation } from './remediation.js';

/** A rule's source, as `config:DescribeConfigRules` returns it. */
export interface RuleSource {
  readonly owner?: string;
  readonly sourceIdentifier?: string;
}

/** Where the event was raised and where airlock runs: the account of its evaluators' functions. */
export interface RuleSourceScope {
  readonly partition: string;
  readonly region: string;
  /** The account whose functions evaluate airlock's custom rules (the home account). */
  readonly evaluatorAccount: string;
}

/**
 * Why a rule's source is not one of the remediation's rules, or undefined when it is: an AWS managed
 * rule it declares (`INCOMING_SSH_DISABLED`), or a custom rule evaluated by one of its evaluators
 * (`airlock-<evaluator>` in the evaluator account and the event's region, the function organization
 * rules of airlock invoke).
 *
 * @example
 * ```ts
 * ruleSourceAccepted(revokeOpenSsh, { owner: 'AWS', sourceIdentifier: 'INCOMING_SSH_DISABLED' }, scope); // undefined
 * ruleSourceAccepted(revokeOpenSsh, { owner: 'AWS', sourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' }, scope);
 * // 'its source is AWS S3_BUCKET_PUBLIC_READ_PROHIBITED, not INCOMING_SSH_DISABLED'
 * ```
 */
export function ruleSourceAccepted(
  remediation: Pick<AnyRemediation, 'configRules'>,
  source: RuleSource,
  scope: RuleSourceScope,
): string | undefined {
  const managed = (remediation.configRules.managed ?? []).map((m) => m.identifier);
  const functions = (remediation.configRules.custom ?? []).map(
    (c) =>
      `arn:${scope.partition}:lambda:${scope.region}:${scope.evaluatorAccount}:function:airlock-${c.evaluator}`,
  );
  const { owner, sourceIdentifier: id } = source;
  if (owner === 'AWS' && id && managed.includes(id)) return undefined;
  if (owner === 'CUSTOM_LAMBDA' && id && functions.some((f) => id === f || id.startsWith(`${f}:`))) {
    return undefined;
  }
  const expected = [...managed, ...functions].join(' or ');
  return `its source is ${owner ?? 'unknown'} ${(id ?? 'unknown').slice(0, 200)}, not ${expected || 'a rule of its own'}`;
}
