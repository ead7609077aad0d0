import { readFileSync } from 'node:fs';
import type {
  IpPermission,
  ManagedPrefixList,
  PrefixListEntry,
  RouteTable,
  SecurityGroupRule,
  Tag,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import type { Cluster, Update } from '@aws-sdk/client-eks';
import { z } from 'zod';

/**
 * The simulated account's state file: accounts -> regions -> resources, in the SDK's own shapes
 * wherever the SDK has one. JSON, validated on load (errors name the path of the bad field).
 * See cli/sim/README.md for an example.
 */
export interface SimState {
  readonly version: 1;
  /** Seed of the random streams (fault injection, new resource ids): same seed, same run. */
  seed: number;
  /** Counter behind new ids (rules, updates): persisted so ids never repeat across save/load. */
  sequence: number;
  /** Faults injected into every client call (see {@link SimFault}). */
  faults: SimFault[];
  /** Behaviour knobs. */
  settings: SimSettings;
  /** Account id (12 digits) -> account. The first is the default account. */
  accounts: Record<string, SimAccount>;
}

export interface SimSettings {
  /** How long an EKS cluster stays UPDATING after UpdateClusterConfig (0: settles on the next call). */
  eksUpdateDelayMs?: number;
}

export type FaultKind = 'throttle' | 'server-error' | 'timeout' | 'latency';

/** One fault: `api` is `service:Api`, `service:*` or `*` (default). */
export interface SimFault {
  api?: string;
  kind: FaultKind;
  /** Probability per attempt, 0..1. */
  rate: number;
  /** Latency added (kind latency, or before a timeout), uniformly in [min, max] ms. */
  latencyMs?: [number, number];
  /** Inject at most this many times (then the fault is spent): `{ rate: 1, times: 1 }` fails the first attempt only. */
  times?: number;
}

export interface SimAccount {
  /** Role names (or ARNs) in this account that sts:AssumeRole may assume; others get AccessDenied. */
  roles: string[];
  /** S3 buckets this account owns (bucket names are global across accounts). */
  buckets: Record<string, SimBucket>;
  /** Region name -> the account's resources in that region. */
  regions: Record<string, SimRegion>;
}

export interface PublicAccessBlock {
  BlockPublicAcls?: boolean;
  IgnorePublicAcls?: boolean;
  BlockPublicPolicy?: boolean;
  RestrictPublicBuckets?: boolean;
}

export interface SimBucket {
  region: string;
  /** The bucket's public access block; absent or null: none (GetPublicAccessBlock fails). */
  publicAccessBlock?: PublicAccessBlock | null;
  /** GetObjectLockConfiguration's `ObjectLockConfiguration`; absent: Object Lock not enabled. */
  objectLock?: {
    ObjectLockEnabled?: 'Enabled';
    Rule?: { DefaultRetention?: { Mode?: 'COMPLIANCE' | 'GOVERNANCE'; Days?: number; Years?: number } };
  };
  objects: SimObject[];
}

export interface SimObject {
  Key: string;
  /** UTF-8 body; binary bodies use BodyBase64 instead. */
  Body?: string;
  BodyBase64?: string;
  ContentType?: string;
  /** Base64 SHA-256 of the body (computed when absent). */
  ChecksumSHA256?: string;
  ETag?: string;
  LastModified?: string;
  Metadata?: Record<string, string>;
  Retention?: { Mode: 'COMPLIANCE' | 'GOVERNANCE'; RetainUntilDate: string };
}

/** A security group: DescribeSecurityGroups' fields, with its rules as DescribeSecurityGroupRules returns them. */
export interface SimSecurityGroup {
  GroupId: string;
  GroupName?: string;
  Description?: string;
  VpcId?: string;
  OwnerId?: string;
  Tags?: Tag[];
  /** The rules (ingress and egress), SDK `SecurityGroupRule` shape. */
  Rules: SecurityGroupRule[];
  /** Accepted on load (DescribeSecurityGroups' shape) and turned into `Rules`. */
  IpPermissions?: IpPermission[];
  IpPermissionsEgress?: IpPermission[];
}

export type SimPrefixList = ManagedPrefixList & { PrefixListId: string; Entries: PrefixListEntry[] };

export type SimTransitGatewayRouteTable = TransitGatewayRouteTable & {
  TransitGatewayRouteTableId: string;
  /** Static and propagated routes; a static route hides a propagated one for the same destination. */
  Routes: TransitGatewayRoute[];
};

export interface SimTransitGatewayAttachment {
  TransitGatewayAttachmentId: string;
  ResourceId?: string;
  ResourceType?: string;
}

export type SimCluster = Cluster & {
  name: string;
  updates?: Update[];
  /** An endpoint update in flight: the configuration the cluster settles to, and when. */
  pending?: { updateId: string; settlesAt: number; resourcesVpcConfig: Record<string, unknown> };
};

export interface SimParameter {
  Name: string;
  Value: string;
  Type?: 'String' | 'StringList' | 'SecureString';
  Version?: number;
  LastModifiedDate?: string;
  DataType?: string;
}

/** One stored evaluation (PutEvaluations), read back by GetComplianceDetailsByConfigRule. */
export interface SimEvaluation {
  ConfigRuleName: string;
  ResourceType: string;
  ResourceId: string;
  ComplianceType: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';
  Annotation?: string;
  OrderingTimestamp: string;
  ResultRecordedTime: string;
}

export interface SimRegion {
  securityGroups: SimSecurityGroup[];
  prefixLists: SimPrefixList[];
  routeTables: RouteTable[];
  transitGatewayRouteTables: SimTransitGatewayRouteTable[];
  transitGatewayAttachments: SimTransitGatewayAttachment[];
  eksClusters: SimCluster[];
  ssmParameters: SimParameter[];
  config: {
    /** Rule names known to exist (besides those with evaluations). */
    rules: string[];
    evaluations: SimEvaluation[];
    /** GetResourceConfigHistory's `configurationItems` (SDK ConfigurationItem shape). */
    configurationItems: Record<string, unknown>[];
  };
  /** DynamoDB tables (key `id`, string) and their items (AttributeValue maps). Names unique across the state. */
  dynamodbTables: Record<string, { items: Record<string, unknown>[] }>;
}

const tag = z.object({ Key: z.string().optional(), Value: z.string().optional() }).loose();
const cidrText = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR such as 10.0.0.0/16');
const isoDate = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date'),
  z.number(),
]);

