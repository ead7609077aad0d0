import { DescribeSubnetsCommand, EC2Client, type Subnet } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import {
  defineKind,
  firstString,
  regionSlot,
  type SimFragment,
  type SimInput,
  type SimSnapshotReader,
} from '../kind.js';
import { applyFilters, type Filter, paginate, tagFilter } from '../paging.js';
import { cidrText, type SimTag, tagSchema } from './schema-parts.js';

/**
 * VPC subnets (EC2): their launch addressing (public IPv4, IPv6, customer-owned IPv4), IPv6 blocks and
 * tags. The VPC and its route tables are ids: route tables are their own kind.
 */

const ipv6AssociationSchema = z
  .object({
    AssociationId: z.string().optional(),
    Ipv6CidrBlock: cidrText.optional(),
    Ipv6CidrBlockState: z.object({ State: z.string().optional() }).loose().optional(),
    Ipv6AddressAttribute: z.enum(['public', 'private']).optional(),
    IpSource: z.string().optional(),
  })
  .loose();

const subnetSchema = z
  .object({
    SubnetId: z.string().regex(/^subnet-[0-9a-zA-Z]+$/, 'expected subnet-…'),
    VpcId: z.string().optional(),
    CidrBlock: cidrText.optional(),
    AvailabilityZone: z.string().optional(),
    State: z.string().optional(),
    OwnerId: z.string().optional(),
    DefaultForAz: z.boolean().optional(),
    MapPublicIpOnLaunch: z.boolean().optional(),
    AssignIpv6AddressOnCreation: z.boolean().optional(),
    MapCustomerOwnedIpOnLaunch: z.boolean().optional(),
    CustomerOwnedIpv4Pool: z.string().optional(),
    EnableDns64: z.boolean().optional(),
    Ipv6Native: z.boolean().optional(),
    Ipv6CidrBlockAssociationSet: z.array(ipv6AssociationSchema).optional(),
    Tags: z.array(tagSchema).optional(),
  })
  .loose();

/** SDK `Subnet`. */
export type SimSubnet = z.output<typeof subnetSchema>;

const slot = regionSlot({ subnets: z.array(subnetSchema).default(() => []) });

/** The boolean attributes `ModifySubnetAttribute` sets here, one per call. */
const BOOLEAN_ATTRIBUTES = [
  'MapPublicIpOnLaunch',
  'AssignIpv6AddressOnCreation',
  'MapCustomerOwnedIpOnLaunch',
  'EnableDns64',
] as const;
/** The attributes the simulator does not model (DNS names, local network interfaces). */
const OTHER_ATTRIBUTES = [
  'PrivateDnsHostnameTypeOnLaunch',
  'EnableResourceNameDnsARecordOnLaunch',
  'EnableResourceNameDnsAAAARecordOnLaunch',
  'EnableLniAtDeviceIndex',
  'DisableLniAtDeviceIndex',
] as const;

const lowerFirst = (k: string) => k[0]!.toLowerCase() + k.slice(1);

function findSubnet(ctx: SimCallContext, id: unknown): SimSubnet {
  const subnet = slot.in(ctx).subnets.find((s) => s.SubnetId === id);
  if (!subnet) throw new SimApiError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  return subnet;
}

const flag = (value: boolean | undefined) => String(value === true);

function subnetFilterValues(s: SimSubnet, name: string): (string | undefined)[] | undefined {
  const ipv6 = s.Ipv6CidrBlockAssociationSet ?? [];
  switch (name) {
    case 'subnet-id':
      return [s.SubnetId];
    case 'vpc-id':
      return [s.VpcId];
    case 'cidr-block':
    case 'cidr':
    case 'cidrBlock':
      return [s.CidrBlock];
    case 'availability-zone':
      return [s.AvailabilityZone];
    case 'state':
      return [s.State];
    case 'owner-id':
      return [s.OwnerId];
    case 'default-for-az':
      return [flag(s.DefaultForAz)];
    case 'map-public-ip-on-launch':
      return [flag(s.MapPublicIpOnLaunch)];
    case 'map-customer-owned-ip-on-launch':
      return [flag(s.MapCustomerOwnedIpOnLaunch)];
    case 'ipv6-native':
      return [flag(s.Ipv6Native)];
    case 'ipv6-cidr-block-association.ipv6-cidr-block':
      return ipv6.map((b) => b.Ipv6CidrBlock);
    case 'ipv6-cidr-block-association.association-id':
      return ipv6.map((b) => b.AssociationId);
    case 'ipv6-cidr-block-association.state':
      return ipv6.map((b) => b.Ipv6CidrBlockState?.State);
    default:
      return tagFilter(s.Tags, name);
  }
}

