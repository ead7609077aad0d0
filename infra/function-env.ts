import type { AnyRemediation } from '../shared/remediation.js';
import type { ENV } from '../shared/settings.js';
import type { AirlockContext } from './context.js';
import { ContextError } from './context-values.js';
import { declaredRuleNames } from './event-rules.js';
import { NAMES } from './names.js';

/** The environment a function gets: only names that shared/settings.ts reads. */
type AirlockEnv = Partial<Record<keyof typeof ENV, string>>;

/** Where the shared state is, as the functions are told it (names CloudFormation gives, as tokens). */
export interface StateNames {
  readonly table: string;
  readonly auditBucket: string;
  readonly settingsParameter: string;
  readonly exemptionsParameter: string;
  /** The key that signs every audit record the function writes. */
  readonly signingKey: string;
  /**
   * airlock's own roles by ARN (the central functions'): the same list the fast path's patterns drop,
   * so a call of theirs that reaches a function anyway ends NOOP.
   */
  readonly ownRoleArns: readonly string[];
}

/** The environment of a remediation function: its settings, where the state is, and the organization. */
export function remediationEnv(
  remediation: AnyRemediation,
  c: AirlockContext,
  names: StateNames,
): Record<string, string> {
  const env: AirlockEnv = {
    AIRLOCK_MODE: c.mode,
    AIRLOCK_TABLE: names.table,
    AIRLOCK_AUDIT_BUCKET: names.auditBucket,
    AIRLOCK_AUDIT_PREFIX: NAMES.auditPrefix,
    AIRLOCK_SETTINGS_PARAMETER: names.settingsParameter,
    AIRLOCK_EXEMPTIONS_PARAMETER: names.exemptionsParameter,
    AIRLOCK_SIGNING_KEY: names.signingKey,
    AIRLOCK_OWN_PRINCIPALS: names.ownRoleArns.join(','),
    ...placeEnv(c),
    AIRLOCK_REMEDIATIONS: JSON.stringify({ [remediation.id]: remediationOverride(remediation, c) }),
    ...(c.auditShortRetentionDays
      ? { AIRLOCK_AUDIT_SHORT_RETENTION_DAYS: String(c.auditShortRetentionDays) }
      : {}),
    ...(c.blastRadiusMaxWrites ? { AIRLOCK_BLAST_RADIUS_MAX_WRITES: String(c.blastRadiusMaxWrites) } : {}),
    ...(c.blastRadiusWindowSeconds
      ? { AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS: String(c.blastRadiusWindowSeconds) }
      : {}),
    // its own writes in a member account come back as CloudTrail calls of the member role of that
    // account (matched by ARN; never in the home account, where no member role is deployed)
    ...organizationEnv(c),
  };
  return env as Record<string, string>;
}

/**
 * Where a function may act: the allowlists, and the regions it can reach. In private subnets the
 * functions reach their own region's endpoints only: an event of another region is refused before any
 * call, never left to time out, naming the regions that have a central stack of their own.
 */
function placeEnv(c: AirlockContext): AirlockEnv {
  return {
    AIRLOCK_ALLOWED_ACCOUNTS: c.allowedAccounts.join(','),
    AIRLOCK_ALLOWED_REGIONS: c.allowedRegions.join(','),
    AIRLOCK_REACHABLE_REGIONS: c.region,
    AIRLOCK_DEPLOYMENT_REGIONS: c.regions.join(','),
  };
}

/** With an organization: the member role that reaches the other accounts, and the home account. */
function organizationEnv(c: AirlockContext): AirlockEnv {
  if (!c.organization) return {};
  return {
    AIRLOCK_MEMBER_ROLE_NAME: c.organization.memberRoleName,
    AIRLOCK_MEMBER_EXTERNAL_ID: c.organization.externalId,
    AIRLOCK_HOME_ACCOUNT: c.account,
  };
}

/** The environment of an evaluator: the settings of the remediation whose rule it evaluates, where it may act. */
export function evaluatorEnv(
  remediation: AnyRemediation,
  c: AirlockContext,
  names: Pick<StateNames, 'settingsParameter'>,
): Record<string, string> {
  const env: AirlockEnv = {
    AIRLOCK_SETTINGS_PARAMETER: names.settingsParameter,
    ...placeEnv(c),
    AIRLOCK_REMEDIATIONS: JSON.stringify({ [remediation.id]: remediationOverride(remediation, c) }),
    // organization rules invoke it for the member accounts: it reads and reports there as the member role
    ...organizationEnv(c),
  };
  return env as Record<string, string>;
}

/**
 * A remediation's settings in `AIRLOCK_REMEDIATIONS`: the context's override for it, plus the
 * platform settings (pod CIDRs, the public tier's route tables and subnets) that its settings schema has. Checked
 * against the schema at synth time, so a bad setting fails the deploy, not the first event.
 *
 * @example
 * ```ts
 * remediationOverride(removePodCidrTgwRoutes, context); // { settings: { podCidrs: ['100.64.0.0/16'] } }
 * ```
 */
export function remediationOverride(remediation: AnyRemediation, c: AirlockContext): Record<string, unknown> {
  const override = { ...(c.remediations[remediation.id] ?? {}) };
  // names added to the remediation's own: the function accepts all of them, as its rules match them
  if (Array.isArray(override.configRuleNames)) override.configRuleNames = declaredRuleNames(remediation, c);
  const settings: Record<string, unknown> = {
    ...((override.settings as Record<string, unknown> | undefined) ?? {}),
  };
  const platform: Record<string, unknown> = {
    podCidrs: c.podCidrs,
    publicRouteTableIds: c.publicRouteTableIds,
    publicSubnetIds: c.publicSubnetIds,
  };
  for (const [key, value] of Object.entries(platform)) {
    if (key in settings) continue;
    if (accepts(remediation, key)) settings[key] = value;
  }
  try {
    remediation.settingsSchema.parse(settings);
  } catch (cause) {
    throw new ContextError('remediations', `${remediation.id}.settings is invalid`, { cause });
  }
  return Object.keys(settings).length ? { ...override, settings } : override;
}

/** True when the remediation's settings have the key (each is a strict object; values are checked after). */
function accepts(remediation: AnyRemediation, key: string): boolean {
  const shape = (remediation.settingsSchema as { _zod?: { def?: { shape?: Record<string, unknown> } } })._zod
    ?.def?.shape;
  return shape !== undefined && key in shape;
}
