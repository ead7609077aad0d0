import type { AirlockContext } from './context.js';

/**
 * The names airlock gives what it deploys, where a name is fixed. Nothing retained has a fixed name
 * (a failed first deploy would leave it behind): the buckets, table and queue are named by
 * CloudFormation and given to the functions and the stack outputs.
 */
export const NAMES = {
  settingsParameter: '/airlock/settings',
  exemptionsParameter: '/airlock/exemptions',
  auditPrefix: 'audit/',
  metricNamespace: 'airlock',
  suppressedMetric: 'Suppressed',
  glueDatabase: 'airlock',
  glueTable: 'audit_records',
} as const;

/**
 * An IAM name (roles and managed policies are global): the primary region's stack keeps the plain
 * name, each other region's stack adds its region, so that the regional stacks of one account never
 * collide.
 *
 * @example
 * ```ts
 * regionalIamName('airlock-revoke-open-ssh', context); // 'airlock-revoke-open-ssh-eu-central-1' in eu-central-1
 * ```
 */
export function regionalIamName(name: string, c: Pick<AirlockContext, 'region' | 'regions'>): string {
  return iamNameIn(name, c.region, c.regions);
}

/** The IAM name `name` takes in the stack of `region` (see {@link regionalIamName}). */
export function iamNameIn(name: string, region: string, regions: readonly string[]): string {
  return region === regions[0] ? name : `${name}-${region}`;
}

/**
 * The central stack of a region: `Airlock` in the primary region (the name a one-region deployment
 * always had), `Airlock-<region>` in each other.
 *
 * @example
 * ```ts
 * stackNameIn('eu-central-1', ['eu-west-2', 'eu-central-1']); // 'Airlock-eu-central-1'
 * ```
 */
export function stackNameIn(region: string, regions: readonly string[]): string {
  return region === regions[0] ? 'Airlock' : `Airlock-${region}`;
}
