import type {
  ModifySubnetAttributeCommandInput,
  Subnet,
  SubnetIpv6CidrBlockAssociation,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { PublicTierTagSchema, publicTierIdsSchema, publicTierReason } from '../../shared/public-tier.js';
import { GONE, type Gone, type Plan, type Step } from '../../shared/remediation.js';
import '../../shared/zod.js';
import { subnetKind } from './resource-kind.js';

/** The subnet as DescribeSubnets returns it: its launch addressing, IPv6 blocks, tags, VPC. */
export type SubnetState = Subnet;

export const DisableSubnetPublicIpSettingsSchema = z.strictObject({
  /** Subnets of the public tier: their instances legitimately get public addresses; never touched. */
  publicSubnetIds: publicTierIdsSchema(subnetKind),
  /**
   * A tag that marks a public-tier subnet, e.g. `{ key: 'airlock:tier', value: 'public' }`. Off (`null`)
   * by default: whoever owns a subnet can usually write its tags, so a tag would let the owner of a
   * drifted private subnet exempt it; only `publicSubnetIds` counts unless this is set.
   */
  publicSubnetTag: PublicTierTagSchema,
});
export type DisableSubnetPublicIpSettings = z.infer<typeof DisableSubnetPublicIpSettingsSchema>;

/**
 * The subnet attributes that give an instance an address on launch, in the order they are turned off.
 * `ModifySubnetAttribute` takes one attribute per call: one step each.
 */
export const LAUNCH_ATTRIBUTES = [
  'MapPublicIpOnLaunch',
  'AssignIpv6AddressOnCreation',
  'MapCustomerOwnedIpOnLaunch',
] as const;
export type LaunchAttribute = (typeof LAUNCH_ATTRIBUTES)[number];

/** What a step changes, as it was: the attribute and its value before. */
export interface AttributeBefore {
  readonly attribute: LaunchAttribute;
  readonly value: boolean;
  /** The customer-owned pool the subnet mapped from: turning MapCustomerOwnedIpOnLaunch back on names it. */
  readonly customerOwnedIpv4Pool?: string;
}

/** `ModifySubnetAttribute` setting one launch attribute. */
export type SubnetStep = Step<ModifySubnetAttributeCommandInput> & {
  readonly action: 'ec2:ModifySubnetAttribute';
  readonly before: AttributeBefore;
};

/** An address the subnet gives on launch, and why it cannot be turned off when it cannot. */
export interface LaunchAddressing {
  readonly attribute: LaunchAttribute;
  /** What the subnet assigns, in words. */
  readonly what: string;
  /** Why the attribute stays on (an IPv6-only subnet's IPv6 assignment), when it does. */
  readonly blocked?: string;
}

const onOff = (value: boolean) => (value ? 'on' : 'off');

/**
 * The input that sets one attribute; turning customer-owned addressing on names its pool too (EC2
 * treats the two as one attribute).
 */
export function attributeInput(
  subnetId: string,
  attribute: LaunchAttribute,
  value: boolean,
  customerOwnedIpv4Pool?: string,
): ModifySubnetAttributeCommandInput {
  const input: ModifySubnetAttributeCommandInput = { SubnetId: subnetId };
  input[attribute] = { Value: value };
  if (attribute === 'MapCustomerOwnedIpOnLaunch' && value && customerOwnedIpv4Pool) {
    input.CustomerOwnedIpv4Pool = customerOwnedIpv4Pool;
  }
  return input;
}

/** The value a step gives its attribute. */
export function valueSetBy(step: SubnetStep): boolean {
  return step.input[step.before.attribute]?.Value === true;
}

/** The subnet's IPv6 blocks in use (associating or associated). */
function ipv6Blocks(subnet: SubnetState): SubnetIpv6CidrBlockAssociation[] {
  return (subnet.Ipv6CidrBlockAssociationSet ?? []).filter((b) => {
    const state = b.Ipv6CidrBlockState?.State;
    return state === undefined || state === 'associating' || state === 'associated';
  });
}

/** The CIDRs of the subnet's IPv6 blocks in use. */
function ipv6Cidrs(subnet: SubnetState): string[] {
  return ipv6Blocks(subnet).flatMap((b) => (b.Ipv6CidrBlock ? [b.Ipv6CidrBlock] : []));
}

/**
 * True when every IPv6 block the subnet assigns from is private (`Ipv6AddressAttribute: private`, an
 * IPAM private range): its IPv6 addresses are not advertised on the internet. A block that does not
 * say is public (Amazon-provided IPv6 is).
 */
export function assignsPrivateIpv6Only(subnet: SubnetState): boolean {
  const blocks = ipv6Blocks(subnet);
  return blocks.length > 0 && blocks.every((b) => b.Ipv6AddressAttribute === 'private');
}

/**
 * True for an IPv6-only subnet: `Ipv6Native`, or IPv6 blocks and no IPv4 block (older answers and the
 * CLI's own example leave `Ipv6Native` out).
 */
export function isIpv6Only(subnet: SubnetState): boolean {
  return subnet.Ipv6Native === true || (subnet.CidrBlock === undefined && ipv6Blocks(subnet).length > 0);
}

/**
 * The addresses the subnet gives on launch that can reach past the isolated platform: a public IPv4
 * address (`MapPublicIpOnLaunch`), an IPv6 address from a block that is not private
 * (`AssignIpv6AddressOnCreation`), a customer-owned IPv4 address, routable on the on-premises network
 * through an Outpost's local gateway (`MapCustomerOwnedIpOnLaunch`). An IPv6-only subnet's IPv6
 * assignment is found but blocked: its instances have no other address.
 */
export function findPublicLaunchAddressing(subnet: SubnetState): LaunchAddressing[] {
  const found: LaunchAddressing[] = [];
  if (subnet.MapPublicIpOnLaunch === true) {
    found.push({
      attribute: 'MapPublicIpOnLaunch',
      what: 'a public IPv4 address to every instance launched in it',
    });
  }
  if (subnet.AssignIpv6AddressOnCreation === true && !assignsPrivateIpv6Only(subnet)) {
    const cidrs = ipv6Cidrs(subnet);
    found.push({
      attribute: 'AssignIpv6AddressOnCreation',
      what: `an IPv6 address${cidrs.length ? ` from ${cidrs.join(', ')}` : ''} to every network interface created in it`,
      ...(isIpv6Only(subnet)
        ? {
            blocked:
              'an IPv6-only subnet: its instances get no other address, so turning IPv6 assignment off would break every launch; keep the subnet isolated by its routes',
          }
        : {}),
    });
  }
  if (subnet.MapCustomerOwnedIpOnLaunch === true) {
    const pool = subnet.CustomerOwnedIpv4Pool;
    found.push({
      attribute: 'MapCustomerOwnedIpOnLaunch',
      what: `a customer-owned IPv4 address${pool ? ` from ${pool}` : ''}, reachable from the on-premises network, to every network interface created in it`,
    });
  }
  return found;
}

/** Why a subnet belongs to the public tier, or undefined when it does not. */
function publicSubnetReason(
  subnet: SubnetState,
  settings: DisableSubnetPublicIpSettings,
): string | undefined {
  return publicTierReason(
    { id: subnet.SubnetId, tags: subnet.Tags ?? [] },
    {
      ids: settings.publicSubnetIds,
      tag: settings.publicSubnetTag,
      idsSetting: 'publicSubnetIds',
      noun: 'subnet',
    },
  );
}

/** A note for an IPv6 assignment from private ranges only: nothing public, though Config reports it. */
function privateIpv6Notes(subnet: SubnetState): string[] {
  if (subnet.AssignIpv6AddressOnCreation !== true || !assignsPrivateIpv6Only(subnet)) return [];
  return [
    `AssignIpv6AddressOnCreation is on from private IPv6 blocks only (${ipv6Cidrs(subnet).join(', ')}): no public address; AWS Config's rule reports it all the same`,
  ];
}

/**
 * Plans turning off, one `ModifySubnetAttribute` each, every launch attribute of a private subnet that
 * gives instances an address reaching past the platform: public IPv4, public IPv6, customer-owned IPv4.
 * Public-tier subnets are never touched. Pure.
 *
 * @example
 * ```ts
 * planDisableSubnetPublicIp({ SubnetId: 'subnet-0123456789abcdef0', MapPublicIpOnLaunch: true }, { publicSubnetIds: [], publicSubnetTag: undefined });
 * // { kind: 'steps', steps: [{ action: 'ec2:ModifySubnetAttribute',
 * //   input: { SubnetId: 'subnet-0123456789abcdef0', MapPublicIpOnLaunch: { Value: false } }, … }] }
 * ```
 */
export function planDisableSubnetPublicIp(
  subnet: SubnetState,
  settings: DisableSubnetPublicIpSettings,
): Plan<SubnetStep> {
  const publicTier = publicSubnetReason(subnet, settings);
  if (publicTier) return { kind: 'noop', reason: `public-tier subnet, never touched: ${publicTier}` };
  const found = findPublicLaunchAddressing(subnet);
  const privateIpv6 = privateIpv6Notes(subnet);
  if (found.length === 0) {
    return {
      kind: 'noop',
      reason: 'assigns no public IPv4, public IPv6 or customer-owned address on launch',
      ...(privateIpv6.length ? { notes: privateIpv6 } : {}),
    };
  }
  const subnetId = subnet.SubnetId ?? '';
  const pool = subnet.CustomerOwnedIpv4Pool;
  const notes = [
    ...privateIpv6,
    ...found.flatMap((f) => (f.blocked ? [`${f.attribute} left on: ${f.blocked}`] : [])),
  ];
  const steps: SubnetStep[] = found
    .filter((f) => !f.blocked)
    .map((f) => ({
      action: 'ec2:ModifySubnetAttribute',
      input: attributeInput(subnetId, f.attribute, false),
      reason: `${f.attribute} is on: the subnet gives ${f.what}`,
      before: {
        attribute: f.attribute,
        value: true,
        ...(f.attribute === 'MapCustomerOwnedIpOnLaunch' && pool ? { customerOwnedIpv4Pool: pool } : {}),
      },
    }));
  if (steps.length === 0) return { kind: 'skip', reason: notes.join('; '), notes };
  return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
}

/**
 * The inverse of a step: the attribute goes back to the value the step found (customer-owned
 * addressing with the pool it kept), and vice versa.
 */
export function undoSubnetStep(step: SubnetStep): SubnetStep[] {
  const { attribute, value: previous } = step.before;
  const set = valueSetBy(step);
  if (previous === set) return [];
  const pool = step.before.customerOwnedIpv4Pool ?? step.input.CustomerOwnedIpv4Pool;
  return [
    {
      action: 'ec2:ModifySubnetAttribute',
      input: attributeInput(step.input.SubnetId ?? '', attribute, previous, pool),
      reason: `undo: turn ${attribute} back ${onOff(previous)}`,
      before: { attribute, value: set, ...(pool ? { customerOwnedIpv4Pool: pool } : {}) },
    },
  ];
}

/**
 * Why undoing `step` now would conflict: the subnet is gone, or its attribute is no longer what the
 * step left (someone changed it since; undoing would overwrite that change). Pure.
 */
export function subnetUndoConflict(state: SubnetState | Gone, step: SubnetStep): string | undefined {
  if (state === GONE) return `subnet ${step.input.SubnetId} no longer exists`;
  const { attribute } = step.before;
  const left = valueSetBy(step);
  const now = state[attribute] === true;
  if (now !== left) {
    return `${attribute} of ${state.SubnetId} changed since: it is now ${onOff(now)}, the remediation left it ${onOff(left)}`;
  }
  return undefined;
}
