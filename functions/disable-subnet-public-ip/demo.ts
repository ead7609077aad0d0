// The demo's case (`airlock demo`): a private subnet that gives public IPv4 and IPv6 addresses on
// launch, beside the public tier's subnet and a private subnet that gives none.
import { DEMO_VPC, type DemoCase, type ScaledCase, scaledHex } from '../../cli/demo/case.js';
import type { SimRegion } from '../../cli/sim/index.js';
import { subnet } from '../../cli/sim/kinds/subnets.js';

const PRIVATE = 'subnet-0a0a0a0a0a0a0d001';
const PUBLIC = 'subnet-0a0a0a0a0a0a0d002';
const ALREADY_PRIVATE = 'subnet-0a0a0a0a0a0a0d003';

const find = (r: SimRegion, id: string) => r.subnets.find((s) => s.SubnetId === id);

// at scale: a private subnet that maps public IPv4 addresses on launch; its look-alike a public-tier subnet,
// named by a tag, that does so by design
const scaled: ScaledCase = {
  settings: { publicSubnetTag: { key: 'airlock:tier', value: 'public' } },
  resourceId: (i, violation) => `subnet-${scaledHex(i, violation)}`,
  resource: (id, violation) =>
    subnet({
      id,
      vpc: DEMO_VPC,
      cidr: '10.0.1.0/24',
      mapPublicIp: true,
      tags: violation
        ? [{ Key: 'Name', Value: 'private' }]
        : [
            { Key: 'Name', Value: 'public-ingress' },
            { Key: 'airlock:tier', Value: 'public' },
          ],
    }),
  untouched: (r, _s, id, violation) => {
    const s = find(r, id);
    return violation ? s && [s.CidrBlock, s.Tags, s.AssignIpv6AddressOnCreation] : s;
  },
};

export const demo: DemoCase = {
  scaled,
  settings: { publicSubnetIds: [PUBLIC] },
  violations: [
    { resourceId: PRIVATE, what: 'private subnet gives every instance a public IPv4 and an IPv6 address' },
  ],
  lookAlikes: [
    { what: "the public tier's subnet, which maps public IPs by design", select: (r) => find(r, PUBLIC) },
    { what: 'a private subnet that assigns no public address', select: (r) => find(r, ALREADY_PRIVATE) },
    {
      what: 'the private subnet’s CIDR blocks and tags',
      select: (r) => {
        const s = find(r, PRIVATE);
        return s && [s.CidrBlock, s.Ipv6CidrBlockAssociationSet, s.Tags, s.MapCustomerOwnedIpOnLaunch];
      },
    },
  ],
  resources: () => [
    subnet({
      id: PRIVATE,
      vpc: DEMO_VPC,
      cidr: '10.0.1.0/24',
      ipv6Cidrs: ['2a05:d01c:0abc:de01::/64'],
      mapPublicIp: true,
      assignIpv6: true,
      tags: [{ Key: 'Name', Value: 'private-a' }],
    }),
    subnet({
      id: PUBLIC,
      vpc: DEMO_VPC,
      cidr: '10.0.0.0/24',
      mapPublicIp: true,
      tags: [{ Key: 'Name', Value: 'public-ingress' }],
    }),
    subnet({
      id: ALREADY_PRIVATE,
      vpc: DEMO_VPC,
      cidr: '10.0.2.0/24',
      tags: [{ Key: 'Name', Value: 'private-b' }],
    }),
  ],
};
