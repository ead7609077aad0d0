import type { Logger } from '@aws-lambda-powertools/logger';
import type { MaximumExecutionFrequency } from '@aws-sdk/client-config-service';
import type { ClientCtor, SdkClient } from './clients.js';
import type { CloudTrailTrigger } from './cloudtrail.js';
import { actionsFor, allActions, type IamFacts } from './iam.js';
import type { ResourceKind } from './resource-kind.js';
import type { Schema } from './zod.js';

/**
 * One step of a plan: exactly one AWS write call.
 *
 * `action` is the IAM action (`ec2:RevokeSecurityGroupIngress`), which also names the API call;
 * `input` is the SDK command input, typed by the remediation with the SDK's own `…CommandInput`.
 *
 * @example
 * ```ts
 * const step: Step<RevokeSecurityGroupIngressCommandInput> = {
 *   action: 'ec2:RevokeSecurityGroupIngress',
 *   input: { GroupId: 'sg-0123456789abcdef0', SecurityGroupRuleIds: ['sgr-0abc'] },
 *   reason: 'tcp 22 open to 0.0.0.0/0',
 *   before: { SecurityGroupRuleId: 'sgr-0abc', CidrIpv4: '0.0.0.0/0', FromPort: 22, ToPort: 22 },
 * };
 * ```
 */
export interface Step<I = unknown> {
  /** IAM action, `service:ApiName`. */
  readonly action: string;
  /** The API call, when its name differs from the IAM action's (`s3:PutBucketPublicAccessBlock` -> `PutPublicAccessBlock`). */
  readonly api?: string;
  /** The SDK command input sent as is. */
  readonly input: I;
  /** Why this step is needed, in words an analyst understands. */
  readonly reason: string;
  /** What the step removes or changes, as it was: the undo information. */
  readonly before?: unknown;
}

/** A plan is data, never an exception: nothing to do, cannot act now, or a list of steps. */
export type Plan<S extends Step = Step> =
  | { readonly kind: 'noop'; readonly reason: string; readonly notes?: readonly string[] }
  | { readonly kind: 'skip'; readonly reason: string; readonly notes?: readonly string[] }
  | { readonly kind: 'steps'; readonly steps: readonly S[]; readonly notes?: readonly string[] };

/** What `describe` returns when the resource does not exist (any more). */
export const GONE = Symbol.for('airlock.gone');
export type Gone = typeof GONE;

/** Result of sending one step. `already-done` is an error that means the step's effect holds. */
export interface StepOutcome {
  readonly status: 'applied' | 'already-done';
  readonly output?: unknown;
}

/** What a remediation gets to do its work: clients for the event's account and region. */
export interface RemediationContext {
  /** A client for the event's account and region: `ctx.client(EC2Client)`. */
  client<C extends SdkClient>(ctor: ClientCtor<C>): C;
  readonly region: string;
  readonly accountId: string;
  readonly logger: Logger;
}

/**
 * How a remediation enumerates every resource of its kind in one account and region (`airlock
 * scan`), with the kind's list call and the SDK's paginator. Read-only; run with the operator's
 * credentials, never granted to a function.
 *
 * @example
 * ```ts
 * const lister: ResourceLister = {
 *   actions: ['ec2:DescribeSecurityGroups'],
 *   async *ids(ctx) {
 *     const pages = paginateDescribeSecurityGroups({ client: ctx.client(EC2Client), pageSize: 1000 }, {});
 *     for await (const page of pages) for (const g of page.SecurityGroups ?? []) if (g.GroupId) yield g.GroupId;
 *   },
 * };
 * ```
 */
export interface ResourceLister {
  /** The IAM read actions `ids` calls, each declared with its resources in the remediation's permissions.ts. */
  readonly actions: readonly string[];
  /** Every resource id of the kind in the context's account and region, page after page. */
  ids(ctx: RemediationContext): AsyncIterable<string>;
}

/** The AWS services a remediation talks to; the pipeline builds only these clients. */
export type ServiceName = 'ec2' | 's3' | 'eks' | 'config' | 'ssm' | 'dynamodb' | 'sts';

/** How a managed rule is triggered (AWS Config Developer Guide, "Trigger type"). */
export type ManagedTrigger = 'change' | 'periodic' | 'change-and-periodic';

