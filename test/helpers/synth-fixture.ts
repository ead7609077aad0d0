// Test support: synthesizes the stack once per test file, against stand-in bundles in a temporary
// folder (the infrastructure tests look at the template, not at the code; dist/ may be rebuilt by
// another run at the same moment).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AirlockStack } from '../../infra/airlock-stack.js';
import { MANAGED_RULES } from '../../infra/config-rules.js';
import { type AirlockContext, readContext } from '../../infra/context.js';
import { type EvaluatorDescriptor, loadRegistries, type Registries } from '../../infra/registries.js';

export interface Synthesized {
  readonly app: App;
  readonly stack: AirlockStack;
  readonly template: Template;
  readonly context: AirlockContext;
  readonly registries: Registries;
}

/**
 * The stack as `cdk synth` makes it, with context overrides and extra evaluators (the evaluator path
 * is tested even before the evaluator registry lands).
 */
export async function synthesize(options: { context?: Record<string, unknown> } = {}): Promise<Synthesized> {
  const loaded = await loadRegistries();
  const registries: Registries = {
    remediations: loaded.remediations,
    evaluators: loaded.evaluators.length ? loaded.evaluators : standInEvaluators(loaded),
  };
  const dist = mkdtempSync(join(tmpdir(), 'airlock-dist-'));
  for (const id of [
    ...registries.remediations.map((r) => r.id),
    ...registries.evaluators.map((e) => e.id),
    'sweep',
  ]) {
    mkdirSync(join(dist, id), { recursive: true });
    writeFileSync(join(dist, id, 'index.mjs'), `export const handler = async () => '${id}';\n`);
  }
  const app = new App({ context: { 'aws:cdk:disable-stack-trace': true, ...options.context } });
  const context = readContext((key) => app.node.tryGetContext(key), {});
  const stack = new AirlockStack(app, 'Airlock', {
    context,
    registries,
    distDir: dist,
    documentsDir: join(import.meta.dirname, '..', '..', 'ssm-documents'),
  });
  return { app, stack, template: Template.fromStack(stack), context, registries };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(
  stack: AirlockStack,
  resource: { node: { defaultChild?: unknown } } | object,
): string {
  const child = (resource as { node: { defaultChild?: unknown } }).node.defaultChild ?? resource;
  return stack.getLogicalId(child as never);
}

/**
 * Until the evaluator registry exists, one stand-in evaluator per custom rule identifier, so that
 * the custom-rule path of the stack is tested all the same.
 */
function standInEvaluators(loaded: Registries): EvaluatorDescriptor[] {
  return loaded.remediations
    .filter((r) => r.ruleIdentifiers.some((i) => !(i in MANAGED_RULES)))
    .map((r) => ({
      id: `evaluate-${r.id}`,
      ruleName: r.configRuleNames[0]!,
      resourceType: r.resourceType,
      remediationId: r.id,
      permissions: [...r.permissions.read, 'config:PutEvaluations'],
      periodic: 'TwentyFour_Hours',
      configurationChange: true,
    }));
}
