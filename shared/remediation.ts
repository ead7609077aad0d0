import type { Logger } from '@aws-lambda-powertools/logger';
import type { ClientCtor, SdkClient } from './clients.js';
import type { CloudTrailTrigger } from './cloudtrail.js';
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

/** The AWS services a remediation talks to; the pipeline builds only these clients. */
export type ServiceName = 'ec2' | 's3' | 'eks' | 'config' | 'ssm' | 'dynamodb' | 'sts';

/**
 * A remediation module. The same small shape for each of them, so a new one is written without
 * touching shared code: the pipeline only ever calls these members.
 */
export interface Remediation<State = unknown, Settings = unknown, S extends Step = Step> {
  /** One name for everything: folder, SSM document, CDK construct id, logger service. */
  readonly id: string;
  readonly title: string;
  /** The Config resource type this remediation acts on (`AWS::EC2::SecurityGroup`). */
  readonly resourceType: string;
  /** Managed rule identifiers (or our custom rules) that detect the violation. */
  readonly ruleIdentifiers: readonly string[];
  /** Config rule names, as deployed, whose events this remediation accepts by default. */
  readonly configRuleNames: readonly string[];
  readonly services: readonly ServiceName[];
  /** IAM actions, split by use: describe (read) and apply (write). Least privilege is derived from this. */
  readonly permissions: { readonly read: readonly string[]; readonly write: readonly string[] };
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
   * Optional: why undoing `step` now would conflict with the resource's current state (it changed
   * since the remediation); a rollback refuses with this message unless forced. Pure.
   */
  undoConflict?(state: State | Gone, step: S): string | undefined;
  /** Optional: the part of the state worth keeping in the audit record (default: the state). */
  summarize?(state: State): unknown;
  /**
   * Optional: the API calls that can create the violation and how to find the resource in them
   * (the fast path: "AWS API Call via CloudTrail" events, about a minute after the call).
   */
  readonly cloudTrail?: CloudTrailTrigger;
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

/** Helper that types a remediation descriptor without widening it. */
export function defineRemediation<State, Settings, S extends Step>(
  r: Remediation<State, Settings, S>,
): Remediation<State, Settings, S> {
  return r;
}
