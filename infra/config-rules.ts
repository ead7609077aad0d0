import { REMEDIATIONS } from '../functions/registry.js';
import type { AnyRemediation, CustomConfigRule, ManagedConfigRule } from '../shared/remediation.js';
import type { EvaluatorDescriptor } from './registries.js';

export type { ManagedTrigger } from '../shared/remediation.js';

/** A managed rule's metadata, as its remediation declares it (AWS Config Developer Guide). */
export type ManagedRule = Omit<ManagedConfigRule, 'identifier'>;

/**
 * The AWS managed rules of these remediations, by source identifier. One identifier declared twice
 * must carry the same metadata.
 *
 * @example
 * ```ts
 * managedRulesOf(REMEDIATIONS).INCOMING_SSH_DISABLED?.defaultName; // 'restricted-ssh'
 * ```
 */
export function managedRulesOf(remediations: readonly AnyRemediation[]): Record<string, ManagedRule> {
  const rules: Record<string, ManagedRule> = {};
  for (const r of remediations) {
    for (const { identifier, ...rule } of r.configRules.managed ?? []) {
      const known = rules[identifier];
      if (known && JSON.stringify(known) !== JSON.stringify(rule)) {
        throw new Error(`${r.id}: managed rule ${identifier} is declared with other metadata elsewhere`);
      }
      rules[identifier] = rule;
    }
  }
  return rules;
}

/**
 * The AWS managed rules the registered remediations answer to, by source identifier: each
 * remediation declares its own, with name, resource types and trigger (`functions/<id>/index.ts`).
 */
export const MANAGED_RULES: Readonly<Record<string, ManagedRule>> = managedRulesOf(REMEDIATIONS);

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
 * The Config rules to deploy, from the registries: for each remediation, each managed rule it declares
 * (named after one of its configRuleNames: `airlock-<default name>` first, else the default name), and
 * each custom rule it declares whose evaluator is registered. A custom rule without a registered
 * evaluator is reported in `unmatched` (its remediation is still deployed: its events can come from a
 * rule the platform runs).
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
  for (const e of evaluators) {
    const r = remediations.find((x) => x.id === e.remediationId);
    if (!r) throw new Error(`evaluator ${e.id}: no remediation ${e.remediationId} in the registry`);
    if (!r.configRules.custom?.some((c) => c.evaluator === e.id)) {
      throw new Error(`evaluator ${e.id}: ${r.id} declares no custom Config rule evaluated by it`);
    }
  }
  const rules: PlannedRule[] = [];
  const unmatched: string[] = [];
  for (const r of remediations) {
    for (const { identifier, ...managed } of r.configRules.managed ?? []) {
      rules.push({
        name: managedRuleName(r, identifier, managed),
        remediationId: r.id,
        resourceType: r.resourceType,
        source: { kind: 'managed', identifier, rule: managed },
      });
    }
    for (const custom of r.configRules.custom ?? []) {
      const evaluator = evaluators.find((e) => e.id === custom.evaluator);
      if (!evaluator) {
        unmatched.push(`${r.id}: ${custom.identifier}`);
        continue;
      }
      checkEvaluator(r, custom, evaluator);
      rules.push({
        name: custom.name,
        remediationId: r.id,
        resourceType: r.resourceType,
        source: { kind: 'custom', evaluator },
      });
    }
  }
  const names = rules.map((r) => r.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`Config rule ${duplicate} would be deployed twice`);
  return { rules, unmatched };
}

/** The deployed name of a managed rule: `airlock-<default name>` or the default name, whichever the remediation listens to. */
function managedRuleName(r: AnyRemediation, identifier: string, managed: ManagedRule): string {
  const name = [`airlock-${managed.defaultName}`, managed.defaultName].find((n) =>
    r.configRuleNames.includes(n),
  );
  if (!name) {
    throw new Error(
      `${r.id}: managed rule ${identifier} needs airlock-${managed.defaultName} or ${managed.defaultName} among its configRuleNames`,
    );
  }
  return name;
}

/** An evaluator must evaluate the rule its remediation declares, on the remediation's resource type. */
function checkEvaluator(r: AnyRemediation, custom: CustomConfigRule, evaluator: EvaluatorDescriptor): void {
  if (evaluator.remediationId !== r.id) {
    throw new Error(`evaluator ${evaluator.id}: decides for ${evaluator.remediationId}, not ${r.id}`);
  }
  if (evaluator.ruleName !== custom.name) {
    throw new Error(
      `evaluator ${evaluator.id}: rule ${evaluator.ruleName} is not ${custom.name}, the rule ${r.id} declares`,
    );
  }
  if (evaluator.resourceType !== r.resourceType) {
    throw new Error(
      `evaluator ${evaluator.id}: resource type ${evaluator.resourceType} is not ${r.resourceType}`,
    );
  }
}
