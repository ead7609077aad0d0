import type { SimState } from '../cli/sim/index.js';
import { complianceEvent } from '../test/helpers/events.js';

/**
 * The benchmark's simulated account: `n` resources spread over the five remediations, each its own
 * resource. Four in five are violations (with compliant look-alike parts inside: private SSH,
 * HTTPS, local and peering routes, the node-CIDR TGW route); one in five is a wholly compliant
 * look-alike that still receives a NON_COMPLIANT event (a stale evaluation) and must end NOOP.
 * Shapes follow the demo scenario (cli/demo/scenario.ts).
 */

export const BENCH_ACCOUNT = '111122223333';
export const BENCH_REGION = 'eu-west-2';
const VPC = 'vpc-0d3e4f5a6b7c8d9e0';
const ATTACH = 'tgw-attach-0a1b2c3d4e5f6a7b8';
const INSPECTION = 'tgw-attach-0f9e8d7c6b5a4f3e2';

export const REMEDIATION_IDS = [
  'revoke-open-ssh',
  'block-public-s3',
  'privatize-eks-endpoint',
  'strip-internet-routes',
  'remove-pod-cidr-tgw-routes',
] as const;
export type RemediationId = (typeof REMEDIATION_IDS)[number];

const RESOURCE_TYPE: Record<RemediationId, string> = {
  'revoke-open-ssh': 'AWS::EC2::SecurityGroup',
  'block-public-s3': 'AWS::S3::Bucket',
  'privatize-eks-endpoint': 'AWS::EKS::Cluster',
  'strip-internet-routes': 'AWS::EC2::RouteTable',
  'remove-pod-cidr-tgw-routes': 'AWS::EC2::TransitGatewayRouteTable',
};
const RULE: Record<RemediationId, string> = {
  'revoke-open-ssh': 'restricted-ssh',
  'block-public-s3': 's3-bucket-level-public-access-prohibited',
  'privatize-eks-endpoint': 'eks-endpoint-no-public-access',
  'strip-internet-routes': 'airlock-private-route-tables-no-internet-route',
  'remove-pod-cidr-tgw-routes': 'airlock-tgw-route-tables-no-pod-cidr',
};

/** Settings the benchmark deploys with (enforce; the pod CIDR named; public tier by tag). */
export const BENCH_SETTINGS = {
  mode: 'enforce',
  allowedAccounts: [BENCH_ACCOUNT],
  remediations: {
    'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['100.64.0.0/10'] } },
    // the public tier is named by a tag here (no tag counts unless configured)
    'strip-internet-routes': { settings: { publicRouteTableTag: { key: 'airlock:tier', value: 'public' } } },
  },
};

/** One resource of the scenario and the event AWS Config would send for it. */
export interface BenchResource {
  readonly remediation: RemediationId;
  readonly resourceId: string;
  /** True for a violation (exactly `expectedWrites` writes fix it); false for a compliant look-alike. */
  readonly violation: boolean;
  readonly expectedWrites: number;
  readonly event: ReturnType<typeof complianceEvent>;
}

export interface BenchScenario {
  readonly state: SimState;
  readonly resources: readonly BenchResource[];
}

const hex = (kind: number, i: number) => `${kind.toString(16)}${i.toString(16).padStart(16, '0')}`;

/** An id of the right AWS format for resource `i` of a remediation. */
export function resourceIdFor(remediation: RemediationId, i: number, lookAlike = false): string {
  const k = lookAlike ? 1 : 0;
  switch (remediation) {
    case 'revoke-open-ssh':
      return `sg-${hex(k, i)}`;
    case 'block-public-s3':
      return `airlock-bench-${lookAlike ? 'private' : 'public'}-${i}`;
    case 'privatize-eks-endpoint':
      return `${lookAlike ? 'ledger' : 'payments'}-${i}`;
    case 'strip-internet-routes':
      return `rtb-${hex(k, i)}`;
    case 'remove-pod-cidr-tgw-routes':
      return `tgw-rtb-${hex(k, i)}`;
  }
}

