/**
 * Deployment settings from CDK context (`cdk.json`, `-c key=value`). The platform's facts (account,
 * region, VPC, subnets, prefix lists, pod CIDRs, the break-glass role) have no default: a missing or
 * malformed one stops synth with a {@link ContextError} naming the key, instead of a stack whose
 * functions fail at run time. Values given on the command line arrive as strings: lists are JSON
 * arrays or comma-separated, booleans `true`/`false`, objects JSON.
 */
import { parseCidr } from '../shared/cidr.js';
import { ACCOUNT_ID, REGION } from '../shared/resource-id.js';
import { readEndpoints } from './context-endpoints.js';
import { readOrganization } from './context-organization.js';
import { readPublishing } from './context-publishing.js';
import { inRegion, partitionOf, readRegionContext, readRegions, regionalGet } from './context-regions.js';
import { ContextError, type Get, int, list, optional, optionalInt, required, str } from './context-values.js';

export { ContextError } from './context-values.js';

export interface AirlockContext {
  readonly account: string;
  /** The region of this stack: the functions act here, and only here. */
  readonly region: string;
  /** The regions with a central stack (`regions`), the primary first; by default the primary alone. */
  readonly regions: readonly string[];
  readonly partition: string;
  readonly vpcId: string;
  /** The VPC's CIDR, when given (checked; the functions' egress never uses it). */
  readonly vpcCidr?: string;
  readonly availabilityZones: readonly string[];
  readonly privateSubnetIds: readonly string[];
  /** Route tables of the private subnets: the gateway endpoints airlock creates are added to them. */
  readonly privateRouteTableIds: readonly string[];
  /** Managed prefix lists of the S3 and DynamoDB gateway endpoints: the functions' egress to them. */
  readonly s3PrefixListId: string;
  readonly dynamodbPrefixListId: string;
  readonly podCidrs: readonly string[];
  readonly publicRouteTableIds: readonly string[];
  /** Subnets of the public tier: the only subnets a public-tier route table may serve. */
  readonly publicSubnetIds: readonly string[];
  readonly mode: 'enforce' | 'dry-run';
  readonly allowedAccounts: readonly string[];
  readonly allowedRegions: readonly string[];
  /** Per-remediation overrides (`AIRLOCK_REMEDIATIONS`): id -> { mode, configRuleNames, settings }. */
  readonly remediations: Readonly<Record<string, Record<string, unknown>>>;
  /** The VPC endpoints airlock uses, and which of them the platform already has. */
  readonly endpoints: EndpointsContext;
  /** The one role that may change or destroy the audit key and bucket settings. */
  readonly breakGlassRoleArn: string;
  /** The operators' roles that may sign a rollback's own record (`kms:Sign` on the signing key); none by default. */
  readonly rollbackRoleArns: readonly string[];
  readonly auditRetentionDays: number;
  /** Object Lock retention of the records that changed nothing (NOOP, PLANNED, REJECTED); unset: the bucket's default. */
  readonly auditShortRetentionDays?: number;
  readonly logRetentionDays: number;
  readonly automaticRemediation: boolean;
  /** Reserved concurrency per function; unset: none reserved (see infra/README.md). */
  readonly reservedConcurrency?: number;
  readonly sweepEveryMinutes: number;
  /** How long a NON_COMPLIANT result may stand before the sweep re-drives it (live events go first). */
  readonly sweepGraceMinutes: number;
  readonly blastRadiusMaxWrites?: number;
  readonly blastRadiusWindowSeconds?: number;
  /** Many accounts: set when `organizationId` is given (the central bus, the member role, the StackSet). */
  readonly organization?: OrganizationContext;
  /** Where the audit records are published, and Security Hub findings (`auditEventBus`, `securityHubFindings`). */
  readonly publishing: PublishingContext;
}

