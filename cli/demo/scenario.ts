import {
  bucket,
  eksCluster,
  kmsKey,
  localRoute,
  placeResources,
  route,
  routeTable,
  SAMPLE_SIGNING_KEY_ALIAS,
  type SimFragment,
  type SimRegion,
  type SimState,
  securityGroup,
  simState,
  tgwAttachment,
  tgwRoute,
  tgwRouteTable,
} from '../sim/index.js';

export const DEMO_ACCOUNT = '111122223333';
export const DEMO_REGION = 'eu-west-2';
/** The VPC of the demo's resources (the benchmark's follow it). */
export const DEMO_VPC = 'vpc-0d3e4f5a6b7c8d9e0';
/** The transit gateway attachments the demo's TGW routes go to: the workload VPC's and the inspection's. */
export const DEMO_ATTACHMENTS = {
  attachment: { id: 'tgw-attach-0a1b2c3d4e5f6a7b8', vpc: DEMO_VPC },
  inspection: { id: 'tgw-attach-0f9e8d7c6b5a4f3e2', vpc: DEMO_VPC },
} as const;
/** Route targets of the demo's route tables. */
export const DEMO_TARGETS = {
  nat: 'nat-0a0a0a0a0a0a0e001',
  peering: 'pcx-0a0a0a0a0a0a0a0a1',
  internetGateway: 'igw-0a0a0a0a0a0a0a0a2',
  transitGateway: 'tgw-0a0a0a0a0a0a0c0f0',
} as const;

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
  // every record is signed with the account's KMS key, as the deployed functions sign theirs
  signingKey: SAMPLE_SIGNING_KEY_ALIAS,
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
const findRoute = (r: SimRegion, table: string, dest: { cidr?: string; pl?: string }) =>
  r.routeTables
    .find((t) => t.RouteTableId === table)
    ?.Routes?.find((x) =>
      dest.cidr ? x.DestinationCidrBlock === dest.cidr : x.DestinationPrefixListId === dest.pl,
    );
const findTgwRoute = (r: SimRegion, table: string, cidr: string) =>
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
      findRoute(r, 'rtb-0a0a0a0a0a0a0b001', { cidr: '10.0.0.0/16' }),
      findRoute(r, 'rtb-0a0a0a0a0a0a0b001', { pl: 'pl-6da54004' }),
      findRoute(r, 'rtb-0a0a0a0a0a0a0b001', { cidr: '172.31.0.0/16' }),
    ],
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'TGW route to the node CIDR 10.0.0.0/16',
    select: (r) => findTgwRoute(r, 'tgw-rtb-0a0a0a0a0a0a0c001', '10.0.0.0/16'),
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'TGW default route 0.0.0.0/0 to inspection',
    select: (r) => findTgwRoute(r, 'tgw-rtb-0a0a0a0a0a0a0c001', '0.0.0.0/0'),
  },
  {
    remediation: 'remove-pod-cidr-tgw-routes',
    what: 'another TGW route table with no pod route',
    select: (r) =>
      r.transitGatewayRouteTables.find((t) => t.TransitGatewayRouteTableId === 'tgw-rtb-0a0a0a0a0a0a0c002'),
  },
];

/** The demo's account: one violation per remediation, compliant look-alikes beside each. */
export function demoState(): SimState {
  const state = simState({ seed: 7, settings: { eksUpdateDelayMs: 0 } });
  return placeResources(state, { account: DEMO_ACCOUNT, region: DEMO_REGION }, [
    kmsKey({ id: '0d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60', aliases: [SAMPLE_SIGNING_KEY_ALIAS] }),
    bucket('airlock-demo-public-assets', { publicAccessBlock: 'none' }),
    bucket('airlock-demo-private-data', { publicAccessBlock: 'all' }),
    ...demoSecurityGroups(),
    ...demoRouteTables(),
    ...demoTransitGateway(),
    eksCluster({
      name: 'payments',
      vpc: DEMO_VPC,
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    }),
    eksCluster({
      name: 'ledger',
      vpc: DEMO_VPC,
      publicAccess: false,
      privateAccess: true,
      publicAccessCidrs: [],
    }),
  ]);
}

