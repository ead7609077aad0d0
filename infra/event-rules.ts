import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { cloudTrailEventPattern } from '../shared/cloudtrail.js';
import { COMPLIANCE_CHANGE, ComplianceType, EVENT_SOURCES } from '../shared/event.js';
import type { AnyRemediation } from '../shared/remediation.js';
import type { AirlockContext } from './context.js';

/** The Config rule names a remediation's events may come from: its own, and those the context adds. */
export function ruleNamesOf(remediation: AnyRemediation, c: AirlockContext): string[] {
  const added = (c.remediations[remediation.id]?.configRuleNames as string[] | undefined) ?? [];
  return [...new Set([...remediation.configRuleNames, ...added])];
}

/**
 * The pattern of a remediation's compliance rule: NON_COMPLIANT evaluations of its resource type by
 * one of its rules.
 *
 * @example
 * ```ts
 * compliancePattern(revokeOpenSsh, ['airlock-restricted-ssh']);
 * ```
 */
export function compliancePattern(remediation: AnyRemediation, ruleNames: readonly string[]): EventPattern {
  return {
    source: [EVENT_SOURCES.config],
    detailType: [COMPLIANCE_CHANGE],
    detail: {
      configRuleName: [...ruleNames],
      newEvaluationResult: { complianceType: [ComplianceType.NON_COMPLIANT] },
      resourceType: [remediation.resourceType],
    },
  };
}

/** The pattern of a remediation's fast-path rule (its CloudTrail calls), or none without `cloudTrail`. */
export function apiCallPattern(remediation: AnyRemediation): EventPattern | undefined {
  if (!remediation.cloudTrail) return undefined;
  const pattern = cloudTrailEventPattern(remediation.cloudTrail);
  return { source: pattern.source, detailType: pattern['detail-type'], detail: pattern.detail };
}

/** The calls a remediation's fast path listens to, for the rule's description. */
export function apiCallNames(remediation: AnyRemediation): string {
  return remediation.cloudTrail ? remediation.cloudTrail.eventNames.join(', ') : '';
}
