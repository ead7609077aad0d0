import { REMEDIATIONS } from '../functions/registry.js';
import type { AnyRemediation } from '../shared/remediation.js';

/** A custom Config rule's evaluator, as `functions/evaluator-registry.ts` declares it. */
export interface EvaluatorDescriptor {
  /** Folder and bundle name (`dist/<id>/`), function name suffix. */
  readonly id: string;
  /** The Config rule it evaluates (a name among its remediation's configRuleNames). */
  readonly ruleName: string;
  readonly resourceType: string;
  readonly remediationId: string;
  /** IAM actions the evaluator calls (reads, and `config:PutEvaluations`). */
  readonly permissions: readonly string[];
  /** Evaluate on a schedule (`true`), or at this Config frequency. */
  readonly periodic: boolean | string;
  /** Evaluate when a configuration item of the resource type changes. */
  readonly configurationChange: boolean;
}

export interface Registries {
  readonly remediations: readonly AnyRemediation[];
  readonly evaluators: readonly EvaluatorDescriptor[];
}

const EVALUATOR_REGISTRY = '../functions/evaluator-registry.js';

/** True when the registry module itself is missing (not a module it imports). */
function isModuleMissing(error: unknown): boolean {
  const message = (error as { message?: string })?.message ?? '';
  return /(Cannot find module|Failed to load url) ['"]?[^'"\s]*evaluator-registry(\.[jt]s)?['"]?(\s|$)/.test(
    message,
  );
}

/**
 * Everything the stack deploys, read from the registries. The evaluator registry is optional: until
 * it exists the stack deploys the managed rules only (any other error loading it is thrown).
 *
 * @example
 * ```ts
 * const { remediations, evaluators } = await loadRegistries();
 * ```
 */
export async function loadRegistries(): Promise<Registries> {
  let evaluators: readonly EvaluatorDescriptor[] = [];
  try {
    const specifier: string = EVALUATOR_REGISTRY;
    const mod = (await import(specifier)) as { EVALUATORS?: readonly EvaluatorDescriptor[] };
    evaluators = mod.EVALUATORS ?? [];
  } catch (error) {
    if (!isModuleMissing(error)) throw error;
  }
  return { remediations: REMEDIATIONS, evaluators };
}