function describeSubnets(ctx: SimCallContext, input: SimInput) {
  const max = input.MaxResults as number | undefined;
  if (max !== undefined && (max < 5 || max > 1000)) {
    throw new SimApiError('InvalidParameterValue', `Value ( ${max} ) for parameter maxResults is invalid.`);
  }
  let subnets = slot.in(ctx).subnets;
  const ids = input.SubnetIds as string[] | undefined;
  if (ids?.length) {
    for (const id of ids) findSubnet(ctx, id);
    subnets = subnets.filter((s) => ids.includes(s.SubnetId));
  }
  const filtered = applyFilters(subnets, input.Filters as Filter[] | undefined, subnetFilterValues);
  const { page, next } = paginate(filtered, max, input.NextToken, 1000);
  return { Subnets: structuredClone(page), ...(next ? { NextToken: next } : {}) };
}

/**
 * One attribute per call, as EC2 answers: more than one is refused with the message EC2 gives
 * ("Only one subnet attribute can be modified at a time. Provided attributes: […]"); none, or an
 * attribute the simulator does not model, is refused too. Customer-owned addressing is turned on with
 * its pool (the two act as one attribute); turning it off keeps the subnet's pool.
 */
function modifySubnetAttribute(ctx: SimCallContext, input: SimInput) {
  const subnet = findSubnet(ctx, input.SubnetId);
  const given = [...BOOLEAN_ATTRIBUTES, ...OTHER_ATTRIBUTES].filter((k) => input[k] !== undefined);
  if (given.length > 1) {
    throw new SimApiError(
      'InvalidParameterCombination',
      `Only one subnet attribute can be modified at a time. Provided attributes: [${given.map(lowerFirst).sort().join(', ')}]`,
    );
  }
  const attribute = BOOLEAN_ATTRIBUTES.find((k) => k === given[0]);
  if (!attribute) {
    throw new SimApiError(
      given.length ? 'InvalidParameterValue' : 'MissingParameter',
      given.length
        ? `The simulated account does not model the subnet attribute ${given[0]}`
        : 'The request must name one subnet attribute to modify',
    );
  }
  const value = (input[attribute] as { Value?: unknown }).Value;
  if (typeof value !== 'boolean') {
    throw new SimApiError(
      'InvalidParameterValue',
      `Value for parameter ${lowerFirst(attribute)} is invalid.`,
    );
  }
  if (attribute === 'MapCustomerOwnedIpOnLaunch' && value) {
    const pool = (input.CustomerOwnedIpv4Pool as string | undefined) ?? subnet.CustomerOwnedIpv4Pool;
    if (!pool) {
      throw new SimApiError(
        'MissingParameter',
        'The parameter CustomerOwnedIpv4Pool is required when MapCustomerOwnedIpOnLaunch is true.',
      );
    }
    subnet.CustomerOwnedIpv4Pool = pool;
  }
  subnet[attribute] = value;
  return {};
}

function summarizeSubnet(s: SimSubnet) {
  const on = [
    s.MapPublicIpOnLaunch ? 'public IPv4' : undefined,
    s.AssignIpv6AddressOnCreation ? 'IPv6' : undefined,
    s.MapCustomerOwnedIpOnLaunch ? 'customer-owned IPv4' : undefined,
  ].filter(Boolean);
  return {
    kind: 'subnet',
    id: s.SubnetId,
    detail: `${s.CidrBlock ?? 'IPv6 only'}, ${on.length ? `assigns ${on.join(', ')} on launch` : 'assigns no public address on launch'}`,
  };
}

// ---------- scenario builders ----------

