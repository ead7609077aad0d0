/**
 * Least privilege, derived from the registries: each function's role holds exactly the actions its
 * descriptor declares for its settings plus the fixed set the shared pipeline needs, each scoped to the
 * narrowest resource the action's API allows (as the descriptor declares it). No wildcard actions anywhere.
 */
import { REMEDIATIONS } from '../functions/registry.js';
import { type ActionResources, ANY_RESOURCE, type ArnPattern } from '../shared/iam.js';
import type { AnyRemediation } from '../shared/remediation.js';

/** What every remediation function needs around its own work: the shared pipeline and its runtime. */
export const PIPELINE_ACTIONS = {
  /** Idempotency records (Powertools) and the blast-radius counters, in the airlock table. */
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** One audit object per record under the audit prefix (never read, never deleted). */
  audit: ['s3:PutObject'],
  /** The settings override and the exemption register. */
  parameters: ['ssm:GetParameter'],
  /** The airlock key encrypts the table, the audit bucket and the dead-letter queue. */
  key: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  /** One signature per audit record, with the signing key (`AIRLOCK_SIGNING_KEY`). */
  sign: ['kms:Sign'],
  /** The on-failure destination: Lambda sends the failed event with the function's own role. */
  deadLetter: ['sqs:SendMessage'],
  /**
   * The source of a rule matched by an AWS naming convention (`OrgConfigRule-…`), read in the
   * event's account (`shared/pipeline/confirm-rule.ts`): here, or through the member role.
   */
  ruleSource: ['config:DescribeConfigRules'],
} as const;

/** What every function in the VPC needs to run at all: its log stream and its network interfaces. */
export const RUNTIME_ACTIONS = {
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  vpc: [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ],
} as const;

/** The fixed actions of a remediation function's role, beside its descriptor's read + write. */
export const REMEDIATION_FIXED_ACTIONS: readonly string[] = [
  ...Object.values(PIPELINE_ACTIONS).flat(),
  ...Object.values(RUNTIME_ACTIONS).flat(),
];

/**
 * The fixed actions of an evaluator's role: the runtime, and the dead-letter queue (it writes no audit
 * record and reads no settings parameter: it only reports to Config).
 */
export const EVALUATOR_FIXED_ACTIONS: readonly string[] = [
  ...Object.values(RUNTIME_ACTIONS).flat(),
  ...PIPELINE_ACTIONS.deadLetter,
  'kms:Decrypt',
  'kms:GenerateDataKey',
];

/**
 * Actions beside EC2's `Describe*` whose only resource AWS documents as `*` (Service Authorization
 * Reference): Config's reporting calls, and listings.
 */
const STAR_ONLY_OTHERS: ReadonlySet<string> = new Set([
  'config:PutEvaluations',
  'config:DescribeConfigRules',
  'config:GetResourceConfigHistory',
  'eks:ListClusters',
  's3:ListAllMyBuckets',
  'sts:GetCallerIdentity',
]);

/**
 * True when AWS documents `*` as the action's only resource: every EC2 `Describe*` (EC2 supports no
 * resource-level permission on them), and a few others. Only such an action is ever granted on `*`.
 *
 * @example
 * ```ts
 * isStarOnlyAction('ec2:DescribeRouteTables'); // true
 * isStarOnlyAction('ec2:DeleteRoute'); // false
 * ```
 */
export function isStarOnlyAction(action: string): boolean {
  return /^ec2:Describe[A-Z]/.test(action) || STAR_ONLY_OTHERS.has(action);
}

/** Where the functions act: the account and region of the deployment. */
export interface Scope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** The parameters a function may read: the settings override (and, for remediations, the exemptions). */
  readonly parameters?: readonly string[];
}

/** An action's resources as a policy statement takes them. */
export interface ScopedResources {
  resources: string[];
  condition?: Record<string, unknown>;
}

/**
 * Every action the remediations declare, with its resources (`iam.resources` of each descriptor). An
 * action two remediations declare must be declared alike.
 *
 * @example
 * ```ts
 * declaredResources(REMEDIATIONS).get('ec2:DeleteRoute'); // { arns: [{ service: 'ec2', resource: 'route-table/*', scope: 'account' }] }
 * ```
 */
