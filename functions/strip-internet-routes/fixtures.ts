// Test support: what the registry-wide tests and plan.test.ts generate strip-internet-routes' cases from.
import type { Route, RouteTable, RouteTableAssociation } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import { type RouteTableState, routeDestination, type StripInternetRoutesSettings } from './plan.js';

export const TABLE = 'rtb-0123456789abcdef0';
/** Another table of the VPC: listed or not beside TABLE, so that each setting meets public and private tables. */
export const OTHER_TABLE = 'rtb-0fedcba9876543210';
/** The public tier's subnet, and private subnets that may be joined to a public-tier table. */
export const PUBLIC_SUBNET = 'subnet-0a0a0a0a0a0a0a0a1';
export const PRIVATE_SUBNETS = ['subnet-0b0b0b0b0b0b0b0b1', 'subnet-0b0b0b0b0b0b0b0b2'] as const;

/** TABLE as DescribeRouteTables returns it, with these routes. */
export const table = (routes: Route[], extra: Partial<RouteTable> = {}): RouteTableState => ({
  RouteTableId: TABLE,
  VpcId: 'vpc-0123456789abcdef0',
  Routes: routes,
  Associations: [],
  Tags: [],
  ...extra,
});
export const LOCAL: Route = {
  DestinationCidrBlock: '10.0.0.0/16',
  GatewayId: 'local',
  Origin: 'CreateRouteTable',
  State: 'active',
};

export const destKey = (r: Route) => JSON.stringify(routeDestination(r));

const hex = fc.stringMatching(/^[0-9a-f]{17}$/);
const v4 = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 }))
  .map(([a, b, p]) => `${a}.${b}.0.0/${Math.min(p, 16)}`);
const v6 = fc.constantFrom('::/0', '2600::/16', '64:ff9b::/96', '2001:db8::/32');
const pl = hex.map((h) => `pl-${h}`);
const destination = fc.oneof(
  v4.map((d) => ({ DestinationCidrBlock: d })),
  v6.map((d) => ({ DestinationIpv6CidrBlock: d })),
  pl.map((d) => ({ DestinationPrefixListId: d })),
);
/** Internet-facing targets, and the look-alikes that must stay: endpoints, peering, TGW, ENI, VPN. */
const target = fc.oneof(
  hex.map((h) => ({ GatewayId: `igw-${h}` })),
  hex.map((h) => ({ CarrierGatewayId: `cagw-${h}` })),
  hex.map((h) => ({ NatGatewayId: `nat-${h}` })),
  hex.map((h) => ({ EgressOnlyInternetGatewayId: `eigw-${h}` })),
  hex.map((h) => ({ GatewayId: `vpce-${h}` })),
  hex.map((h) => ({ VpcPeeringConnectionId: `pcx-${h}` })),
  hex.map((h) => ({ TransitGatewayId: `tgw-${h}` })),
  hex.map((h) => ({ NetworkInterfaceId: `eni-${h}` })),
  hex.map((h) => ({ GatewayId: `vgw-${h}` })),
);
const route = fc.record({ destination, target, state: fc.constantFrom('active', 'blackhole') }).map(
  ({ destination: d, target: t, state }) =>
    ({
      ...d,
      ...t,
      Origin:
        'GatewayId' in t && t.GatewayId.startsWith('vgw-') ? 'EnableVgwRoutePropagation' : 'CreateRoute',
      State: state,
    }) as Route,
);

/** The subnets a table serves: the public tier's, private ones, or none; sometimes the VPC's main table too. */
const associations = fc
  .record({
    subnets: fc.subarray([PUBLIC_SUBNET, ...PRIVATE_SUBNETS]),
    main: fc.boolean(),
    state: fc.constantFrom('associated', 'associating', 'disassociated', undefined),
  })
  .map(({ subnets, main, state }) => (id: string): RouteTableAssociation[] => [
    ...subnets.map((subnet, i) => ({
      RouteTableAssociationId: `rtbassoc-0c0c0c0c0c0c0c0c${i}`,
      RouteTableId: id,
      SubnetId: subnet,
      Main: false,
      ...(state ? { AssociationState: { State: state } } : {}),
    })),
    ...(main
      ? [{ RouteTableAssociationId: 'rtbassoc-0d0d0d0d0d0d0d0d0', RouteTableId: id, Main: true }]
      : []),
  ]);

/**
 * TABLE or OTHER_TABLE with its local route and up to 10 others (one per destination), tagged public or
 * not, serving public and private subnets or none.
 */
export const anyTable: fc.Arbitrary<RouteTableState> = fc
  .record({
    id: fc.constantFrom(TABLE, OTHER_TABLE),
    routes: fc.array(route, { maxLength: 10 }),
    tagged: fc.boolean(),
    associations,
  })
  .map(({ id, routes, tagged, associations: associationsOf }) => {
    const unique = new Map<string, Route>();
    for (const r of routes)
      if (!unique.has(destKey(r)) && destKey(r) !== destKey(LOCAL)) unique.set(destKey(r), r);
    return table([LOCAL, ...unique.values()], {
      RouteTableId: id,
      Associations: associationsOf(id),
      ...(tagged ? { Tags: [{ Key: 'airlock:tier', Value: 'public' }] } : {}),
    });
  });

/** Valid settings: a named public tier always names its subnets (the schema requires it). */
export const anySettings: fc.Arbitrary<StripInternetRoutesSettings> = fc
  .record({
    publicRouteTableIds: fc.constantFrom<string[][]>([], [TABLE], [OTHER_TABLE]),
    publicRouteTableTag: fc.constantFrom<StripInternetRoutesSettings['publicRouteTableTag']>(undefined, {
      key: 'airlock:tier',
      value: 'public',
    }),
    subnetsListed: fc.boolean(),
  })
  .map(({ subnetsListed, ...s }) => ({
    ...s,
    publicSubnetIds:
      subnetsListed || s.publicRouteTableIds.length > 0 || s.publicRouteTableTag !== undefined
        ? [PUBLIC_SUBNET]
        : [],
  }));

export const fixtures: RemediationFixtures<RouteTableState> = {
  state: anyTable,
  settings: anySettings.map((s) => ({ ...s, publicRouteTableTag: s.publicRouteTableTag ?? null })),
  validIds: ['rtb-12345678', 'rtb-0a1b2c3d4e5f60718'],
  lookAlikeIds: ['rtb-123', 'tgw-rtb-12345678', 'rtb-g2345678', 'rtb-0123456789ABCDEF0', 'sg-12345678'],
  cloudTrailEvents: [
    { file: 'ec2__CreateRoute.json', resourceId: 'rtb-0a1b2c3d4e5f60718' },
    { file: 'ec2__ReplaceRoute.json', resourceId: 'rtb-0a1b2c3d4e5f60718' },
    { file: 'ec2__AssociateRouteTable.json', resourceId: 'rtb-0a1b2c3d4e5f60718' },
    { file: 'ec2__ReplaceRouteTableAssociation.json', resourceId: 'rtb-0a1b2c3d4e5f60718' },
  ],
};
