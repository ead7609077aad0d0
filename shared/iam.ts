/**
 * The IAM facts of a remediation, declared next to its code: the actions it calls, in which settings,
 * what undo calls, and the resources each action acts on. The CDK stack grants a function exactly
 * the actions of its configured settings, each on the resources declared here; undo runs with the
 * operator's credentials (`airlock rollback`), so undo-only actions are never granted to a function.
 *
 * @example
 * ```ts
 * const iam: IamFacts<RevokeOpenSshSettings> = {
 *   read: ['ec2:DescribeSecurityGroupRules'],
 *   write: [
 *     'ec2:RevokeSecurityGroupIngress',
 *     { action: 'ec2:AuthorizeSecurityGroupIngress', when: (s) => s.portRangePolicy === 'reauthorize-remainder' },
 *   ],
 *   undo: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
 *   resources: {
 *     'ec2:DescribeSecurityGroupRules': ANY_RESOURCE,
 *     'ec2:RevokeSecurityGroupIngress': inAccount('ec2', 'security-group/*', 'security-group-rule/*'),
 *     'ec2:AuthorizeSecurityGroupIngress': inAccount('ec2', 'security-group/*', 'security-group-rule/*'),
 *   },
 * };
 * ```
 */
export interface IamFacts<Settings> {
  /** What `describe` calls, whatever the settings. */
  readonly read: readonly string[];
  /** What the plans can produce: an action, or an action needed only in some settings. */
  readonly write: readonly (string | WriteAction<Settings>)[];
  /** What `undo` steps call (the operator's rollback, never the function). */
  readonly undo: readonly string[];
  /** Where each action above acts: every action once. */
  readonly resources: Readonly<Record<string, ActionResources>>;
}

/** A write action the plans produce only in some settings. */
export interface WriteAction<Settings> {
  readonly action: string;
  /** True for the (parsed) settings in which a plan can produce the action. */
  readonly when: (settings: Settings) => boolean;
}

/** `*`: the action supports no resource-level permission (the Service Authorization Reference lists "*" only). */
export const ANY_RESOURCE = '*';

/**
 * Where the resources of an ARN pattern live:
 * - `account`: this account and region (`arn:aws:ec2:eu-west-2:111122223333:security-group/*`);
 * - `any-account`: this region, any owner, for resources AWS owns (`arn:aws:ec2:eu-west-2:*:prefix-list/*`);
 * - `global`: ARNs that name no region or account (`arn:aws:s3:::*`), pinned with an account condition.
 */
export type ArnScope = 'account' | 'any-account' | 'global';

export interface ArnPattern {
  readonly service: string;
  /** The resource part of the ARN: `security-group/*`. */
  readonly resource: string;
  readonly scope: ArnScope;
}

export interface ArnResources {
  readonly arns: readonly ArnPattern[];
  /**
   * For `global` ARNs: the condition key that pins the resources to this account
   * (`s3:ResourceAccount`), since the ARN itself cannot.
   */
  readonly accountConditionKey?: string;
}

export type ActionResources = typeof ANY_RESOURCE | ArnResources;

/**
 * Resources of this account and region, by ARN resource part.
 *
 * @example
 * ```ts
 * inAccount('ec2', 'route-table/*'); // arn:<partition>:ec2:<region>:<account>:route-table/*
 * ```
 */
export function inAccount(service: string, ...resources: readonly string[]): ArnResources {
  return { arns: resources.map((resource) => ({ service, resource, scope: 'account' as const })) };
}

/** The action of a write entry. */
function writeActionName<Settings>(entry: string | WriteAction<Settings>): string {
  return typeof entry === 'string' ? entry : entry.action;
}

/**
 * The read and write actions a function needs in these (parsed) settings.
 *
 * @example
 * ```ts
 * actionsFor(iam, { portRangePolicy: 'revoke-rule' }); // { read: [...], write: ['ec2:RevokeSecurityGroupIngress'] }
 * ```
 */
export function actionsFor<Settings>(
  iam: IamFacts<Settings>,
  settings: Settings,
): { read: readonly string[]; write: readonly string[] } {
  const write = iam.write.filter((w) => typeof w === 'string' || w.when(settings)).map(writeActionName);
  return { read: [...iam.read], write };
}

/**
 * The read and write actions over every setting: what the function may need in some configuration
 * (the member role, docs).
 *
 * @example
 * ```ts
 * allActions(iam).write; // ['ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress']
 * ```
 */
export function allActions<Settings>(iam: IamFacts<Settings>): {
  read: readonly string[];
  write: readonly string[];
} {
  return { read: [...iam.read], write: iam.write.map(writeActionName) };
}