/** An AWS managed Config rule a remediation answers, as the AWS Config Developer Guide documents it. */
export interface ManagedConfigRule {
  /** The source identifier (`INCOMING_SSH_DISABLED`). */
  readonly identifier: string;
  /** The name AWS gives the rule when enabled from the console; airlock deploys `airlock-<name>`. */
  readonly defaultName: string;
  /** Resource types it evaluates; null for periodic rules that report without a scope. */
  readonly resourceTypes: readonly string[] | null;
  readonly trigger: ManagedTrigger;
}

/** A custom Config rule of ours: its evaluator decides compliance with the remediation's own plan. */
export interface CustomConfigRule {
  /** Our identifier for it (`AIRLOCK_PRIVATE_ROUTE_TABLE_NO_INTERNET_ROUTE`). */
  readonly identifier: string;
  /** The rule's name as deployed. */
  readonly name: string;
  /** The evaluator function's folder and id (`evaluate-route-tables`). */
  readonly evaluator: string;
  /** How often Config runs the periodic evaluation. */
  readonly periodic: MaximumExecutionFrequency;
  /** Whether configuration changes of the resource type trigger an evaluation too. */
  readonly configurationChange: boolean;
}

/** The Config rules whose NON_COMPLIANT results a remediation acts on. */
export interface ConfigRules {
  readonly managed?: readonly ManagedConfigRule[];
  readonly custom?: readonly CustomConfigRule[];
}

/**
 * What a remediation module declares (`functions/<id>/index.ts`): every fact about itself and its
 * code. The same small shape for each of them, so a new one is written without touching shared code,
 * infra or tests: the pipeline only ever calls these members, and the stack, the SSM documents and
 * the registry-wide tests read these facts.
 */
export interface RemediationDefinition<State = unknown, Settings = unknown, S extends Step = Step> {
  /** One name for everything: folder, SSM document, CDK construct id, logger service. */
  readonly id: string;
  readonly title: string;
  /** The resource kind it acts on: Config resource type, id format, example id. */
  readonly resourceKind: ResourceKind;
  /** The Config rules (managed, with their metadata, and custom) that detect the violation. */
  readonly configRules: ConfigRules;
  readonly services: readonly ServiceName[];
  /** IAM actions by use (read, write per setting, undo) and the resources each acts on. */
  readonly iam: IamFacts<Settings>;
  /** The remediation's own settings, with defaults; rejects unknown keys. */
  readonly settingsSchema: Schema<Settings>;
  /** Error codes that mean "already done" when sending a step. */
  readonly alreadyDoneErrors: readonly string[];
  /** Error codes that mean "cannot act now, retry later" (the record says why). */
  readonly retryLaterErrors?: readonly string[];
  /**
   * Optional: errors that mean "already done" but cannot be told by code alone (EKS: InvalidParameterException
   * "already at the desired configuration").
   */
  alreadyDone?(error: unknown): boolean;
  /** Current state, read live; GONE when the resource does not exist. Settings may narrow what is read. */
  describe(resourceId: string, ctx: RemediationContext, settings: Settings): Promise<State | Gone>;
  /** Pure: state + settings -> plan. No SDK client, no logger, no clock, no env. */
  plan(state: State, settings: Settings): Plan<S>;
  /** Send exactly one SDK write command for the step. */
  apply(step: S, ctx: RemediationContext): Promise<unknown>;
  /** The inverse steps of a step, from what the step kept in `before`. */
  undo(step: S): readonly S[];
  /**
   * The id of the resource a step (or an undo step) acts on, read from its input (`GroupId`,
   * `Bucket`...); undefined when the input names none. A rollback refuses an undo step whose target
   * is not the record's resource. Written with {@link inputString}: a step rebuilt from a record may
   * hold anything.
   */
  targetOf(step: S): string | undefined;
  /**
   * Optional: why undoing `step` now would conflict with the resource's current state (it changed
   * since the remediation); a rollback refuses with this message unless forced. Pure.
   */
  undoConflict?(state: State | Gone, step: S): string | undefined;
  /** Optional: the part of the state worth keeping in the audit record (default: the state). */
  summarize?(state: State): unknown;
  /** Optional: how `airlock scan` enumerates every resource of the kind in an account and region. */
  readonly list?: ResourceLister;
  /**
   * Optional: the API calls that can create the violation and how to find the resource in them
   * (the fast path: "AWS API Call via CloudTrail" events, about a minute after the call).
   */
  readonly cloudTrail?: CloudTrailTrigger;
}