export function declaredResources(remediations: readonly AnyRemediation[]): Map<string, ActionResources> {
  const declared = new Map<string, ActionResources>();
  for (const r of remediations) {
    for (const [action, resources] of Object.entries(r.iam.resources)) {
      const known = declared.get(action);
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(resources)) {
        throw new Error(`${r.id}: ${action} is declared with other resources by another remediation`);
      }
      declared.set(action, resources);
    }
  }
  return declared;
}

const DECLARED = declaredResources(REMEDIATIONS);

/** An ARN pattern of a descriptor, in this partition, region and account. */
function arnOf(p: ArnPattern, s: Scope): string {
  switch (p.scope) {
    case 'account':
      return `arn:${s.partition}:${p.service}:${s.region}:${s.account}:${p.resource}`;
    case 'any-account':
      return `arn:${s.partition}:${p.service}:${s.region}:*:${p.resource}`;
    case 'global':
      return `arn:${s.partition}:${p.service}:::${p.resource}`;
  }
}

function render(action: string, declared: ActionResources, s: Scope): ScopedResources {
  if (declared === ANY_RESOURCE) {
    if (!isStarOnlyAction(action)) {
      throw new Error(
        `${action} is declared on "*", but AWS documents resource types for it: declare its ARNs`,
      );
    }
    return { resources: ['*'] };
  }
  const resources = declared.arns.map((p) => arnOf(p, s));
  if (!declared.accountConditionKey) return { resources };
  return { resources, condition: { StringEquals: { [declared.accountConditionKey]: s.account } } };
}

/**
 * The narrowest resources an action of a remediation or evaluator may act on: what the remediation
 * declares (`iam.resources` in `functions/<id>/`), else the fixed actions infra grants itself (Config
 * reporting, the settings parameter, `*`-only actions). Resource ids are not known at deploy time
 * (Config names them at run time), so a remediation's actions are scoped to the resource type in this
 * account and region; S3 bucket ARNs carry no account, so S3 actions carry an `s3:ResourceAccount`
 * condition instead.
 *
 * @example
 * ```ts
 * resourcesFor('ec2:DeleteRoute', { partition: 'aws', account: '111122223333', region: 'eu-west-2' });
 * // { resources: ['arn:aws:ec2:eu-west-2:111122223333:route-table/*'] }
 * ```
 */
export function resourcesFor(action: string, s: Scope): ScopedResources {
  const declared = DECLARED.get(action);
  if (declared !== undefined) return render(action, declared, s);
  if (isStarOnlyAction(action)) return { resources: ['*'] };
  if (action === 'config:GetComplianceDetailsByConfigRule') {
    // rule ARNs carry an id Config assigns at creation, not the name: the type is the narrowest
    return { resources: [`arn:${s.partition}:config:${s.region}:${s.account}:config-rule/*`] };
  }
  if (action === 'ssm:GetParameter' && s.parameters?.length) return { resources: [...s.parameters] };
  throw new Error(
    `no resource scope known for ${action}: declare it in its remediation's iam.resources (functions/<id>/permissions.ts)`,
  );
}

/**
 * The exact actions of a remediation function in these settings (the deployment's, as the stack passes
 * them in `AIRLOCK_REMEDIATIONS`): its reads, and the writes its plans can produce in them. Undo-only
 * actions are never among them (a rollback runs with the operator's credentials).
 *
 * @example
 * ```ts
 * functionActions(revokeOpenSsh, {}); // [...reads, 'ec2:RevokeSecurityGroupIngress']
 * functionActions(revokeOpenSsh, { portRangePolicy: 'reauthorize-remainder' }); // ... + 'ec2:AuthorizeSecurityGroupIngress'
 * ```
 */
export function functionActions(remediation: AnyRemediation, settings: unknown = {}): string[] {
  let parsed: unknown;
  try {
    parsed = remediation.settingsSchema.parse(settings ?? {});
  } catch (cause) {
    throw new Error(`${remediation.id}: its settings are invalid`, { cause });
  }
  const { read, write } = remediation.permissionsFor(parsed);
  return [...new Set([...read, ...write])];
}