/** The SOC's own tools: the bus the records are published on, and Security Hub findings. */
export interface PublishingContext {
  /** The bus name (`default` for the account's default bus); absent: nothing is published. */
  readonly eventBus?: string;
  /** True when airlock creates the bus (any name but `default`). */
  readonly createsBus: boolean;
  /** A finding per APPLIED or FAILED remediation, imported by the import-findings function. */
  readonly securityHubFindings: boolean;
}

/** The endpoints of the services the functions call, from `createVpcEndpoints` and `existingEndpoints`. */
export interface EndpointsContext {
  /** Services whose endpoint airlock creates (interface: private DNS on; gateway: on the private route tables). */
  readonly create: readonly string[];
  /** Services the platform already has an endpoint for (`service -> vpce-…`, `*` when not named). */
  readonly existing: Readonly<Record<string, string>>;
  /** Where the platform's interface endpoints are (`sg-…` or CIDRs): the functions' HTTPS egress to them. */
  readonly existingPeers: readonly string[];
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
  mode: 'dry-run',
  auditRetentionDays: 2555,
  logRetentionDays: 400,
  sweepEveryMinutes: 60,
  sweepGraceMinutes: 30,
} as const;

/** The keys a deployment must give: the platform's facts. */
export const REQUIRED_KEYS = [
  'account',
  'region',
  'vpcId',
  'privateSubnetIds',
  'privateRouteTableIds',
  's3PrefixListId',
  'dynamodbPrefixListId',
  'podCidrs',
  'breakGlassRoleArn',
] as const;

/** Every key `readContext` reads (infra/README.md documents each). */
export const CONTEXT_KEYS = [
  ...REQUIRED_KEYS,
  'vpcCidr',
  'availabilityZones',
  'publicRouteTableIds',
  'publicSubnetIds',
  'mode',
  'allowedAccounts',
  'allowedRegions',
  'remediations',
  'rollbackRoleArns',
  'createVpcEndpoints',
  'existingEndpoints',
  'existingEndpointPeers',
  'auditRetentionDays',
  'auditShortRetentionDays',
  'logRetentionDays',
  'automaticRemediation',
  'reservedConcurrency',
  'sweepEveryMinutes',
  'sweepGraceMinutes',
  'blastRadiusMaxWrites',
  'blastRadiusWindowSeconds',
  'organizationId',
  'externalId',
  'memberOrganizationalUnitIds',
  'memberRegions',
  'memberRoleName',
  'memberRoleRegion',
  'busName',
  'stackSetCallAs',
  'regions',
  'regionContext',
  'auditEventBus',
  'securityHubFindings',
] as const;

const VPC_ID = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROUTE_TABLE_ID = /^rtb-([0-9a-f]{8}|[0-9a-f]{17})$/;
const PREFIX_LIST_ID = /^pl-([0-9a-f]{8}|[0-9a-f]{17})$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** The log retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Reads the deployment settings; throws a {@link ContextError} naming the key when one is missing or
 * malformed.
 *
 * @example
 * ```ts
 * const ctx = readContext((key) => app.node.tryGetContext(key));
 * ```
 */
export function readContext(get: Get): AirlockContext {
  const region = required(get, 'region', REGION, 'a region name (eu-west-2)');
  return readContextIn(get, region, readRegions(get, region));
}

/**
 * The context of each region with a central stack (`regions`), the primary first: the same settings,
 * each region's own network facts (the primary's at the top level, the others' in `regionContext`).
 * A missing or malformed key of a region stops synth naming it: `regionContext.eu-central-1.vpcId`.
 *
 * @example
 * ```ts
 * const [primary, ...others] = readRegionalContexts((key) => app.node.tryGetContext(key));
 * ```
 */
export function readRegionalContexts(get: Get): AirlockContext[] {
  const primary = readContext(get);
  const networks = readRegionContext(get, primary.regions);
  const others = primary.regions
    .slice(1)
    .map((r) => inRegion(r, () => readContextIn(regionalGet(get, r, networks[r] ?? {}), r, primary.regions)));
  return [primary, ...others];
}

