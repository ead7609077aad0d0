import type { MaximumExecutionFrequency } from '@aws-sdk/client-config-service';
import type { ConfigRuleEvaluator } from '../shared/config-rule-evaluator.js';
import { evaluateRouteTables } from './evaluate-route-tables/evaluate.js';
import { evaluateSecurityGroups } from './evaluate-security-groups/evaluate.js';
import { evaluateTgwRoutes } from './evaluate-tgw-routes/evaluate.js';

/** What the CDK app and the registry-wide tests need to know of a custom Config rule evaluator. */
export interface EvaluatorDescriptor {
  /** Folder, Lambda and logger name. */
  readonly id: string;
  /** The Config rule's name as deployed. */
  readonly ruleName: string;
  readonly resourceType: string;
  /** The remediation whose plan decides compliance (and which acts on NON_COMPLIANT results). */
  readonly remediationId: string;
  /** Exactly the IAM actions the evaluator calls. */
  readonly permissions: readonly string[];
  /** How often Config runs the periodic evaluation. */
  readonly periodic: MaximumExecutionFrequency;
  /** Whether configuration changes of the resource type trigger an evaluation too. */
  readonly configurationChange: boolean;
}

/** The descriptor of an evaluator module. */
export function describeEvaluator(evaluator: ConfigRuleEvaluator): EvaluatorDescriptor {
  return {
    id: evaluator.id,
    ruleName: evaluator.ruleName,
    resourceType: evaluator.resourceType,
    remediationId: evaluator.remediation.id,
    permissions: evaluator.permissions,
    periodic: evaluator.periodic,
    configurationChange: evaluator.configurationChange,
  };
}

/** The evaluator modules themselves (handlers, tests). */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds evaluators of different state types
export const EVALUATOR_MODULES: readonly ConfigRuleEvaluator<any, any>[] = [
  evaluateRouteTables,
  evaluateTgwRoutes,
  evaluateSecurityGroups,
];

/**
 * Every custom Config rule evaluator airlock ships. The CDK app deploys one Lambda and one custom
 * rule per entry and grants exactly its permissions.
 */
export const EVALUATORS: readonly EvaluatorDescriptor[] = EVALUATOR_MODULES.map(describeEvaluator);