/**
 * A subnet for a scenario; its owner and ARN come from where it is placed. Without `cidr` it is an
 * IPv6-only subnet (give `ipv6Cidrs`).
 *
 * @example
 * ```ts
 * subnet({ id: 'subnet-0abc…', vpc, cidr: '10.0.1.0/24', mapPublicIp: true, tags: [{ Key: 'Name', Value: 'private-a' }] });
 * ```
 */
export function subnet(spec: {
  readonly id: string;
  readonly vpc: string;
  readonly cidr?: string;
  readonly ipv6Cidrs?: readonly string[];
  readonly mapPublicIp?: boolean;
  readonly assignIpv6?: boolean;
  /** Maps customer-owned IPv4 addresses on launch from this pool (an Outpost subnet). */
  readonly customerOwnedPool?: string;
  readonly tags?: readonly SimTag[];
}): SimFragment {
  return slot.fragment((view, where) => {
    view.subnets.push({
      SubnetId: spec.id,
      SubnetArn: `arn:aws:ec2:${where.region}:${where.account}:subnet/${spec.id}`,
      VpcId: spec.vpc,
      OwnerId: where.account,
      AvailabilityZone: `${where.region}a`,
      State: 'available',
      DefaultForAz: false,
      ...(spec.cidr ? { CidrBlock: spec.cidr } : {}),
      Ipv6Native: spec.cidr === undefined,
      MapPublicIpOnLaunch: spec.mapPublicIp ?? false,
      AssignIpv6AddressOnCreation: spec.assignIpv6 ?? false,
      MapCustomerOwnedIpOnLaunch: spec.customerOwnedPool !== undefined,
      ...(spec.customerOwnedPool ? { CustomerOwnedIpv4Pool: spec.customerOwnedPool } : {}),
      Ipv6CidrBlockAssociationSet: (spec.ipv6Cidrs ?? []).map((cidr, i) => ({
        AssociationId: `subnet-cidr-assoc-${spec.id.slice(-15)}${i.toString(16).padStart(2, '0')}`,
        Ipv6CidrBlock: cidr,
        Ipv6CidrBlockState: { State: 'associated' },
      })),
      ...(spec.tags ? { Tags: structuredClone([...spec.tags]) } : {}),
    });
  });
}

async function snapshotSubnets(read: SimSnapshotReader) {
  const ec2 = read.clients.get(EC2Client, read.scope);
  const subnets = await read.attempt('ec2:DescribeSubnets', () =>
    read.pages<Subnet>(async (NextToken) => {
      const page = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 100, NextToken }));
      return { items: page.Subnets, next: page.NextToken };
    }),
  );
  return subnets ? { subnets: read.plain(subnets) as SimSubnet[] } : {};
}

const SAMPLE_VPC = 'vpc-0123456789abcdef0';

/** The subnets kind. */
export const subnets = defineKind('subnets', slot, {
  apis: { ec2: { DescribeSubnets: describeSubnets, ModifySubnetAttribute: modifySubnetAttribute } },
  resourceId: (_api, input) => firstString(input, ['SubnetId']),
  summarize: (view) => view.subnets.map(summarizeSubnet),
  // a private subnet that maps public IPv4 addresses on launch (the violation), beside a public-tier
  // subnet that legitimately does and a private one that does not
  sample: () => [
    subnet({
      id: 'subnet-0abcdef0123456781',
      vpc: SAMPLE_VPC,
      cidr: '10.0.1.0/24',
      mapPublicIp: true,
      tags: [{ Key: 'Name', Value: 'private-a' }],
    }),
    subnet({
      id: 'subnet-0abcdef0123456782',
      vpc: SAMPLE_VPC,
      cidr: '10.0.0.0/24',
      mapPublicIp: true,
      tags: [
        { Key: 'Name', Value: 'public-ingress' },
        { Key: 'airlock:tier', Value: 'public' },
      ],
    }),
    subnet({
      id: 'subnet-0abcdef0123456783',
      vpc: SAMPLE_VPC,
      cidr: '10.0.2.0/24',
      tags: [{ Key: 'Name', Value: 'private-b' }],
    }),
  ],
  snapshot: snapshotSubnets,
});