const pab = (on: boolean) => ({
  BlockPublicAcls: on,
  IgnorePublicAcls: on,
  BlockPublicPolicy: on,
  RestrictPublicBuckets: on,
});
const rule = (groupId: string, n: number, fields: Record<string, unknown>) => ({
  SecurityGroupRuleId: `sgr-${groupId.slice(3, 18)}${n.toString(16).padStart(2, '0')}`,
  GroupId: groupId,
  GroupOwnerId: BENCH_ACCOUNT,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  ...fields,
});
const attachment = (id: string) => [{ ResourceId: VPC, TransitGatewayAttachmentId: id, ResourceType: 'vpc' }];
const localRoute = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};

/**
 * Builds the scenario: `n` resources, round-robin over the remediations (or only `only`).
 *
 * @example
 * ```ts
 * const { state, resources } = buildScenario(100);
 * const sim = await SimulatedCloud.create(state);
 * ```
 */
export function buildScenario(n: number, only: readonly RemediationId[] = REMEDIATION_IDS): BenchScenario {
  const region = {
    securityGroups: [] as unknown[],
    prefixLists: [],
    routeTables: [] as unknown[],
    transitGatewayRouteTables: [] as unknown[],
    transitGatewayAttachments: [
      { TransitGatewayAttachmentId: ATTACH, ResourceId: VPC, ResourceType: 'vpc' },
      { TransitGatewayAttachmentId: INSPECTION, ResourceId: 'vpc-0f0f0f0f0f0f0f0f0', ResourceType: 'vpc' },
    ],
    eksClusters: [] as unknown[],
    ssmParameters: [],
    config: { rules: [], evaluations: [], configurationItems: [] },
    dynamodbTables: {},
  };
  const buckets: Record<string, unknown> = {};
  const resources: BenchResource[] = [];
  for (let k = 0; k < n; k++) {
    const remediation = only[k % only.length]!;
    const i = Math.floor(k / only.length);
    const lookAlike = i % 5 === 4;
    const id = resourceIdFor(remediation, i, lookAlike);
    addResource(remediation, id, !lookAlike, region, buckets);
    resources.push({
      remediation,
      resourceId: id,
      violation: !lookAlike,
      expectedWrites: lookAlike ? 0 : 1,
      event: complianceEvent({
        resourceType: RESOURCE_TYPE[remediation],
        resourceId: id,
        rule: RULE[remediation],
        account: BENCH_ACCOUNT,
        region: BENCH_REGION,
        id: `b1a9c0de-0000-4000-8000-${k.toString(16).padStart(12, '0')}`,
      }),
    });
  }
  const state = {
    version: 1,
    seed: 7,
    sequence: 0,
    faults: [],
    settings: { eksUpdateDelayMs: 0 },
    accounts: { [BENCH_ACCOUNT]: { roles: [], buckets, regions: { [BENCH_REGION]: region } } },
  } as unknown as SimState;
  return { state, resources };
}

/** The event for `resource`, as Config would send it (remediation id -> resource type and rule). */
export function eventFor(remediation: RemediationId, resourceId: string, id?: string) {
  return complianceEvent({
    resourceType: RESOURCE_TYPE[remediation],
    resourceId,
    rule: RULE[remediation],
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
    ...(id ? { id } : {}),
  });
}