const ruleSchema = z
  .object({
    SecurityGroupRuleId: z.string().regex(/^sgr-[0-9a-zA-Z]+$/, 'expected sgr-…'),
    GroupId: z.string().optional(),
    IsEgress: z.boolean(),
    IpProtocol: z.string(),
    FromPort: z.number().int().optional(),
    ToPort: z.number().int().optional(),
    CidrIpv4: cidrText.optional(),
    CidrIpv6: cidrText.optional(),
    PrefixListId: z.string().optional(),
    ReferencedGroupInfo: z.object({ GroupId: z.string().optional() }).loose().optional(),
    Description: z.string().optional(),
    Tags: z.array(tag).optional(),
  })
  .loose();

const permissionSchema = z
  .object({
    IpProtocol: z.string(),
    FromPort: z.number().int().optional(),
    ToPort: z.number().int().optional(),
    IpRanges: z.array(z.object({ CidrIp: cidrText }).loose()).optional(),
    Ipv6Ranges: z.array(z.object({ CidrIpv6: cidrText }).loose()).optional(),
    PrefixListIds: z.array(z.object({ PrefixListId: z.string() }).loose()).optional(),
    UserIdGroupPairs: z.array(z.object({ GroupId: z.string().optional() }).loose()).optional(),
  })
  .loose();

const securityGroupSchema = z
  .object({
    GroupId: z.string().regex(/^sg-[0-9a-zA-Z]+$/, 'expected sg-…'),
    GroupName: z.string().optional(),
    Description: z.string().optional(),
    VpcId: z.string().optional(),
    OwnerId: z.string().optional(),
    Tags: z.array(tag).optional(),
    Rules: z.array(ruleSchema).optional(),
    IpPermissions: z.array(permissionSchema).optional(),
    IpPermissionsEgress: z.array(permissionSchema).optional(),
  })
  .loose();

const routeSchema = z
  .object({
    DestinationCidrBlock: cidrText.optional(),
    DestinationIpv6CidrBlock: cidrText.optional(),
    DestinationPrefixListId: z.string().optional(),
    GatewayId: z.string().optional(),
    NatGatewayId: z.string().optional(),
    State: z.string().optional(),
    Origin: z.string().optional(),
  })
  .loose()
  .refine(
    (r) => r.DestinationCidrBlock || r.DestinationIpv6CidrBlock || r.DestinationPrefixListId,
    'a route needs DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId',
  );

const routeTableSchema = z
  .object({
    RouteTableId: z.string().regex(/^rtb-[0-9a-zA-Z]+$/, 'expected rtb-…'),
    VpcId: z.string().optional(),
    Routes: z.array(routeSchema).default([]),
    Associations: z.array(z.object({}).loose()).optional(),
    Tags: z.array(tag).optional(),
  })
  .loose();

