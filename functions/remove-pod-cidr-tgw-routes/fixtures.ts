// Test support: what the registry-wide tests and plan.test.ts generate remove-pod-cidr-tgw-routes' cases from.
import type { TransitGatewayRoute, TransitGatewayRouteTable } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { parseCidr } from '../../shared/cidr.js';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import type { TgwRouteTableState } from './plan.js';

export const TABLE_ID = 'tgw-rtb-0123456789abcdef0';
const ROUTE_TABLE: TransitGatewayRouteTable = {
  TransitGatewayRouteTableId: TABLE_ID,
  TransitGatewayId: 'tgw-0123456789abcdef0',
  State: 'available',
};
/** The table as describe reads it, with these routes (and these searches cut short). */
export const state = (routes: TransitGatewayRoute[], additional: string[] = []): TgwRouteTableState => ({
  routeTable: ROUTE_TABLE,
  routes,
  additionalRoutesAvailable: additional,
});
export const attachment = (id: string) => [
  { TransitGatewayAttachmentId: id, ResourceId: 'vpc-0123456789abcdef0', ResourceType: 'vpc' as const },
];
export const staticRoute = (cidr: string, attach = 'tgw-attach-0aaaaaaaaaaaaaaaa'): TransitGatewayRoute => ({
  DestinationCidrBlock: cidr,
  TransitGatewayAttachments: attachment(attach),
  Type: 'static',
  State: 'active',
});
export const propagatedRoute = (
  cidr: string,
  attach = 'tgw-attach-0bbbbbbbbbbbbbbbb',
): TransitGatewayRoute => ({
  ...staticRoute(cidr, attach),
  Type: 'propagated',
});
export const blackholeRoute = (cidr: string): TransitGatewayRoute => ({
  DestinationCidrBlock: cidr,
  Type: 'static',
  State: 'blackhole',
});

export const canon = (cidr: string | undefined) => parseCidr(cidr ?? '')?.text ?? `?${cidr}`;

/** The pod CIDR the generated routes fall in (and around). */
export const POD = '100.64.0.0/10';
/** An IPv6 pod CIDR (unique-local), for clusters with IPv6 pods. */
export const POD6 = 'fd00:10::/56';
const insidePrefix = fc.oneof(
  fc.constant(POD),
  fc
    .tuple(fc.integer({ min: 64, max: 127 }), fc.integer({ min: 0, max: 255 }))
    .map(([b, c]) => `100.${b}.${c}.0/24`),
  fc.integer({ min: 64, max: 127 }).map((b) => `100.${b}.0.0/16`),
  // inside the narrower pod CIDRs of the settings below too
  fc.constantFrom('100.64.1.0/24', '100.64.0.0/16', '100.96.0.0/16', '100.100.7.0/24'),
  fc.constant(POD6),
  fc.integer({ min: 0, max: 255 }).map((x) => `fd00:10:0:${x.toString(16)}::/64`),
);
/** Routes that hold a pod CIDR and carry its traffic unless a more specific route says otherwise. */
export const COVERING = ['0.0.0.0/0', '100.0.0.0/8', '100.64.0.0/9', '::/0', 'fd00::/8'];
/** Look-alikes: the node CIDR, the neighbour ranges, another private range, a public IPv6 range. */
export const LOOK_ALIKES = [
  '10.0.0.0/16',
  '100.128.0.0/10',
  '172.16.0.0/12',
  'fd00:20::/56',
  '2001:db8::/32',
];
const prefix = fc.oneof(insidePrefix, fc.constantFrom(...COVERING), fc.constantFrom(...LOOK_ALIKES));
const attachmentId = fc.constantFrom('tgw-attach-0aaaaaaaaaaaaaaaa', 'tgw-attach-0bbbbbbbbbbbbbbbb');
const route = fc.oneof(
  fc.tuple(prefix, attachmentId).map(([p, a]) => staticRoute(p, a)),
  prefix.map(blackholeRoute),
  fc.tuple(prefix, attachmentId).map(([p, a]) => propagatedRoute(p, a)),
);

/**
 * Up to 12 routes in and around the pod CIDRs, as the table holds them: static, blackhole and
 * propagated, static ones unique per destination, a propagated route possibly hidden behind a static
 * one for the same destination.
 */
export const anyTable: fc.Arbitrary<TransitGatewayRoute[]> = fc
  .array(route, { maxLength: 12 })
  .map((routes) => {
    const seen = new Set<string>();
    return routes.filter((r) => {
      if (r.Type !== 'static') return true;
      const key = canon(r.DestinationCidrBlock);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

/** What SearchTransitGatewayRoutes shows of a table: a static route hides propagated ones for its destination. */
export function visibleRoutes(routes: readonly TransitGatewayRoute[]): TransitGatewayRoute[] {
  const statics = new Set(
    routes.filter((r) => r.Type === 'static').map((r) => canon(r.DestinationCidrBlock)),
  );
  return routes.filter((r) => r.Type === 'static' || !statics.has(canon(r.DestinationCidrBlock)));
}

/** The table as describe reads it: only the routes in view. */
export const anyState: fc.Arbitrary<TgwRouteTableState> = anyTable.map((routes) =>
  state(visibleRoutes(routes)),
);

/** Pod CIDR settings: IPv4, two IPv4 ranges, IPv6, both families, nested ranges. */
export const anyPodSettings = fc.constantFrom(
  { podCidrs: [POD] },
  { podCidrs: ['100.64.0.0/16', '100.96.0.0/12'] },
  { podCidrs: [POD6] },
  { podCidrs: [POD, POD6] },
  { podCidrs: ['100.64.0.0/16', POD] },
);

export const fixtures: RemediationFixtures<TgwRouteTableState> = {
  state: anyState,
  settings: fc.oneof(fc.constant<Record<string, unknown>>({}), anyPodSettings),
  validIds: ['tgw-rtb-12345678', 'tgw-rtb-0a1b2c3d4e5f60718'],
  lookAlikeIds: ['tgw-rtb-1234', 'rtb-12345678', 'tgw-12345678', 'tgw-rtb-0123456789ABCDEF0', 'tgw-rtb-'],
  cloudTrailEvents: [
    { file: 'ec2__CreateTransitGatewayRoute.json', resourceId: 'tgw-rtb-0123456789abcdef0' },
    { file: 'ec2__ReplaceTransitGatewayRoute.json', resourceId: 'tgw-rtb-0123456789abcdef0' },
    { file: 'ec2__EnableTransitGatewayRouteTablePropagation.json', resourceId: 'tgw-rtb-0123456789abcdef0' },
    { file: 'ec2__CreateTransitGatewayPrefixListReference.json', resourceId: 'tgw-rtb-0123456789abcdef0' },
    { file: 'ec2__ModifyTransitGatewayPrefixListReference.json', resourceId: 'tgw-rtb-0123456789abcdef0' },
  ],
};