/** A remediation module: its definition, with the facts derived from it that callers read. */
export interface Remediation<State = unknown, Settings = unknown, S extends Step = Step>
  extends RemediationDefinition<State, Settings, S> {
  /** The Config resource type this remediation acts on (`resourceKind.type`). */
  readonly resourceType: string;
  /** The identifiers of its Config rules, managed and custom. */
  readonly ruleIdentifiers: readonly string[];
  /**
   * Config rule names whose events it accepts by default: each managed rule's default name, then each
   * as airlock deploys it (`airlock-<default name>`), then each custom rule's name.
   */
  readonly configRuleNames: readonly string[];
  /**
   * The function's actions over every setting (the member role, docs). A function's own role holds
   * `permissionsFor(its settings)`; undo-only actions are in neither.
   */
  readonly permissions: { readonly read: readonly string[]; readonly write: readonly string[] };
  /** The read and write actions the function needs in these (parsed) settings. */
  permissionsFor(settings: Settings): { readonly read: readonly string[]; readonly write: readonly string[] };
  /** The actions `undo` steps call: what an operator's rollback needs. */
  readonly undoPermissions: readonly string[];
}

/** Any remediation, for registries and the pipeline. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds remediations of different state types
export type AnyRemediation = Remediation<any, any, Step<any>>;

/** The API name of a step's IAM action: `ec2:RevokeSecurityGroupIngress` -> `RevokeSecurityGroupIngress`. */
export function apiName(action: string, api?: string): string {
  if (api) return api;
  const at = action.indexOf(':');
  return at === -1 ? action : action.slice(at + 1);
}

/**
 * Types a remediation's definition and derives the facts callers read from it (resource type, rule
 * identifiers and names, permissions over every setting and per setting, undo permissions).
 *
 * @example
 * ```ts
 * export const revokeOpenSsh = defineRemediation<SecurityGroupState, RevokeOpenSshSettings, SshStep>({
 *   id: 'revoke-open-ssh', resourceKind: securityGroupKind, configRules: { managed: [INCOMING_SSH_DISABLED] },
 *   iam: revokeOpenSshIam, ...
 * });
 * ```
 */
export function defineRemediation<State, Settings, S extends Step>(
  definition: RemediationDefinition<State, Settings, S>,
): Remediation<State, Settings, S> {
  const managed = definition.configRules.managed ?? [];
  const custom = definition.configRules.custom ?? [];
  return {
    ...definition,
    resourceType: definition.resourceKind.type,
    ruleIdentifiers: [...managed.map((m) => m.identifier), ...custom.map((c) => c.identifier)],
    configRuleNames: [
      ...managed.map((m) => m.defaultName),
      ...managed.map((m) => `airlock-${m.defaultName}`),
      ...custom.map((c) => c.name),
    ],
    permissions: allActions(definition.iam),
    permissionsFor: (settings) => actionsFor(definition.iam, settings),
    undoPermissions: [...definition.iam.undo],
  };
}

/**
 * The custom Config rule a remediation declares for this evaluator: the evaluator module reads its
 * rule name and triggers from here, so the remediation states them once.
 *
 * @example
 * ```ts
 * const rule = customRuleOf(stripInternetRoutes, 'evaluate-route-tables');
 * rule.name; // 'airlock-private-route-tables-no-internet-route'
 * ```
 */
export function customRuleOf(
  remediation: Pick<RemediationDefinition, 'id' | 'configRules'>,
  evaluator: string,
): CustomConfigRule {
  const rule = remediation.configRules.custom?.find((c) => c.evaluator === evaluator);
  if (!rule) throw new Error(`${remediation.id} declares no custom Config rule evaluated by ${evaluator}`);
  return rule;
}

/**
 * A string member of a step's input, or undefined (the input of a step rebuilt from an audit record
 * is untyped: anything may be there).
 *
 * @example
 * ```ts
 * inputString({ action: 'ec2:RevokeSecurityGroupIngress', input: { GroupId: 'sg-0abc' }, reason: '' }, 'GroupId'); // 'sg-0abc'
 * ```
 */
export function inputString(step: Pick<Step, 'input'>, field: string): string | undefined {
  const input = step.input;
  if (!input || typeof input !== 'object') return undefined;
  const value = (input as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}
