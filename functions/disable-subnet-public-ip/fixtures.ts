// Test support: what the registry-wide tests and plan.test.ts generate disable-subnet-public-ip's cases from.
import type { Subnet, SubnetIpv6CidrBlockAssociation } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import type { DisableSubnetPublicIpSettings, SubnetState } from './plan.js';

export const SUBNET = 'subnet-0123456789abcdef0';
export const PUBLIC_TAG = { key: 'airlock:tier', value: 'public' } as const;

/** SUBNET as DescribeSubnets returns it: a private dual-stack subnet assigning nothing, with `extra` over it. */
export const subnet = (extra: Partial<Subnet> = {}): SubnetState => ({
  SubnetId: SUBNET,
  VpcId: 'vpc-0123456789abcdef0',
  CidrBlock: '10.0.1.0/24',
  AvailabilityZone: 'eu-west-2a',
  State: 'available',
  DefaultForAz: false,
  MapPublicIpOnLaunch: false,
  AssignIpv6AddressOnCreation: false,
  MapCustomerOwnedIpOnLaunch: false,
  Ipv6CidrBlockAssociationSet: [],
  Ipv6Native: false,
  Tags: [{ Key: 'Name', Value: 'private-a' }],
  ...extra,
});

/** An IPv6 block as DescribeSubnets lists it: Amazon-provided (public), an IPAM private range, or unstated. */
export const ipv6Block = (
  cidr: string,
  extra: Partial<SubnetIpv6CidrBlockAssociation> = {},
): SubnetIpv6CidrBlockAssociation => ({
  AssociationId: `subnet-cidr-assoc-${cidr.length.toString(16).padStart(17, '0')}`,
  Ipv6CidrBlock: cidr,
  Ipv6CidrBlockState: { State: 'associated' },
  ...extra,
});

const block = fc
  .record({
    cidr: fc.constantFrom('2600:1f13:cfe:3660::/64', '2a05:d01c:abc:de00::/64', 'fd00:ec2:0:1::/64'),
    attribute: fc.constantFrom<SubnetIpv6CidrBlockAssociation['Ipv6AddressAttribute'] | undefined>(
      undefined,
      'public',
      'private',
    ),
    state: fc.constantFrom<'associated' | 'associating' | 'disassociated'>(
      'associated',
      'associating',
      'disassociated',
    ),
  })
  .map(({ cidr, attribute, state }) =>
    ipv6Block(cidr, {
      Ipv6CidrBlockState: { State: state },
      ...(attribute ? { Ipv6AddressAttribute: attribute } : {}),
    }),
  );

/**
 * Any subnet DescribeSubnets can return: each launch attribute on or off, IPv6 blocks public, private or
 * unstated, dual-stack or IPv6-only (no IPv4, so no public or customer-owned IPv4), tagged public or not.
 */
export const anySubnet: fc.Arbitrary<SubnetState> = fc
  .record({
    ipv6Only: fc.boolean(),
    reportsNative: fc.boolean(),
    mapPublicIp: fc.boolean(),
    assignIpv6: fc.boolean(),
    customerOwned: fc.boolean(),
    blocks: fc.array(block, { maxLength: 3 }),
    tagged: fc.boolean(),
    defaultForAz: fc.boolean(),
  })
  .map((s) =>
    subnet({
      ...(s.ipv6Only ? { CidrBlock: undefined, Ipv6Native: s.reportsNative ? true : undefined } : {}),
      MapPublicIpOnLaunch: s.mapPublicIp && !s.ipv6Only,
      AssignIpv6AddressOnCreation: s.assignIpv6,
      MapCustomerOwnedIpOnLaunch: s.customerOwned && !s.ipv6Only,
      ...(s.customerOwned && !s.ipv6Only ? { CustomerOwnedIpv4Pool: 'ipv4pool-coip-0123456789abcdef0' } : {}),
      Ipv6CidrBlockAssociationSet: s.blocks,
      DefaultForAz: s.defaultForAz,
      Tags: [
        { Key: 'Name', Value: s.tagged ? 'public-a' : 'private-a' },
        ...(s.tagged ? [{ Key: PUBLIC_TAG.key, Value: PUBLIC_TAG.value }] : []),
      ],
    }),
  );

export const anySettings: fc.Arbitrary<DisableSubnetPublicIpSettings> = fc.record({
  publicSubnetIds: fc.constantFrom<string[][]>([], [SUBNET], ['subnet-0fedcba9876543210']),
  publicSubnetTag: fc.constantFrom<DisableSubnetPublicIpSettings['publicSubnetTag']>(undefined, PUBLIC_TAG),
});

export const fixtures: RemediationFixtures<SubnetState> = {
  state: anySubnet,
  settings: anySettings.map((s) => ({ ...s, publicSubnetTag: s.publicSubnetTag ?? null })),
  validIds: ['subnet-12345678', 'subnet-0a1b2c3d4e5f60718'],
  lookAlikeIds: [
    'subnet-123',
    'subnet-123456789',
    'subnet-0123456789ABCDEF0',
    'subnet-g2345678',
    'SUBNET-12345678',
    'subnet-cidr-assoc-0123456789abcdef0',
    'sg-12345678',
  ],
  cloudTrailEvents: [
    { file: 'ec2__ModifySubnetAttribute.json', resourceId: 'subnet-0a1b2c3d4e5f60718' },
    { file: 'ec2__CreateDefaultSubnet.json', resourceId: 'subnet-0f1e2d3c4b5a69788' },
  ],
};
