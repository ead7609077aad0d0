import type { SimRegion, SimState } from '../sim/index.js';

export const DEMO_ACCOUNT = '111122223333';
export const DEMO_REGION = 'eu-west-2';
const VPC = 'vpc-0d3e4f5a6b7c8d9e0';
const ATTACH = 'tgw-attach-0a1b2c3d4e5f6a7b8';
const INSPECTION = 'tgw-attach-0f9e8d7c6b5a4f3e2';

/** One violation the demo plants, and the event AWS Config would send for it. */
export interface DemoViolation {
  readonly remediation: string;
  readonly resourceId: string;
  readonly what: string;
}

/** A compliant look-alike: the part of the state that must be byte-for-byte the same afterwards. */
export interface DemoLookAlike {
  readonly remediation: string;
  readonly what: string;
  select(region: SimRegion, state: SimState): unknown;
}

export const DEMO_PUBLIC_ROUTE_TABLE = 'rtb-0a0a0a0a0a0a0b002';

/** The group the fast-path part of the demo opens through the API, as an operator would by hand. */
export const DEMO_FAST_PATH_GROUP = 'sg-0a0a0a0a0a0a0a003';

/** Settings the demo deploys with: enforce, the public tier named, the pod CIDR the default. */
export const DEMO_SETTINGS = {
  mode: 'enforce',
  remediations: {
    'strip-internet-routes': { settings: { publicRouteTableIds: [DEMO_PUBLIC_ROUTE_TABLE] } },
    'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['100.64.0.0/10'] } },
  },
};

export const DEMO_VIOLATIONS: readonly DemoViolation[] = [
  {
    remediation: 'revoke-open-ssh',
    resourceId: 'sg-0a0a0a0a0a0a0a001',
    what: 'security group "bastion" lets 0.0.0.0/0 reach tcp 22',
  },
  {
    remediation: 'block-public-s3',
    resourceId: 'airlock-demo-public-assets',
    what: 'bucket has no public access block at all',
  },
  {
    remediation: 'privatize-eks-endpoint',
    resourceId: 'payments',
    what: 'EKS cluster API endpoint is public (0.0.0.0/0)',
  },
  {
    remediation: 'strip-internet-routes',
    resourceId: 'rtb-0a0a0a0a0a0a0b001',
    what: 'private route table sends 0.0.0.0/0 to a NAT gateway',
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    resourceId: 'tgw-rtb-0a0a0a0a0a0a0c001',
    what: 'TGW route table reaches the pod CIDR (static 100.64.0.0/16, propagated 100.65.0.0/16)',
  },
];

const group = (r: SimRegion, id: string) => r.securityGroups.find((g) => g.GroupId === id);
const rule = (r: SimRegion, groupId: string, ruleId: string) =>
  group(r, groupId)?.Rules.find((x) => x.SecurityGroupRuleId === ruleId);
const route = (r: SimRegion, table: string, dest: { cidr?: string; pl?: string }) =>
  r.routeTables
    .find((t) => t.RouteTableId === table)
    ?.Routes?.find((x) =>
      dest.cidr ? x.DestinationCidrBlock === dest.cidr : x.DestinationPrefixListId === dest.pl,
    );
const tgwRoute = (r: SimRegion, table: string, cidr: string) =>
  r.transitGatewayRouteTables
    .find((t) => t.TransitGatewayRouteTableId === table)
    ?.Routes.find((x) => x.DestinationCidrBlock === cidr);

export const DEMO_LOOK_ALIKES: readonly DemoLookAlike[] = [
  {
    remediation: 'revoke-open-ssh',
    what: 'SSH from 10.0.0.0/8 in the same group',
    select: (r) => rule(r, 'sg-0a0a0a0a0a0a0a001', 'sgr-0a0a0a0a0a0a0a012'),
  },
  {
    remediation: 'revoke-open-ssh',
    what: 'HTTPS open to the world in the same group',
    select: (r) => rule(r, 'sg-0a0a0a0a0a0a0a001', 'sgr-0a0a0a0a0a0a0a013'),
  },
  {
    remediation: 'revoke-open-ssh',
    what: 'group "edge": port 2222 and udp 22 open, SSH from another group',
    select: (r) => group(r, 'sg-0a0a0a0a0a0a0a002'),
  },
  {
    remediation: 'block-public-s3',
    what: 'bucket already fully blocked',
    select: (_r, s) => s.accounts[DEMO_ACCOUNT]?.buckets['airlock-demo-private-data'],
  },
  {
    remediation: 'privatize-eks-endpoint',
    what: 'private-only cluster "ledger"',
    select: (r) => r.eksClusters.find((c) => c.name === 'ledger')?.resourcesVpcConfig,
  },
  {
    remediation: 'strip-internet-routes',
    what: "the public tier's IGW route",
    select: (r) => r.routeTables.find((t) => t.RouteTableId === DEMO_PUBLIC_ROUTE_TABLE),
  },
  {
    remediation: 'strip-internet-routes',
    what: 'local, S3 gateway-endpoint and peering routes of the private table',
    select: (r) => [
      route(r, 'rtb-0a0a0a0a0a0a0b001', { cidr: '10.0.0.0/16' }),
      route(r, 'rtb-0a0a0a0a0a0a0b001', { pl: 'pl-6da54004' }),
      route(r, 'rtb-0a0a0a0a0a0a0b001', { cidr: '172.31.0.0/16' }),
    ],
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'TGW route to the node CIDR 10.0.0.0/16',
    select: (r) => tgwRoute(r, 'tgw-rtb-0a0a0a0a0a0a0c001', '10.0.0.0/16'),
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'TGW default route 0.0.0.0/0 to inspection',
    select: (r) => tgwRoute(r, 'tgw-rtb-0a0a0a0a0a0a0c001', '0.0.0.0/0'),
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'another TGW route table with no pod route',
    select: (r) =>
      r.transitGatewayRouteTables.find((t) => t.TransitGatewayRouteTableId === 'tgw-rtb-0a0a0a0a0a0a0c002'),
  },
];