const tgwRouteSchema = z
  .object({
    DestinationCidrBlock: cidrText.optional(),
    PrefixListId: z.string().optional(),
    Type: z.enum(['static', 'propagated']),
    State: z.enum(['active', 'blackhole', 'pending', 'deleting', 'deleted']),
    TransitGatewayAttachments: z
      .array(z.object({ TransitGatewayAttachmentId: z.string().optional() }).loose())
      .optional(),
  })
  .loose();

const tgwRouteTableSchema = z
  .object({
    TransitGatewayRouteTableId: z.string().regex(/^tgw-rtb-[0-9a-zA-Z]+$/, 'expected tgw-rtb-…'),
    TransitGatewayId: z.string().optional(),
    State: z.string().optional(),
    CreationTime: isoDate.optional(),
    Tags: z.array(tag).optional(),
    Routes: z.array(tgwRouteSchema).default([]),
  })
  .loose();

const clusterSchema = z
  .object({
    name: z.string().min(1),
    arn: z.string().optional(),
    status: z.enum(['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING']).default('ACTIVE'),
    createdAt: isoDate.optional(),
    resourcesVpcConfig: z
      .object({
        endpointPublicAccess: z.boolean().optional(),
        endpointPrivateAccess: z.boolean().optional(),
        publicAccessCidrs: z.array(cidrText).optional(),
      })
      .loose()
      .optional(),
    updates: z
      .array(
        z
          .object({
            id: z.string(),
            status: z.enum(['InProgress', 'Failed', 'Cancelled', 'Successful']),
            type: z.string().optional(),
          })
          .loose(),
      )
      .optional(),
    pending: z
      .object({
        updateId: z.string(),
        settlesAt: z.number(),
        resourcesVpcConfig: z.record(z.string(), z.unknown()),
      })
      .optional(),
  })
  .loose();

const objectSchema = z
  .object({
    Key: z.string().min(1),
    Body: z.string().optional(),
    BodyBase64: z.string().optional(),
    ContentType: z.string().optional(),
    ChecksumSHA256: z.string().optional(),
    ETag: z.string().optional(),
    LastModified: isoDate.optional(),
    Metadata: z.record(z.string(), z.string()).optional(),
    Retention: z.object({ Mode: z.enum(['COMPLIANCE', 'GOVERNANCE']), RetainUntilDate: isoDate }).optional(),
  })
  .strict();