function readContextIn(get: Get, region: string, regions: readonly string[]): AirlockContext {
  const account = required(get, 'account', ACCOUNT_ID, 'an account id (12 digits)');
  const partition = partitionOf(region);
  const organization = readOrganization(get, regions);
  const endpoints = readEndpoints(get);
  const auditRetentionDays = int(get, 'auditRetentionDays', CONTEXT_DEFAULTS.auditRetentionDays, 1, 36_500);
  return {
    account,
    region,
    regions,
    partition,
    vpcId: required(get, 'vpcId', VPC_ID, 'a VPC id (vpc-…)'),
    ...optionalCidr(get, 'vpcCidr'),
    ...readSubnets(get, region, endpoints),
    s3PrefixListId: required(get, 's3PrefixListId', PREFIX_LIST_ID, 'the S3 managed prefix list id (pl-…)'),
    dynamodbPrefixListId: required(
      get,
      'dynamodbPrefixListId',
      PREFIX_LIST_ID,
      'the DynamoDB managed prefix list id (pl-…)',
    ),
    podCidrs: readPodCidrs(get),
    publicRouteTableIds: ids(get, 'publicRouteTableIds', ROUTE_TABLE_ID, 'route table ids (rtb-…)'),
    publicSubnetIds: ids(get, 'publicSubnetIds', SUBNET_ID, 'subnet ids (subnet-…)'),
    mode: readMode(get),
    // with an organization, the bus admits only its accounts: any of them, in the member regions
    allowedAccounts: allowed(get, 'allowedAccounts', ACCOUNT_ID, organization ? ['*'] : [account]),
    allowedRegions: allowed(
      get,
      'allowedRegions',
      REGION,
      organization ? [...new Set([...regions, ...organization.memberRegions])] : regions,
    ),
    remediations: object(get, 'remediations'),
    endpoints,
    breakGlassRoleArn: readBreakGlassRole(get, partition),
    rollbackRoleArns: readRoles(get, 'rollbackRoleArns', partition),
    auditRetentionDays,
    ...optionalInt(get, 'auditShortRetentionDays', 1, auditRetentionDays),
    logRetentionDays: logRetention(get),
    automaticRemediation: bool(get, 'automaticRemediation', false),
    ...optionalInt(get, 'reservedConcurrency', 1, 1000),
    sweepEveryMinutes: int(get, 'sweepEveryMinutes', CONTEXT_DEFAULTS.sweepEveryMinutes, 5, 1440),
    sweepGraceMinutes: int(get, 'sweepGraceMinutes', CONTEXT_DEFAULTS.sweepGraceMinutes, 1, 1440),
    ...optionalInt(get, 'blastRadiusMaxWrites', 1, 10_000),
    ...optionalInt(get, 'blastRadiusWindowSeconds', 1, 86_400),
    ...(organization ? { organization } : {}),
    publishing: readPublishing(get, organization?.busName),
  };
}

function readSubnets(get: Get, region: string, endpoints: EndpointsContext) {
  const privateSubnetIds = ids(get, 'privateSubnetIds', SUBNET_ID, 'subnet ids (subnet-…)');
  if (privateSubnetIds.length === 0)
    throw new ContextError('privateSubnetIds', 'must list the private subnets');
  // the zones only group the imported subnets (nothing deployed names them): one per subnet unless given
  const zone = new RegExp(`^${region}[a-z]$`);
  const availabilityZones = list(
    get,
    'availabilityZones',
    privateSubnetIds.map((_, i) => `${region}${letter(i)}`),
  );
  if (!availabilityZones.every((z) => zone.test(z))) {
    throw new ContextError('availabilityZones', `must be zones of ${region} (${region}a, …)`);
  }
  if (privateSubnetIds.length % availabilityZones.length !== 0) {
    throw new ContextError(
      'privateSubnetIds',
      'must hold the same number of subnets in each availability zone',
    );
  }
  const createsGateway = endpoints.create.includes('s3') || endpoints.create.includes('dynamodb');
  const privateRouteTableIds = ids(get, 'privateRouteTableIds', ROUTE_TABLE_ID, 'route table ids (rtb-…)');
  if (createsGateway && privateRouteTableIds.length !== privateSubnetIds.length) {
    throw new ContextError(
      'privateRouteTableIds',
      'must hold one route table per private subnet (the gateway endpoints airlock creates are added to them)',
    );
  }
  return { availabilityZones, privateSubnetIds, privateRouteTableIds };
}