function demoSecurityGroups(): SimFragment[] {
  return [
    securityGroup({
      id: 'sg-0a0a0a0a0a0a0a001',
      name: 'bastion',
      vpc: DEMO_VPC,
      rules: [
        { id: 'sgr-0a0a0a0a0a0a0a011', ports: 22, cidr: '0.0.0.0/0', description: 'temporary debug access' },
        { id: 'sgr-0a0a0a0a0a0a0a012', ports: 22, cidr: '10.0.0.0/8', description: 'corporate network' },
        { id: 'sgr-0a0a0a0a0a0a0a013', ports: 443, cidr: '0.0.0.0/0' },
        { id: 'sgr-0a0a0a0a0a0a0a014', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
      ],
    }),
    securityGroup({
      id: 'sg-0a0a0a0a0a0a0a002',
      name: 'edge',
      vpc: DEMO_VPC,
      rules: [
        { id: 'sgr-0a0a0a0a0a0a0a021', ports: 2222, cidr: '0.0.0.0/0' },
        { id: 'sgr-0a0a0a0a0a0a0a022', protocol: 'udp', ports: 22, cidr: '0.0.0.0/0' },
        {
          id: 'sgr-0a0a0a0a0a0a0a023',
          ports: 22,
          group: { GroupId: 'sg-0a0a0a0a0a0a0a001', UserId: DEMO_ACCOUNT },
        },
      ],
    }),
    securityGroup({
      id: DEMO_FAST_PATH_GROUP,
      name: 'build-agents',
      vpc: DEMO_VPC,
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a031', ports: 22, cidr: '10.20.0.0/16', description: 'build network' }],
    }),
  ];
}

function demoRouteTables(): SimFragment[] {
  return [
    routeTable({
      id: 'rtb-0a0a0a0a0a0a0b001',
      vpc: DEMO_VPC,
      associations: [{ id: 'rtbassoc-0a0a0a0a0a0a0b011', subnet: 'subnet-0a0a0a0a0a0a0d001' }],
      routes: [
        localRoute('10.0.0.0/16'),
        route('0.0.0.0/0', { NatGatewayId: DEMO_TARGETS.nat }),
        route('pl-6da54004', { GatewayId: 'vpce-0a0a0a0a0a0a0f001' }),
        route('172.31.0.0/16', { VpcPeeringConnectionId: DEMO_TARGETS.peering }),
      ],
      tags: [{ Key: 'Name', Value: 'private-a' }],
    }),
    routeTable({
      id: DEMO_PUBLIC_ROUTE_TABLE,
      vpc: DEMO_VPC,
      associations: [{ id: 'rtbassoc-0a0a0a0a0a0a0b021', subnet: 'subnet-0a0a0a0a0a0a0d002' }],
      routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { GatewayId: DEMO_TARGETS.internetGateway })],
      tags: [{ Key: 'Name', Value: 'public-ingress' }],
    }),
  ];
}

function demoTransitGateway(): SimFragment[] {
  const { attachment, inspection } = DEMO_ATTACHMENTS;
  return [
    tgwRouteTable({
      id: 'tgw-rtb-0a0a0a0a0a0a0c001',
      transitGateway: DEMO_TARGETS.transitGateway,
      routes: [
        tgwRoute('100.64.0.0/16', attachment),
        tgwRoute('100.65.0.0/16', attachment, 'propagated'),
        tgwRoute('10.0.0.0/16', attachment, 'propagated'),
        tgwRoute('0.0.0.0/0', inspection),
      ],
    }),
    tgwRouteTable({
      id: 'tgw-rtb-0a0a0a0a0a0a0c002',
      transitGateway: DEMO_TARGETS.transitGateway,
      routes: [tgwRoute('10.1.0.0/16', inspection, 'propagated')],
    }),
    ...demoTgwAttachments(),
  ];
}

/** The attachments TGW routes may target: the workload VPC's, and the inspection VPC's own (routes name it with the workload VPC). */
export function demoTgwAttachments(): SimFragment[] {
  return [
    tgwAttachment(DEMO_ATTACHMENTS.attachment),
    tgwAttachment({ id: DEMO_ATTACHMENTS.inspection.id, vpc: 'vpc-0f0f0f0f0f0f0f0f0' }),
  ];
}
