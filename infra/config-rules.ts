import type { AnyRemediation } from '../shared/remediation.js';
import type { EvaluatorDescriptor } from './registries.js';

/** How a managed rule is triggered (AWS Config Developer Guide, "Trigger type"). */
export type ManagedTrigger = 'change' | 'periodic' | 'change-and-periodic';

export interface ManagedRule {
  /** The name AWS gives the rule when enabled from the console; airlock deploys `airlock-<name>`. */
  readonly defaultName: string;
  /** Resource types it evaluates; null for periodic rules that report without a scope. */
  readonly resourceTypes: readonly string[] | null;
  readonly trigger: ManagedTrigger;
}

/**
 * The AWS managed rules airlock's remediations answer to, by source identifier. Names, resource
 * types and triggers as the AWS Config Developer Guide documents them.
 */
export const MANAGED_RULES: Readonly<Record<string, ManagedRule>> = {
  INCOMING_SSH_DISABLED: {
    defaultName: 'restricted-ssh',
    resourceTypes: ['AWS::EC2::SecurityGroup'],
    trigger: 'change',
  },
  S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED: {
    defaultName: 's3-bucket-level-public-access-prohibited',
    resourceTypes: ['AWS::S3::Bucket'],
    trigger: 'change',
  },
  S3_BUCKET_PUBLIC_READ_PROHIBITED: {
    defaultName: 's3-bucket-public-read-prohibited',
    resourceTypes: ['AWS::S3::Bucket'],
    trigger: 'change-and-periodic',
  },
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: {
    defaultName: 's3-bucket-public-write-prohibited',
    resourceTypes: ['AWS::S3::Bucket'],
    trigger: 'change-and-periodic',
  },
  EKS_ENDPOINT_NO_PUBLIC_ACCESS: {
    defaultName: 'eks-endpoint-no-public-access',
    resourceTypes: null,
    trigger: 'periodic',
  },
};

/** How often periodic rules run: EKS endpoint drift is only seen this often. */
export const PERIODIC_FREQUENCY = 'One_Hour';

/** One Config rule the stack deploys, and the remediation whose events it raises. */
export interface PlannedRule {
  readonly name: string;
  readonly remediationId: string;
  readonly resourceType: string;
  readonly source:
    | { readonly kind: 'managed'; readonly identifier: string; readonly rule: ManagedRule }
    | { readonly kind: 'custom'; readonly evaluator: EvaluatorDescriptor };
}

/**
 * The Config rules to deploy, from the registries: for each remediation, each managed rule it answers
 * to (named after one of its configRuleNames: `airlock-<default name>` first, else the default name),
 * and each evaluator's custom rule. A rule identifier that is neither managed nor evaluated by a
 * registered evaluator is reported in `unmatched` (its remediation is still deployed: its events can
 * come from a rule the platform runs).
 *
 * @example
 * ```ts
 * const { rules } = planConfigRules(REMEDIATIONS, EVALUATORS);
 * ```
 */
export function planConfigRules(
  remediations: readonly AnyRemediation[],
  evaluators: readonly EvaluatorDescriptor[],
): { rules: PlannedRule[]; unmatched: string[] } {
  const rules: PlannedRule[] = [];
  const unmatched: string[] = [];
  for (const r of remediations) {
    const custom = evaluators.filter((e) => e.remediationId === r.id);
    for (const identifier of r.ruleIdentifiers) {
      const managed = MANAGED_RULES[identifier];
      if (!managed) {
        if (custom.length === 0) unmatched.push(`${r.id}: ${identifier}`);
        continue;
      }
      const name = [`airlock-${managed.defaultName}`, managed.defaultName].find((n) =>
        r.configRuleNames.includes(n),
      );
      if (!name) {
        throw new Error(
          `${r.id}: managed rule ${identifier} needs airlock-${managed.defaultName} or ${managed.defaultName} among its configRuleNames`,
        );
      }
      rules.push({
        name,
        remediationId: r.id,
        resourceType: r.resourceType,
        source: { kind: 'managed', identifier, rule: managed },
      });
    }
    for (const evaluator of custom) {
      if (!r.configRuleNames.includes(evaluator.ruleName)) {
        throw new Error(
          `evaluator ${evaluator.id}: rule ${evaluator.ruleName} is not among ${r.id}'s configRuleNames`,
        );
      }
      if (evaluator.resourceType !== r.resourceType) {
        throw new Error(
          `evaluator ${evaluator.id}: resource type ${evaluator.resourceType} is not ${r.resourceType}`,
        );
      }
      rules.push({
        name: evaluator.ruleName,
        remediationId: r.id,
        resourceType: r.resourceType,
        source: { kind: 'custom', evaluator },
      });
    }
  }
  for (const e of evaluators) {
    if (!remediations.some((r) => r.id === e.remediationId)) {
      throw new Error(`evaluator ${e.id}: no remediation ${e.remediationId} in the registry`);
    }
  }
  const names = rules.map((r) => r.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`Config rule ${duplicate} would be deployed twice`);
  return { rules, unmatched };
}
