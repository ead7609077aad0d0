// Test support: synthesizes the stack once per test file, against stand-in bundles in a temporary
// folder (the infrastructure tests look at the template, not at the code; dist/ may be rebuilt by
// another run at the same moment).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnKey, CfnReplicaKey } from 'aws-cdk-lib/aws-kms';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import type { AirlockFunction } from '../../infra/airlock-function.js';
import { AirlockStack } from '../../infra/airlock-stack.js';
import { type AirlockContext, readRegionalContexts } from '../../infra/context.js';
import { stackNameIn } from '../../infra/names.js';
import { type EvaluatorDescriptor, loadRegistries, type Registries } from '../../infra/registries.js';

/**
 * The context of the README's Deploy example (a test checks they are the same): the platform facts
 * every deployment gives.
 */
export const EXAMPLE_CONTEXT: Readonly<Record<string, string>> = {
  account: '111122223333',
  region: 'eu-west-2',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  privateSubnetIds: 'subnet-0a1b2c3d4e5f60711,subnet-0a1b2c3d4e5f60712',
  privateRouteTableIds: 'rtb-0a1b2c3d4e5f60721,rtb-0a1b2c3d4e5f60722',
  s3PrefixListId: 'pl-7ca54015',
  dynamodbPrefixListId: 'pl-b3a742da',
  podCidrs: '100.64.0.0/16',
  breakGlassRoleArn: 'arn:aws:iam::111122223333:role/airlock-break-glass',
};

/** The organization keys added to the example context in the many-accounts tests. */
export const EXAMPLE_ORGANIZATION: Readonly<Record<string, string>> = {
  organizationId: 'o-a1b2c3d4e5',
  externalId: 'airlock-o-a1b2c3d4e5',
  memberOrganizationalUnitIds: 'ou-ab12-cdef3456',
};

/**
 * The second region of the README's many-regions example (a test checks they are the same): the
 * regions, and eu-central-1's own network.
 */
export const EXAMPLE_REGIONS: Readonly<Record<string, string>> = {
  regions: 'eu-west-2,eu-central-1',
  regionContext: JSON.stringify({
    'eu-central-1': {
      vpcId: 'vpc-0b1c2d3e4f5a60718',
      privateSubnetIds: ['subnet-0b1c2d3e4f5a60711', 'subnet-0b1c2d3e4f5a60712'],
      privateRouteTableIds: ['rtb-0b1c2d3e4f5a60721', 'rtb-0b1c2d3e4f5a60722'],
      s3PrefixListId: 'pl-6ea54007',
      dynamodbPrefixListId: 'pl-66a5400f',
    },
  }),
};

export interface Synthesized {
  readonly app: App;
  readonly stack: AirlockStack;
  readonly template: Template;
  readonly context: AirlockContext;
  readonly registries: Registries;
}

/**
 * The stack as `cdk synth` makes it with the example context and `context` overrides, and extra
 * evaluators (the evaluator path is tested even before the evaluator registry lands).
 */
export async function synthesize(options: { context?: Record<string, unknown> } = {}): Promise<Synthesized> {
  const [primary] = await synthesizeRegions(options);
  return primary!;
}

/**
 * Every regional stack, as `cdk synth` makes them with `regions` (the primary first: `Airlock`, then
 * `Airlock-<region>`), each synthesized in the same app.
 */
export async function synthesizeRegions(
  options: { context?: Record<string, unknown> } = {},
): Promise<Synthesized[]> {
  const loaded = await loadRegistries();
  const registries: Registries = {
    remediations: loaded.remediations,
    evaluators: loaded.evaluators.length ? loaded.evaluators : standInEvaluators(loaded),
  };
  const dist = standInBundles(registries);
  const app = new App({
    context: { 'aws:cdk:disable-stack-trace': true, ...EXAMPLE_CONTEXT, ...options.context },
  });
  const contexts = readRegionalContexts((key) => app.node.tryGetContext(key));
  const documentsDir = join(import.meta.dirname, '..', '..', 'ssm-documents');
  const stacks: AirlockStack[] = [];
  for (const context of contexts) {
    stacks.push(
      new AirlockStack(app, stackNameIn(context.region, context.regions), {
        context,
        registries,
        distDir: dist,
        documentsDir,
        ...(stacks[0] ? { primary: stacks[0] } : {}),
      }),
    );
  }
  return stacks.map((stack, i) => ({
    app,
    stack,
    template: Template.fromStack(stack),
    context: contexts[i]!,
    registries,
  }));
}

/** One stand-in bundle per function, in a temporary folder. */
function standInBundles(registries: Registries): string {
  const dist = mkdtempSync(join(tmpdir(), 'airlock-dist-'));
  for (const id of [
    ...registries.remediations.map((r) => r.id),
    ...registries.evaluators.map((e) => e.id),
    'sweep',
    'import-findings',
  ]) {
    mkdirSync(join(dist, id), { recursive: true });
    writeFileSync(join(dist, id, 'index.mjs'), `export const handler = async () => '${id}';\n`);
  }
  return dist;
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
  return loaded.remediations.flatMap((r) =>
    (r.configRules.custom ?? []).map((rule) => ({
      id: rule.evaluator,
      ruleName: rule.name,
      resourceType: r.resourceType,
      remediationId: r.id,
      permissions: [...r.permissions.read, 'config:PutEvaluations'],
      periodic: rule.periodic,
      configurationChange: rule.configurationChange,
    })),
  );
}

/**
 * A template value as text: `{ Ref: 'X' }` -> `<X>`, `{ 'Fn::GetAtt': ['X', 'Arn'] }` -> `<X.Arn>`, joins
 * joined, so that values naming resources CloudFormation names can be compared and parsed.
 */
export function flattenReferences(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return `<${v.Ref}>`;
    if (Array.isArray(v['Fn::GetAtt'])) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(flattenReferences).join(separator);
    }
  }
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/**
 * A function's environment as its template gives it, references flattened (`<LogicalId>`); a KMS
 * key's ARN as a key ARN in the stack's account and region whose key id is the logical id (the
 * settings loader checks the form of a key ARN).
 */
export function environmentOf(stack: AirlockStack, fn: AirlockFunction): Record<string, string> {
  const environment = stack.resolve(
    (fn.fn.node.defaultChild as unknown as { environment: unknown }).environment,
  ) as {
    variables: Record<string, unknown>;
  };
  const keys = new Set(
    stack.node
      .findAll()
      .filter((c) => c instanceof CfnKey || c instanceof CfnReplicaKey)
      .map((c) => stack.resolve(stack.getLogicalId(c as CfnKey)) as string),
  );
  const partition = RegionInfo.get(stack.region).partition ?? 'aws';
  const flatten = (value: unknown): string => {
    const ref = (value as { 'Fn::GetAtt'?: [string, string] } | null)?.['Fn::GetAtt'];
    if (ref && ref[1] === 'Arn' && keys.has(ref[0])) {
      return `arn:${partition}:kms:${stack.region}:${stack.account}:key/${ref[0]}`;
    }
    return flattenReferences(value);
  };
  return Object.fromEntries(Object.entries(environment.variables).map(([k, v]) => [k, flatten(v)]));
}

/** A policy statement as a synthesized template holds it (an identity, key, bucket or endpoint policy). */
export interface StatementJson {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A template value that is one item or a list (`Action`, `Resource`), as a list. */
export const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
