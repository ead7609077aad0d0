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
const insidePrefix = fc.oneof(
  fc.constant(POD),
  fc
    .tuple(fc.integer({ min: 64, max: 127 }), fc.integer({ min: 0, max: 255 }))
    .map(([b, c]) => `100.${b}.${c}.0/24`),
  fc.integer({ min: 64, max: 127 }).map((b) => `100.${b}.0.0/16`),
);
// look-alikes: the node CIDR, a default route, a supernet, the neighbour range, another private range
const lookAlike = fc.constantFrom(
  '10.0.0.0/16',
  '0.0.0.0/0',
  '100.0.0.0/8',
  '100.128.0.0/10',
  '172.16.0.0/12',
);
const prefix = fc.oneof(insidePrefix, lookAlike);
const attachmentId = fc.constantFrom('tgw-attach-0aaaaaaaaaaaaaaaa', 'tgw-attach-0bbbbbbbbbbbbbbbb');
const route = fc.oneof(
  fc.tuple(prefix, attachmentId).map(([p, a]) => staticRoute(p, a)),
  prefix.map(blackholeRoute),
  fc.tuple(prefix, attachmentId).map(([p, a]) => propagatedRoute(p, a)),
);

/** Up to 10 routes in and around POD: static, blackhole and propagated, static ones unique per destination. */
export const anyState: fc.Arbitrary<TgwRouteTableState> = fc.array(route, { maxLength: 10 }).map((routes) => {
  const seen = new Set<string>();
  return state(
    routes.filter((r) => {
      if (r.Type !== 'static') return true;
      const key = canon(r.DestinationCidrBlock);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }),
  );
});

export const fixtures: RemediationFixtures<TgwRouteTableState> = {
  state: anyState,
  settings: fc.constantFrom<Record<string, unknown>>(
    {},
    { podCidrs: [POD] },
    { podCidrs: ['100.64.0.0/16', '100.96.0.0/12'] },
  ),
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
