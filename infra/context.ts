/**
 * Deployment settings from CDK context (`cdk.json`, `-c key=value`), each with a default so that
 * `cdk synth` works offline with none. Values given on the command line arrive as strings: lists
 * are JSON arrays or comma-separated, booleans `true`/`false`, objects JSON.
 */

export interface AirlockContext {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly availabilityZones: readonly string[];
  readonly privateSubnetIds: readonly string[];
  readonly privateRouteTableIds: readonly string[];
  /** Managed prefix lists of the S3 and DynamoDB gateway endpoints: the functions' only egress outside the VPC CIDR. */
  readonly s3PrefixListId?: string;
  readonly dynamodbPrefixListId?: string;
  readonly podCidrs: readonly string[];
  readonly publicRouteTableIds: readonly string[];
  readonly mode: 'enforce' | 'dry-run';
  readonly allowedAccounts: readonly string[];
  readonly allowedRegions: readonly string[];
  /** Per-remediation overrides (`AIRLOCK_REMEDIATIONS`): id -> { mode, configRuleNames, settings }. */
  readonly remediations: Readonly<Record<string, Record<string, unknown>>>;
  readonly createVpcEndpoints: boolean;
  readonly auditRetentionDays: number;
  readonly logRetentionDays: number;
  readonly automaticRemediation: boolean;
  readonly sweepEveryMinutes: number;
  /** How long a NON_COMPLIANT result may stand before the sweep re-drives it (live events go first). */
  readonly sweepGraceMinutes: number;
  readonly blastRadiusMaxWrites?: number;
  readonly blastRadiusWindowSeconds?: number;
  /** Many accounts: set when `organizationId` is given (the central bus, the member role, the StackSet). */
  readonly organization?: OrganizationContext;
}

/** The organization airlock covers from this (security) account. */
export interface OrganizationContext {
  /** `o-…`: the only principals the central bus and the member role admit. */
  readonly organizationId: string;
  /** `sts:ExternalId` the member role requires (not a secret: it guards against a confused deputy). */
  readonly externalId: string;
  /** Name of the role in every member account (`airlock-member`). */
  readonly memberRoleName: string;
  /** OUs the StackSet deploys the member stack to (new accounts in them get it: auto-deployment). */
  readonly memberOrganizationalUnitIds: readonly string[];
  /** Regions the member stack is deployed to (its forwarding rules; Config and CloudTrail events are regional). */
  readonly memberRegions: readonly string[];
  /** The one region where the member role (IAM is global) is created in each account. */
  readonly memberRoleRegion: string;
  /** Name of the central event bus. */
  readonly busName: string;
  /** `DELEGATED_ADMIN` when this account is a delegated StackSets administrator, `SELF` in the management account. */
  readonly stackSetCallAs: 'SELF' | 'DELEGATED_ADMIN';
}

export const CONTEXT_DEFAULTS = {
  account: '111122223333',
  region: 'eu-west-2',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidr: '10.40.0.0/16',
  mode: 'dry-run',
  auditRetentionDays: 2555,
  logRetentionDays: 400,
  sweepEveryMinutes: 60,
  sweepGraceMinutes: 30,
} as const;

type Get = (key: string) => unknown;