function addResource(
  remediation: RemediationId,
  id: string,
  violation: boolean,
  region: {
    securityGroups: unknown[];
    routeTables: unknown[];
    transitGatewayRouteTables: unknown[];
    eksClusters: unknown[];
  },
  buckets: Record<string, unknown>,
): void {
  switch (remediation) {
    case 'revoke-open-ssh':
      region.securityGroups.push({
        GroupId: id,
        GroupName: `bastion-${id}`,
        VpcId: VPC,
        OwnerId: BENCH_ACCOUNT,
        Rules: [
          ...(violation
            ? [rule(id, 1, { CidrIpv4: '0.0.0.0/0', Description: 'temporary debug access' })]
            : []),
          rule(id, 2, { CidrIpv4: '10.0.0.0/8', Description: 'corporate network' }),
          rule(id, 3, { FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' }),
          rule(id, 4, { FromPort: 2222, ToPort: 2222, CidrIpv4: '0.0.0.0/0' }),
          rule(id, 5, { IsEgress: true, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }),
        ],
      });
      return;
    case 'block-public-s3':
      buckets[id] = { region: BENCH_REGION, publicAccessBlock: violation ? null : pab(true), objects: [] };
      return;
    case 'privatize-eks-endpoint':
      region.eksClusters.push({
        name: id,
        arn: `arn:aws:eks:${BENCH_REGION}:${BENCH_ACCOUNT}:cluster/${id}`,
        status: 'ACTIVE',
        version: '1.31',
        resourcesVpcConfig: {
          vpcId: VPC,
          endpointPublicAccess: violation,
          endpointPrivateAccess: !violation,
          publicAccessCidrs: violation ? ['0.0.0.0/0'] : [],
        },
        updates: [],
      });
      return;
    case 'strip-internet-routes':
      region.routeTables.push({
        RouteTableId: id,
        VpcId: VPC,
        OwnerId: BENCH_ACCOUNT,
        Associations: [],
        Routes: violation
          ? [
              localRoute,
              {
                DestinationCidrBlock: '0.0.0.0/0',
                NatGatewayId: 'nat-0a0a0a0a0a0a0e001',
                Origin: 'CreateRoute',
                State: 'active',
              },
              {
                DestinationCidrBlock: '172.31.0.0/16',
                VpcPeeringConnectionId: 'pcx-0a0a0a0a0a0a0a0a1',
                Origin: 'CreateRoute',
                State: 'active',
              },
            ]
          : [
              // a public-tier table (tagged): its IGW route is legitimate and stays
              localRoute,
              {
                DestinationCidrBlock: '0.0.0.0/0',
                GatewayId: 'igw-0a0a0a0a0a0a0a0a2',
                Origin: 'CreateRoute',
                State: 'active',
              },
            ],
        Tags: violation
          ? [{ Key: 'Name', Value: 'private' }]
          : [
              { Key: 'Name', Value: 'public-ingress' },
              { Key: 'airlock:tier', Value: 'public' },
            ],
      });
      return;
    case 'remove-pod-cidr-tgw-routes':
      region.transitGatewayRouteTables.push({
        TransitGatewayRouteTableId: id,
        TransitGatewayId: 'tgw-0a0a0a0a0a0a0c0f0',
        State: 'available',
        Routes: [
          ...(violation
            ? [
                {
                  DestinationCidrBlock: '100.64.0.0/16',
                  TransitGatewayAttachments: attachment(ATTACH),
                  Type: 'static',
                  State: 'active',
                },
              ]
            : []),
          {
            DestinationCidrBlock: '10.0.0.0/16',
            TransitGatewayAttachments: attachment(ATTACH),
            Type: 'propagated',
            State: 'active',
          },
          {
            DestinationCidrBlock: '0.0.0.0/0',
            TransitGatewayAttachments: attachment(INSPECTION),
            Type: 'static',
            State: 'active',
          },
        ],
      });
      return;
  }
}

/** The part of the state a remediation must never touch for this resource (compared before/after). */
export function untouchable(state: SimState, r: BenchResource): unknown {
  const region = state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
  switch (r.remediation) {
    case 'revoke-open-ssh': {
      const g = region.securityGroups.find((x) => x.GroupId === r.resourceId);
      const ruleId = `sgr-${r.resourceId.slice(3, 18)}01`;
      return g?.Rules.filter((x) => x.SecurityGroupRuleId !== ruleId);
    }
    case 'block-public-s3':
      return r.violation ? undefined : state.accounts[BENCH_ACCOUNT]!.buckets[r.resourceId];
    case 'privatize-eks-endpoint':
      return r.violation
        ? region.eksClusters.find((c) => c.name === r.resourceId)?.resourcesVpcConfig?.vpcId
        : region.eksClusters.find((c) => c.name === r.resourceId)?.resourcesVpcConfig;
    case 'strip-internet-routes':
      return region.routeTables
        .find((t) => t.RouteTableId === r.resourceId)
        ?.Routes?.filter((x) => !('NatGatewayId' in x && x.NatGatewayId));
    case 'remove-pod-cidr-tgw-routes':
      return region.transitGatewayRouteTables
        .find((t) => t.TransitGatewayRouteTableId === r.resourceId)
        ?.Routes.filter((x) => x.DestinationCidrBlock !== '100.64.0.0/16');
  }
}