const bucketSchema = z
  .object({
    region: z.string().min(1),
    publicAccessBlock: z
      .object({
        BlockPublicAcls: z.boolean().optional(),
        IgnorePublicAcls: z.boolean().optional(),
        BlockPublicPolicy: z.boolean().optional(),
        RestrictPublicBuckets: z.boolean().optional(),
      })
      .strict()
      .nullable()
      .optional(),
    objectLock: z
      .object({
        ObjectLockEnabled: z.literal('Enabled').optional(),
        Rule: z
          .object({
            DefaultRetention: z
              .object({
                Mode: z.enum(['COMPLIANCE', 'GOVERNANCE']).optional(),
                Days: z.number().int().positive().optional(),
                Years: z.number().int().positive().optional(),
              })
              .strict()
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    objects: z.array(objectSchema).default([]),
  })
  .strict();

const regionSchema = z
  .object({
    securityGroups: z.array(securityGroupSchema).default([]),
    prefixLists: z
      .array(
        z
          .object({
            PrefixListId: z.string().regex(/^pl-[0-9a-zA-Z]+$/, 'expected pl-…'),
            Entries: z.array(z.object({ Cidr: cidrText, Description: z.string().optional() })).default([]),
          })
          .loose(),
      )
      .default([]),
    routeTables: z.array(routeTableSchema).default([]),
    transitGatewayRouteTables: z.array(tgwRouteTableSchema).default([]),
    transitGatewayAttachments: z
      .array(
        z
          .object({
            TransitGatewayAttachmentId: z.string(),
            ResourceId: z.string().optional(),
            ResourceType: z.string().optional(),
          })
          .loose(),
      )
      .default([]),
    eksClusters: z.array(clusterSchema).default([]),
    ssmParameters: z
      .array(
        z
          .object({
            Name: z.string().min(1),
            Value: z.string(),
            Type: z.enum(['String', 'StringList', 'SecureString']).optional(),
            Version: z.number().int().positive().optional(),
            LastModifiedDate: isoDate.optional(),
            DataType: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    config: z
      .object({
        rules: z.array(z.string()).default([]),
        evaluations: z
          .array(
            z
              .object({
                ConfigRuleName: z.string(),
                ResourceType: z.string(),
                ResourceId: z.string(),
                ComplianceType: z.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
                Annotation: z.string().optional(),
                OrderingTimestamp: isoDate,
                ResultRecordedTime: isoDate,
              })
              .strict(),
          )
          .default([]),
        configurationItems: z.array(z.record(z.string(), z.unknown())).default([]),
      })
      .strict()
      .default({ rules: [], evaluations: [], configurationItems: [] }),
    dynamodbTables: z
      .record(
        z.string().regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'expected a DynamoDB table name'),
        z.object({ items: z.array(z.record(z.string(), z.unknown())).default([]) }).strict(),
      )
      .default({}),
  })
  .strict();

const faultSchema = z
  .object({
    api: z
      .string()
      .regex(/^(\*|[a-z0-9-]+:(\*|[A-Za-z0-9]+))$/, "expected '*', 'service:*' or 'service:Api'")
      .optional(),
    kind: z.enum(['throttle', 'server-error', 'timeout', 'latency']),
    rate: z.number().min(0).max(1),
    latencyMs: z
      .tuple([z.number().min(0), z.number().min(0)])
      .refine(([a, b]) => a <= b, 'latencyMs is [min, max] with min <= max')
      .optional(),
    times: z.number().int().min(0).optional(),
  })
  .strict();

export const SimFaultsSchema = z.array(faultSchema);

export const SimStateSchema = z
  .object({
    version: z.literal(1).default(1),
    seed: z.number().int().default(1),
    sequence: z.number().int().min(0).default(0),
    faults: SimFaultsSchema.default([]),
    settings: z
      .object({ eksUpdateDelayMs: z.number().min(0).optional() })
      .strict()
      .default({}),
    accounts: z
      .record(
        z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
        z
          .object({
            roles: z.array(z.string()).default([]),
            buckets: z
              .record(
                z
                  .string()
                  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,253}[a-zA-Z0-9]$/, 'expected an S3 bucket name'),
                bucketSchema,
              )
              .default({}),
            regions: z
              .record(
                z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region such as eu-west-2'),
                regionSchema,
              )
              .default({}),
          })
          .strict(),
      )
      .refine((a) => Object.keys(a).length > 0, 'at least one account is needed'),
  })
  .strict();

/** What a state may look like before defaults are filled in (every resource list optional). */
export type SimStateInput = z.input<typeof SimStateSchema>;

/** The error a bad state file raises: the message names the path of each bad field. */
export class SimStateError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SimStateError';
  }
}

/**
 * Validates a state (parsed JSON) and fills in defaults; the error names each bad field's path
 * (`accounts.111122223333.regions.eu-west-2.securityGroups.0.GroupId: expected sg-…`).
 *
 * @example
 * ```ts
 * const state = parseSimState(JSON.parse(text), 'state.json');
 * ```
 */
export function parseSimState(raw: unknown, source = 'state'): SimState {
  const result = SimStateSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => {
      // a bad record key: say what the key should look like (the nested issue), not just "invalid key"
      const inner = (i as { issues?: { message: string }[] }).issues?.[0]?.message;
      const message = i.code === 'invalid_key' && inner ? `invalid key: ${inner}` : i.message;
      return `${i.path.map(String).join('.') || '(root)'}: ${message}`;
    });
    throw new SimStateError(`${source} is not a valid simulator state: ${issues.join('; ')}`, issues);
  }
  const state = result.data as unknown as SimState;
  const tables = new Map<string, string>();
  for (const [account, a] of Object.entries(state.accounts)) {
    for (const [region, r] of Object.entries(a.regions)) {
      for (const name of Object.keys(r.dynamodbTables)) {
        const where = `accounts.${account}.regions.${region}.dynamodbTables.${name}`;
        const other = tables.get(name);
        if (other) {
          throw new SimStateError(
            `${source} is not a valid simulator state: ${where}: table name already used at ${other} (one DynamoDB namespace)`,
          );
        }
        tables.set(name, where);
      }
    }
  }
  const buckets = new Map<string, string>();
  for (const [account, a] of Object.entries(state.accounts)) {
    for (const name of Object.keys(a.buckets)) {
      const other = buckets.get(name);
      if (other) {
        throw new SimStateError(
          `${source} is not a valid simulator state: accounts.${account}.buckets.${name}: bucket name already owned by ${other} (bucket names are global)`,
        );
      }
      buckets.set(name, account);
    }
  }
  return state;
}

/** Reads and validates a state file. */
export function loadSimState(path: string): SimState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SimStateError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SimStateError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseSimState(raw, path);
}

/** An empty region (every resource list present). */
export function emptyRegion(): SimRegion {
  return {
    securityGroups: [],
    prefixLists: [],
    routeTables: [],
    transitGatewayRouteTables: [],
    transitGatewayAttachments: [],
    eksClusters: [],
    ssmParameters: [],
    config: { rules: [], evaluations: [], configurationItems: [] },
    dynamodbTables: {},
  };
}
