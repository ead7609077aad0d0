// The demo's case (`airlock demo`): a TGW route table that reaches the pod CIDR, and its look-alikes.
import {
  DEMO_ATTACHMENTS,
  DEMO_TARGETS,
  type DemoCase,
  demoTgwAttachments,
  type ScaledCase,
  scaledHex,
} from '../../cli/demo/case.js';
import { type SimRegion, tgwRoute, tgwRouteTable } from '../../cli/sim/index.js';

const REACHES_PODS = 'tgw-rtb-0a0a0a0a0a0a0c001';
const OTHER = 'tgw-rtb-0a0a0a0a0a0a0c002';

const findTgwRoute = (r: SimRegion, cidr: string) =>
  r.transitGatewayRouteTables
    .find((t) => t.TransitGatewayRouteTableId === REACHES_PODS)
    ?.Routes.find((x) => x.DestinationCidrBlock === cidr);

// at scale: a static route to the pod CIDR beside the propagated node-CIDR route and the default route
// to inspection; its look-alike without the pod route
const scaled: ScaledCase = {
  resourceId: (i, violation) => `tgw-rtb-${scaledHex(i, violation)}`,
  resource: (id, violation) =>
    tgwRouteTable({
      id,
      transitGateway: DEMO_TARGETS.transitGateway,
      routes: [
        ...(violation ? [tgwRoute('100.64.0.0/16', DEMO_ATTACHMENTS.attachment)] : []),
        tgwRoute('10.0.0.0/16', DEMO_ATTACHMENTS.attachment, 'propagated'),
        tgwRoute('0.0.0.0/0', DEMO_ATTACHMENTS.inspection),
        // the platform's standing blackhole for the pod CIDR: the default route does not carry it
        { DestinationCidrBlock: '100.64.0.0/10', Type: 'static', State: 'blackhole' },
      ],
    }),
  untouched: (r, _s, id) =>
    r.transitGatewayRouteTables
      .find((t) => t.TransitGatewayRouteTableId === id)
      ?.Routes.filter((x) => x.DestinationCidrBlock !== '100.64.0.0/16'),
};

export const demo: DemoCase = {
  scaled,
  settings: { podCidrs: ['100.64.0.0/10'] },
  violations: [
    {
      resourceId: REACHES_PODS,
      what: 'TGW route table reaches the pod CIDR (static 100.64.0.0/16, propagated 100.65.0.0/16)',
    },
  ],
  lookAlikes: [
    { what: 'TGW route to the node CIDR 10.0.0.0/16', select: (r) => findTgwRoute(r, '10.0.0.0/16') },
    { what: 'TGW default route 0.0.0.0/0 to inspection', select: (r) => findTgwRoute(r, '0.0.0.0/0') },
    {
      what: 'another TGW route table with no pod route',
      select: (r) => r.transitGatewayRouteTables.find((t) => t.TransitGatewayRouteTableId === OTHER),
    },
  ],
  resources: () => {
    const { attachment, inspection } = DEMO_ATTACHMENTS;
    return [
      tgwRouteTable({
        id: REACHES_PODS,
        transitGateway: DEMO_TARGETS.transitGateway,
        routes: [
          tgwRoute('100.64.0.0/16', attachment),
          tgwRoute('100.65.0.0/16', attachment, 'propagated'),
          tgwRoute('10.0.0.0/16', attachment, 'propagated'),
          tgwRoute('0.0.0.0/0', inspection),
        ],
      }),
      tgwRouteTable({
        id: OTHER,
        transitGateway: DEMO_TARGETS.transitGateway,
        routes: [tgwRoute('10.1.0.0/16', inspection, 'propagated')],
      }),
      ...demoTgwAttachments(),
    ];
  },
};
