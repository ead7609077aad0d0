import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { cloudTrailEventPattern } from '../shared/cloudtrail.js';
import { COMPLIANCE_CHANGE, ComplianceType, EVENT_SOURCES } from '../shared/event.js';
import type { AnyRemediation } from '../shared/remediation.js';
import { type RuleNameFilter, ruleNamesOf } from '../shared/rule-names.js';
import type { AirlockContext } from './context.js';
import { ContextError } from './context-values.js';
import { regionalIamName } from './names.js';

/**
 * The Config rule names a remediation's events may come from: its own, and those the context adds
 * (`remediations.<id>.configRuleNames`; a remediation always listens to the rules the stack deploys).
 * The functions get this very list in `AIRLOCK_REMEDIATIONS`, so their predicate and the patterns
 * start from the same names.
 */
export function declaredRuleNames(remediation: AnyRemediation, c: AirlockContext): string[] {
  const added = (c.remediations[remediation.id]?.configRuleNames as string[] | undefined) ?? [];
  return [...new Set([...remediation.configRuleNames, ...added])];
}

/**
 * The pattern of a remediation's compliance rule: NON_COMPLIANT evaluations of its resource type by
 * one of its rules, under any of the names AWS gives them (`shared/rule-names.ts`: exact names, and
 * the organization, conformance-pack and Security Hub forms as prefixes).
 *
 * @example
 * ```ts
 * compliancePattern(revokeOpenSsh, ['restricted-ssh', 'airlock-restricted-ssh']);
 * ```
 */
export function compliancePattern(remediation: AnyRemediation, declared: readonly string[]): EventPattern {
  let filters: readonly RuleNameFilter[];
  try {
    filters = ruleNamesOf(remediation, declared).filters;
  } catch (cause) {
    throw new ContextError('remediations', `${remediation.id}.configRuleNames is invalid`, { cause });
  }
  return {
    source: [EVENT_SOURCES.config],
    detailType: [COMPLIANCE_CHANGE],
    detail: {
      configRuleName: [...filters],
      newEvaluationResult: { complianceType: [ComplianceType.NON_COMPLIANT] },
      resourceType: [remediation.resourceType],
    },
  };
}

/**
 * The pattern of a remediation's fast-path rule (its CloudTrail calls), or none without `cloudTrail`.
 * Calls that failed (`errorCode` present: nothing changed) and calls made by airlock's own roles (its
 * own writes; matched by the issuing role's ARN, which another account cannot take) never match, so
 * they never invoke a function. Calls by principals without a session issuer (IAM users, root) match.
 *
 * @example
 * ```ts
 * apiCallPattern(revokeOpenSsh, ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh']);
 * ```
 */
export function apiCallPattern(
  remediation: AnyRemediation,
  ownRoleArns: readonly string[],
): EventPattern | undefined {
  if (!remediation.cloudTrail) return undefined;
  const pattern = cloudTrailEventPattern(remediation.cloudTrail);
  return {
    source: pattern.source,
    detailType: pattern['detail-type'],
    detail: {
      ...pattern.detail,
      errorCode: [{ exists: false }],
      userIdentity: {
        sessionContext: {
          sessionIssuer: { arn: [{ 'anything-but': [...ownRoleArns] }, { exists: false }] },
        },
      },
    },
  };
}

/**
 * The ARNs of airlock's function roles of this region's stack in this account (each role is named
 * after its function, `airlock-<id>`, plus the region outside the primary): the principals of
 * airlock's own calls.
 */
export function ownRoleArns(functionIds: readonly string[], c: AirlockContext): string[] {
  return functionIds.map(
    (id) => `arn:${c.partition}:iam::${c.account}:role/${regionalIamName(`airlock-${id}`, c)}`,
  );
}

/** The calls a remediation's fast path listens to, for the rule's description. */
export function apiCallNames(remediation: AnyRemediation): string {
  return remediation.cloudTrail ? remediation.cloudTrail.eventNames.join(', ') : '';
}