const letter = (i: number) => String.fromCharCode(97 + (i % 26));

function readPodCidrs(get: Get): readonly string[] {
  const cidrs = list(get, 'podCidrs', []);
  if (cidrs.length === 0)
    throw new ContextError('podCidrs', 'is required: the pod CIDRs of the platform (100.64.0.0/16, …)');
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr || cidr.text !== text || cidr.prefix === 0) {
      throw new ContextError('podCidrs', `holds ${JSON.stringify(text)}, not a CIDR in canonical form`);
    }
  }
  return cidrs;
}

function optionalCidr(get: Get, key: string): { vpcCidr?: string } {
  const text = optional(get, key);
  if (text === undefined) return {};
  const cidr = parseCidr(text);
  if (!cidr || cidr.text !== text)
    throw new ContextError(key, `must be a CIDR in canonical form, got ${JSON.stringify(text)}`);
  return { vpcCidr: text };
}

function readMode(get: Get): 'enforce' | 'dry-run' {
  const mode = str(get, 'mode', CONTEXT_DEFAULTS.mode);
  if (mode !== 'enforce' && mode !== 'dry-run') {
    throw new ContextError('mode', `must be enforce or dry-run, got ${JSON.stringify(mode)}`);
  }
  return mode;
}

function readBreakGlassRole(get: Get, partition: string): string {
  const arn = required(
    get,
    'breakGlassRoleArn',
    ROLE_ARN,
    'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  );
  if (!arn.startsWith(`arn:${partition}:`)) {
    throw new ContextError('breakGlassRoleArn', `must be a role of the ${partition} partition`);
  }
  return arn;
}

function readRoles(get: Get, key: string, partition: string): readonly string[] {
  const arns = ids(get, key, ROLE_ARN, 'IAM role ARNs (arn:aws:iam::<account>:role/<name>)');
  const other = arns.find((arn) => !arn.startsWith(`arn:${partition}:`));
  if (other !== undefined) {
    throw new ContextError(
      key,
      `must list roles of the ${partition} partition, got ${JSON.stringify(other)}`,
    );
  }
  return arns;
}

function ids(get: Get, key: string, pattern: RegExp, what: string): readonly string[] {
  const values = list(get, key, []);
  const bad = values.find((v) => !pattern.test(v));
  if (bad !== undefined) throw new ContextError(key, `must list ${what}, got ${JSON.stringify(bad)}`);
  return values;
}

function allowed(get: Get, key: string, pattern: RegExp, fallback: readonly string[]): readonly string[] {
  const values = list(get, key, fallback);
  const bad = values.find((v) => v !== '*' && !pattern.test(v));
  if (values.length === 0 || bad !== undefined) {
    throw new ContextError(
      key,
      `must list ${key === 'allowedAccounts' ? 'account ids' : 'regions'} or *, got ${JSON.stringify(bad ?? '')}`,
    );
  }
  return values;
}

function bool(get: Get, key: string, fallback: boolean): boolean {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ContextError(key, `must be true or false, got ${JSON.stringify(value)}`);
}

function logRetention(get: Get): number {
  const days = int(get, 'logRetentionDays', CONTEXT_DEFAULTS.logRetentionDays, 1, 3653);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new ContextError(
      'logRetentionDays',
      `must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${days}`,
    );
  }
  return days;
}

function object(get: Get, key: string): Readonly<Record<string, Record<string, unknown>>> {
  const value = get(key);
  if (value === undefined || value === null) return {};
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (cause) {
      throw new ContextError(key, 'must be a JSON object', { cause });
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ContextError(key, 'must be a JSON object');
  }
  return parsed as Record<string, Record<string, unknown>>;
}
