// The demo's case (`airlock demo`): a private route table with a NAT default route, beside the public tier's,
// and the sidestep of the public tier: a private subnet joined to the public-tier table.
import { DEMO_TARGETS, DEMO_VPC, type DemoCase, type ScaledCase, scaledHex } from '../../cli/demo/case.js';
import { localRoute, route, routeTable, type SimRegion } from '../../cli/sim/index.js';

const PRIVATE = 'rtb-0a0a0a0a0a0a0b001';
const PUBLIC = 'rtb-0a0a0a0a0a0a0b002';
const PUBLIC_SUBNET = 'subnet-0a0a0a0a0a0a0d002';
const JOINED_SUBNET = 'subnet-0a0a0a0a0a0a0d003';
const publicTable = (r: SimRegion) => r.routeTables.find((t) => t.RouteTableId === PUBLIC);

const findRoute = (r: SimRegion, dest: { cidr?: string; pl?: string }) =>
  r.routeTables
    .find((t) => t.RouteTableId === PRIVATE)
    ?.Routes?.find((x) =>
      dest.cidr ? x.DestinationCidrBlock === dest.cidr : x.DestinationPrefixListId === dest.pl,
    );

// at scale: a private table with a NAT default route beside local and peering routes; its look-alike a
// public-tier table, named by a tag, whose IGW route is legitimate
const scaled: ScaledCase = {
  settings: {
    publicRouteTableTag: { key: 'airlock:tier', value: 'public' },
    publicSubnetIds: [PUBLIC_SUBNET],
  },
  resourceId: (i, violation) => `rtb-${scaledHex(i, violation)}`,
  resource: (id, violation) =>
    violation
      ? routeTable({
          id,
          vpc: DEMO_VPC,
          routes: [
            localRoute('10.0.0.0/16'),
            route('0.0.0.0/0', { NatGatewayId: DEMO_TARGETS.nat }),
            route('172.31.0.0/16', { VpcPeeringConnectionId: DEMO_TARGETS.peering }),
          ],
          tags: [{ Key: 'Name', Value: 'private' }],
        })
      : routeTable({
          id,
          vpc: DEMO_VPC,
          routes: [
            localRoute('10.0.0.0/16'),
            route('0.0.0.0/0', { GatewayId: DEMO_TARGETS.internetGateway }),
          ],
          tags: [
            { Key: 'Name', Value: 'public-ingress' },
            { Key: 'airlock:tier', Value: 'public' },
          ],
        }),
  untouched: (r, _s, id) =>
    r.routeTables
      .find((t) => t.RouteTableId === id)
      ?.Routes?.filter((x) => !('NatGatewayId' in x && x.NatGatewayId)),
};

export const demo: DemoCase = {
  scaled,
  settings: { publicRouteTableIds: [PUBLIC], publicSubnetIds: [PUBLIC_SUBNET] },
  violations: [
    { resourceId: PRIVATE, what: 'private route table sends 0.0.0.0/0 to a NAT gateway' },
    {
      resourceId: PUBLIC,
      what: `sidestep: private ${JOINED_SUBNET} joined to the public-tier table, whose IGW route it now uses`,
    },
  ],
  lookAlikes: [
    {
      what: "the public tier's IGW route and its public subnet's association",
      select: (r) => [
        publicTable(r)?.Routes,
        publicTable(r)?.Associations?.find((a) => a.SubnetId === PUBLIC_SUBNET),
      ],
    },
    {
      what: 'local, S3 gateway-endpoint and peering routes of the private table',
      select: (r) => [
        findRoute(r, { cidr: '10.0.0.0/16' }),
        findRoute(r, { pl: 'pl-6da54004' }),
        findRoute(r, { cidr: '172.31.0.0/16' }),
      ],
    },
  ],
  resources: () => [
    routeTable({
      id: PRIVATE,
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
      id: PUBLIC,
      vpc: DEMO_VPC,
      associations: [
        { id: 'rtbassoc-0a0a0a0a0a0a0b021', subnet: PUBLIC_SUBNET },
        { id: 'rtbassoc-0a0a0a0a0a0a0b022', subnet: JOINED_SUBNET },
      ],
      routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { GatewayId: DEMO_TARGETS.internetGateway })],
      tags: [{ Key: 'Name', Value: 'public-ingress' }],
    }),
  ],
};