const pab = (on: boolean) => ({
  BlockPublicAcls: on,
  IgnorePublicAcls: on,
  BlockPublicPolicy: on,
  RestrictPublicBuckets: on,
});
const sshRule = (id: string, fields: Record<string, unknown>) => ({
  SecurityGroupRuleId: id,
  GroupOwnerId: DEMO_ACCOUNT,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  ...fields,
});
const attachment = (id: string) => [{ ResourceId: VPC, TransitGatewayAttachmentId: id, ResourceType: 'vpc' }];

/** The demo's simulated account: one violation per remediation, compliant look-alikes beside each. */
export function demoState(): SimState {
  return {
    version: 1,
    seed: 7,
    sequence: 0,
    faults: [],
    settings: { eksUpdateDelayMs: 0 },
    accounts: {
      [DEMO_ACCOUNT]: {
        roles: [],
        buckets: {
          'airlock-demo-public-assets': { region: DEMO_REGION, publicAccessBlock: null, objects: [] },
          'airlock-demo-private-data': { region: DEMO_REGION, publicAccessBlock: pab(true), objects: [] },
        },
        regions: {
          [DEMO_REGION]: {
            securityGroups: [
              {
                GroupId: 'sg-0a0a0a0a0a0a0a001',
                GroupName: 'bastion',
                VpcId: VPC,
                OwnerId: DEMO_ACCOUNT,
                Rules: [
                  sshRule('sgr-0a0a0a0a0a0a0a011', {
                    GroupId: 'sg-0a0a0a0a0a0a0a001',
                    CidrIpv4: '0.0.0.0/0',
                    Description: 'temporary debug access',
                  }),
                  sshRule('sgr-0a0a0a0a0a0a0a012', {
                    GroupId: 'sg-0a0a0a0a0a0a0a001',
                    CidrIpv4: '10.0.0.0/8',
                    Description: 'corporate network',
                  }),
                  sshRule('sgr-0a0a0a0a0a0a0a013', {
                    GroupId: 'sg-0a0a0a0a0a0a0a001',
                    FromPort: 443,
                    ToPort: 443,
                    CidrIpv4: '0.0.0.0/0',
                  }),
                  sshRule('sgr-0a0a0a0a0a0a0a014', {
                    GroupId: 'sg-0a0a0a0a0a0a0a001',
                    IsEgress: true,
                    IpProtocol: '-1',
                    FromPort: -1,
                    ToPort: -1,
                    CidrIpv4: '0.0.0.0/0',
                  }),
                ],
              },
              {
                GroupId: 'sg-0a0a0a0a0a0a0a002',
                GroupName: 'edge',
                VpcId: VPC,
                OwnerId: DEMO_ACCOUNT,
                Rules: [
                  sshRule('sgr-0a0a0a0a0a0a0a021', {
                    GroupId: 'sg-0a0a0a0a0a0a0a002',
                    FromPort: 2222,
                    ToPort: 2222,
                    CidrIpv4: '0.0.0.0/0',
                  }),
                  sshRule('sgr-0a0a0a0a0a0a0a022', {
                    GroupId: 'sg-0a0a0a0a0a0a0a002',
                    IpProtocol: 'udp',
                    CidrIpv4: '0.0.0.0/0',
                  }),
                  sshRule('sgr-0a0a0a0a0a0a0a023', {
                    GroupId: 'sg-0a0a0a0a0a0a0a002',
                    ReferencedGroupInfo: { GroupId: 'sg-0a0a0a0a0a0a0a001', UserId: DEMO_ACCOUNT },
                  }),
                ],
              },
              {
                GroupId: DEMO_FAST_PATH_GROUP,
                GroupName: 'build-agents',
                VpcId: VPC,
                OwnerId: DEMO_ACCOUNT,
                Rules: [
                  sshRule('sgr-0a0a0a0a0a0a0a031', {
                    GroupId: DEMO_FAST_PATH_GROUP,
                    CidrIpv4: '10.20.0.0/16',
                    Description: 'build network',
                  }),
                ],
              },
            ],
            prefixLists: [],
            routeTables: [
              {
                RouteTableId: 'rtb-0a0a0a0a0a0a0b001',
                VpcId: VPC,
                OwnerId: DEMO_ACCOUNT,
                Associations: [
                  {
                    RouteTableAssociationId: 'rtbassoc-0a0a0a0a0a0a0b011',
                    RouteTableId: 'rtb-0a0a0a0a0a0a0b001',
                    SubnetId: 'subnet-0a0a0a0a0a0a0d001',
                    Main: false,
                  },
                ],
                Routes: [
                  {
                    DestinationCidrBlock: '10.0.0.0/16',
                    GatewayId: 'local',
                    Origin: 'CreateRouteTable',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '0.0.0.0/0',
                    NatGatewayId: 'nat-0a0a0a0a0a0a0e001',
                    Origin: 'CreateRoute',
                    State: 'active',
                  },
                  {
                    DestinationPrefixListId: 'pl-6da54004',
                    GatewayId: 'vpce-0a0a0a0a0a0a0f001',
                    Origin: 'CreateRoute',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '172.31.0.0/16',
                    VpcPeeringConnectionId: 'pcx-0a0a0a0a0a0a0a0a1',
                    Origin: 'CreateRoute',
                    State: 'active',
                  },
                ],
                Tags: [{ Key: 'Name', Value: 'private-a' }],
              },
              {
                RouteTableId: DEMO_PUBLIC_ROUTE_TABLE,
                VpcId: VPC,
                OwnerId: DEMO_ACCOUNT,
                Associations: [
                  {
                    RouteTableAssociationId: 'rtbassoc-0a0a0a0a0a0a0b021',
                    RouteTableId: DEMO_PUBLIC_ROUTE_TABLE,
                    SubnetId: 'subnet-0a0a0a0a0a0a0d002',
                    Main: false,
                  },
                ],
                Routes: [
                  {
                    DestinationCidrBlock: '10.0.0.0/16',
                    GatewayId: 'local',
                    Origin: 'CreateRouteTable',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '0.0.0.0/0',
                    GatewayId: 'igw-0a0a0a0a0a0a0a0a2',
                    Origin: 'CreateRoute',
                    State: 'active',
                  },
                ],
                Tags: [{ Key: 'Name', Value: 'public-ingress' }],
              },
            ],
            transitGatewayRouteTables: [
              {
                TransitGatewayRouteTableId: 'tgw-rtb-0a0a0a0a0a0a0c001',
                TransitGatewayId: 'tgw-0a0a0a0a0a0a0c0f0',
                State: 'available',
                Routes: [
                  {
                    DestinationCidrBlock: '100.64.0.0/16',
                    TransitGatewayAttachments: attachment(ATTACH),
                    Type: 'static',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '100.65.0.0/16',
                    TransitGatewayAttachments: attachment(ATTACH),
                    Type: 'propagated',
                    State: 'active',
                  },
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
              },
              {
                TransitGatewayRouteTableId: 'tgw-rtb-0a0a0a0a0a0a0c002',
                TransitGatewayId: 'tgw-0a0a0a0a0a0a0c0f0',
                State: 'available',
                Routes: [
                  {
                    DestinationCidrBlock: '10.1.0.0/16',
                    TransitGatewayAttachments: attachment(INSPECTION),
                    Type: 'propagated',
                    State: 'active',
                  },
                ],
              },
            ],
            transitGatewayAttachments: [
              { TransitGatewayAttachmentId: ATTACH, ResourceId: VPC, ResourceType: 'vpc' },
              {
                TransitGatewayAttachmentId: INSPECTION,
                ResourceId: 'vpc-0f0f0f0f0f0f0f0f0',
                ResourceType: 'vpc',
              },
            ],
            eksClusters: [
              {
                name: 'payments',
                arn: `arn:aws:eks:${DEMO_REGION}:${DEMO_ACCOUNT}:cluster/payments`,
                status: 'ACTIVE',
                version: '1.31',
                resourcesVpcConfig: {
                  vpcId: VPC,
                  endpointPublicAccess: true,
                  endpointPrivateAccess: false,
                  publicAccessCidrs: ['0.0.0.0/0'],
                },
                updates: [],
              },
              {
                name: 'ledger',
                arn: `arn:aws:eks:${DEMO_REGION}:${DEMO_ACCOUNT}:cluster/ledger`,
                status: 'ACTIVE',
                version: '1.31',
                resourcesVpcConfig: {
                  vpcId: VPC,
                  endpointPublicAccess: false,
                  endpointPrivateAccess: true,
                  publicAccessCidrs: [],
                },
                updates: [],
              },
            ],
            ssmParameters: [],
            config: { rules: [], evaluations: [], configurationItems: [] },
            dynamodbTables: {},
          },
        },
      },
    },
  } as unknown as SimState;
}