function list(get: Get, key: string, fallback: readonly string[]): readonly string[] {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new Error(`context ${key} must be a list`);
    return parsed.map(String);
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function str(get: Get, key: string, fallback: string): string {
  const value = get(key);
  return value === undefined || value === null || value === '' ? fallback : String(value);
}

function optional(get: Get, key: string): string | undefined {
  const value = get(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

function bool(get: Get, key: string, fallback: boolean): boolean {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function int(get: Get, key: string, fallback: number, min: number, max: number): number {
  const value = get(key);
  const n = value === undefined || value === null ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new Error(`context ${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

function logRetention(get: Get): number {
  const days = int(get, 'logRetentionDays', CONTEXT_DEFAULTS.logRetentionDays, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(`context logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${days}`);
  }
  return days;
}

function optionalInt(get: Get, key: string, min: number, max: number): number | undefined {
  return get(key) === undefined ? undefined : int(get, key, min, min, max);
}

function object(get: Get, key: string): Readonly<Record<string, Record<string, unknown>>> {
  const value = get(key);
  if (value === undefined || value === null) return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`context ${key} must be a JSON object`);
  }
  return parsed as Record<string, Record<string, unknown>>;
}

/**
 * Reads the deployment settings; throws naming the key when one is malformed.
 *
 * @example
 * ```ts
 * const ctx = readContext((key) => app.node.tryGetContext(key));
 * ```
 */
export function readContext(get: Get, env: NodeJS.ProcessEnv = process.env): AirlockContext {
  const account = str(get, 'account', env.CDK_DEFAULT_ACCOUNT ?? CONTEXT_DEFAULTS.account);
  const region = str(get, 'region', env.CDK_DEFAULT_REGION ?? CONTEXT_DEFAULTS.region);
  if (!/^\d{12}$/.test(account)) throw new Error(`context account must be 12 digits, got ${account}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region))
    throw new Error(`context region is not a region: ${region}`);
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const availabilityZones = list(get, 'availabilityZones', [`${region}a`, `${region}b`]);
  const privateSubnetIds = list(get, 'privateSubnetIds', [
    'subnet-0a1b2c3d4e5f60711',
    'subnet-0a1b2c3d4e5f60712',
  ]);
  const privateRouteTableIds = list(
    get,
    'privateRouteTableIds',
    privateSubnetIds.map((_, i) => `rtb-0a1b2c3d4e5f6072${i}`),
  );
  if (privateSubnetIds.length === 0 || privateSubnetIds.length % availabilityZones.length !== 0) {
    throw new Error(
      'context privateSubnetIds must hold the same number of subnets in each availability zone',
    );
  }
  if (privateRouteTableIds.length !== privateSubnetIds.length) {
    throw new Error('context privateRouteTableIds must hold one route table per private subnet');
  }
  const mode = str(get, 'mode', CONTEXT_DEFAULTS.mode);
  if (mode !== 'enforce' && mode !== 'dry-run')
    throw new Error(`context mode must be enforce or dry-run, got ${mode}`);
  const s3PrefixListId = optional(get, 's3PrefixListId');
  const dynamodbPrefixListId = optional(get, 'dynamodbPrefixListId');
  const blastRadiusMaxWrites = optionalInt(get, 'blastRadiusMaxWrites', 1, 10_000);
  const blastRadiusWindowSeconds = optionalInt(get, 'blastRadiusWindowSeconds', 1, 86_400);
  const organization = readOrganization(get, region);
  return {
    account,
    region,
    partition,
    vpcId: str(get, 'vpcId', CONTEXT_DEFAULTS.vpcId),
    vpcCidr: str(get, 'vpcCidr', CONTEXT_DEFAULTS.vpcCidr),
    availabilityZones,
    privateSubnetIds,
    privateRouteTableIds,
    ...(s3PrefixListId ? { s3PrefixListId } : {}),
    ...(dynamodbPrefixListId ? { dynamodbPrefixListId } : {}),
    podCidrs: list(get, 'podCidrs', ['100.64.0.0/16']),
    publicRouteTableIds: list(get, 'publicRouteTableIds', []),
    mode,
    // with an organization, the bus admits only its accounts: any of them, in the member regions
    allowedAccounts: list(get, 'allowedAccounts', organization ? ['*'] : [account]),
    allowedRegions: list(
      get,
      'allowedRegions',
      organization ? [...new Set([region, ...organization.memberRegions])] : [region],
    ),
    remediations: object(get, 'remediations'),
    createVpcEndpoints: bool(get, 'createVpcEndpoints', true),
    auditRetentionDays: int(get, 'auditRetentionDays', CONTEXT_DEFAULTS.auditRetentionDays, 1, 36_500),
    logRetentionDays: logRetention(get),
    automaticRemediation: bool(get, 'automaticRemediation', false),
    sweepEveryMinutes: int(get, 'sweepEveryMinutes', CONTEXT_DEFAULTS.sweepEveryMinutes, 5, 1440),
    sweepGraceMinutes: int(get, 'sweepGraceMinutes', CONTEXT_DEFAULTS.sweepGraceMinutes, 1, 1440),
    ...(blastRadiusMaxWrites ? { blastRadiusMaxWrites } : {}),
    ...(blastRadiusWindowSeconds ? { blastRadiusWindowSeconds } : {}),
    ...(organization ? { organization } : {}),
  };
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The organization keys; none of them unless `organizationId` is set (one account, as before). */
function readOrganization(get: Get, region: string): OrganizationContext | undefined {
  const organizationId = optional(get, 'organizationId');
  if (!organizationId) return undefined;
  if (!/^o-[a-z0-9]{10,32}$/.test(organizationId)) {
    throw new Error(`context organizationId must be an organization id (o-…), got ${organizationId}`);
  }
  const externalId = optional(get, 'externalId');
  if (!externalId || !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new Error(
      'context externalId must be set (2-1224 characters of [\\w+=,.@:/-]) with organizationId',
    );
  }
  const memberRoleName = str(get, 'memberRoleName', 'airlock-member');
  if (!/^[\w+=,.@-]{1,64}$/.test(memberRoleName)) {
    throw new Error(`context memberRoleName is not an IAM role name: ${memberRoleName}`);
  }
  const memberOrganizationalUnitIds = list(get, 'memberOrganizationalUnitIds', []);
  if (
    memberOrganizationalUnitIds.length === 0 ||
    !memberOrganizationalUnitIds.every((ou) =>
      /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(ou),
    )
  ) {
    throw new Error('context memberOrganizationalUnitIds must list OU ids (ou-…) or the root (r-…)');
  }
  const memberRegions = list(get, 'memberRegions', [region]);
  const memberRoleRegion = str(
    get,
    'memberRoleRegion',
    memberRegions.includes(region) ? region : memberRegions[0]!,
  );
  for (const r of [...memberRegions, memberRoleRegion]) {
    if (!REGION_NAME.test(r)) throw new Error(`context memberRegions holds ${r}, not a region`);
  }
  if (!memberRegions.includes(memberRoleRegion)) {
    throw new Error('context memberRoleRegion must be one of memberRegions');
  }
  const stackSetCallAs = str(get, 'stackSetCallAs', 'DELEGATED_ADMIN');
  if (stackSetCallAs !== 'SELF' && stackSetCallAs !== 'DELEGATED_ADMIN') {
    throw new Error(`context stackSetCallAs must be SELF or DELEGATED_ADMIN, got ${stackSetCallAs}`);
  }
  const busName = str(get, 'busName', 'airlock');
  if (!/^[\w.-]{1,256}$/.test(busName) || busName === 'default') {
    throw new Error(`context busName is not a custom event bus name: ${busName}`);
  }
  return {
    organizationId,
    externalId,
    memberRoleName,
    memberOrganizationalUnitIds,
    memberRegions,
    memberRoleRegion,
    busName,
    stackSetCallAs,
  };
}
