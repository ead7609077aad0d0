import type { Subnet } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GONE } from '../../shared/remediation.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import { anySettings, anySubnet, ipv6Block, PUBLIC_TAG, SUBNET, subnet } from './fixtures.js';
import { disableSubnetPublicIp } from './index.js';
import {
  type DisableSubnetPublicIpSettings,
  DisableSubnetPublicIpSettingsSchema,
  LAUNCH_ATTRIBUTES,
  planDisableSubnetPublicIp,
  type SubnetState,
  type SubnetStep,
  subnetUndoConflict,
  undoSubnetStep,
} from './plan.js';

const DEFAULTS: DisableSubnetPublicIpSettings = DisableSubnetPublicIpSettingsSchema.parse({});
const AMAZON_V6 = '2600:1f13:cfe:3660::/64';
const POOL = 'ipv4pool-coip-0123456789abcdef0';

/**
 * A pure model of `ModifySubnetAttribute`: exactly one attribute per call (EC2 refuses more), its value
 * set; customer-owned addressing turned on needs a pool.
 */
function applyStep(s: SubnetState, step: SubnetStep): SubnetState {
  expect(step.input.SubnetId).toBe(s.SubnetId);
  const given = LAUNCH_ATTRIBUTES.filter((a) => step.input[a] !== undefined);
  if (given.length !== 1) throw new Error(`InvalidParameterCombination: ${given.join(', ')}`);
  const attribute = given[0]!;
  const value = step.input[attribute]!.Value === true;
  const pool = step.input.CustomerOwnedIpv4Pool ?? s.CustomerOwnedIpv4Pool;
  if (attribute === 'MapCustomerOwnedIpOnLaunch' && value && !pool) throw new Error('MissingParameter');
  return {
    ...s,
    [attribute]: value,
    ...(attribute === 'MapCustomerOwnedIpOnLaunch' && value ? { CustomerOwnedIpv4Pool: pool } : {}),
  };
}
const applyPlan = (s: SubnetState, steps: readonly SubnetStep[]) => steps.reduce(applyStep, s);
const stepsOf = (s: SubnetState, settings = DEFAULTS) => {
  const plan = planDisableSubnetPublicIp(s, settings);
  return plan.kind === 'steps' ? plan.steps : [];
};

/**
 * Independent of the planner: the subnet gives a public IPv4 or customer-owned address on launch, or an
 * IPv6 address from a block in use not marked private, on a subnet that also has IPv4.
 */
const leaks = (s: SubnetState) => {
  const live = (s.Ipv6CidrBlockAssociationSet ?? []).filter(
    (b) =>
      !['disassociated', 'disassociating', 'failed', 'failing'].includes(b.Ipv6CidrBlockState?.State ?? ''),
  );
  const ipv6Only = s.Ipv6Native === true || (!s.CidrBlock && live.length > 0);
  const publicV6 = live.length === 0 || live.some((b) => b.Ipv6AddressAttribute !== 'private');
  return (
    s.MapPublicIpOnLaunch === true ||
    s.MapCustomerOwnedIpOnLaunch === true ||
    (s.AssignIpv6AddressOnCreation === true && publicV6 && !ipv6Only)
  );
};
/** Everything but the three launch attributes: what a plan must leave as it is. */
const untouched = (s: SubnetState) => {
  const {
    MapPublicIpOnLaunch: _a,
    AssignIpv6AddressOnCreation: _b,
    MapCustomerOwnedIpOnLaunch: _c,
    ...rest
  } = s;
  return rest;
};

function subnetsOf(file: string): SubnetState[] {
  if (file.startsWith('create-subnet/')) return [loadRealWorld<{ Subnet: Subnet }>(`api/ec2/${file}`).Subnet];
  return loadRealWorld<{ Subnets: Subnet[] }>(`api/ec2/${file}`).Subnets;
}

describe('Function: planDisableSubnetPublicIp', () => {
  describe('over real DescribeSubnets and CreateSubnet answers', () => {
    const byName: DisableSubnetPublicIpSettings = {
      ...DEFAULTS,
      publicSubnetTag: { key: 'Name', value: 'MySubnet' },
    };
    it.each([
      [
        'describe-subnets/awscli__1-subnet__default-for-az__map-public-ip-on-launch__tag-Name.json',
        DEFAULTS,
        { 'subnet-8EXAMPLE': ['steps', ['MapPublicIpOnLaunch']] },
      ],
      [
        'describe-subnets/awscli__1-subnet__default-for-az__map-public-ip-on-launch__tag-Name.json',
        byName,
        { 'subnet-8EXAMPLE': ['noop', []] },
      ],
      [
        'describe-subnets/awscli__2-subnets__map-public-ip-off.json',
        DEFAULTS,
        { 'subnet-9d4a7b6c': ['noop', []], 'subnet-65ea5f08': ['noop', []] },
      ],
      [
        'create-subnet/awscli-reference__dual-stack__ipv6-block-associating__assign-ipv6-off.json',
        DEFAULTS,
        { 'subnet-0736441d38EXAMPLE': ['noop', []] },
      ],
      [
        'create-subnet/awscli-reference__ipv6-only__assign-ipv6-on__no-cidr-block.json',
        DEFAULTS,
        { 'subnet-03f720e7deEXAMPLE': ['skip', []] },
      ],
    ] as const)('plans %s as expected', (file, settings, expected) => {
      // Prepare
      const subnets = subnetsOf(file);

      // Act
      const plans = subnets.map((s) => ({ s, plan: planDisableSubnetPublicIp(s, settings) }));

      // Assess
      const got = Object.fromEntries(
        plans.map(({ s, plan }) => [
          s.SubnetId,
          [plan.kind, plan.kind === 'steps' ? plan.steps.map((x) => x.before.attribute) : []],
        ]),
      );
      expect(got).toEqual(expected);
      for (const { s, plan } of plans) {
        if (plan.kind !== 'steps') continue;
        const after = applyPlan(s, plan.steps);
        expect(leaks(after)).toBe(false);
        expect(untouched(after)).toEqual(untouched(s));
        expect(planDisableSubnetPublicIp(after, settings).kind).toBe('noop');
      }
    });

    it('turns off public IPv4 on the default subnet with exactly one attribute, keeping it for undo', () => {
      // Prepare
      const [published] = subnetsOf(
        'describe-subnets/awscli__1-subnet__default-for-az__map-public-ip-on-launch__tag-Name.json',
      );

      // Act
      const plan = planDisableSubnetPublicIp(published!, DEFAULTS);

      // Assess
      expect(plan).toEqual({
        kind: 'steps',
        steps: [
          {
            action: 'ec2:ModifySubnetAttribute',
            input: { SubnetId: 'subnet-8EXAMPLE', MapPublicIpOnLaunch: { Value: false } },
            reason:
              'MapPublicIpOnLaunch is on: the subnet gives a public IPv4 address to every instance launched in it',
            before: { attribute: 'MapPublicIpOnLaunch', value: true },
          },
        ],
      });
    });

    it('leaves IPv6 assignment on in the IPv6-only subnet (no IPv4 block, no Ipv6Native member) and says why', () => {
      // Prepare
      const [ipv6Only] = subnetsOf(
        'create-subnet/awscli-reference__ipv6-only__assign-ipv6-on__no-cidr-block.json',
      );

      // Act
      const plan = planDisableSubnetPublicIp(ipv6Only!, DEFAULTS);

      // Assess
      expect(plan).toMatchObject({ kind: 'skip', reason: expect.stringContaining('IPv6-only subnet') });
      expect(plan.notes?.[0]).toMatch(/^AssignIpv6AddressOnCreation left on: /);
    });
  });

  it.each([
    ['public IPv4', { MapPublicIpOnLaunch: true }, 'MapPublicIpOnLaunch'],
    [
      'IPv6 from an Amazon-provided block',
      { AssignIpv6AddressOnCreation: true, Ipv6CidrBlockAssociationSet: [ipv6Block(AMAZON_V6)] },
      'AssignIpv6AddressOnCreation',
    ],
    [
      'IPv6 from a block marked public',
      {
        AssignIpv6AddressOnCreation: true,
        Ipv6CidrBlockAssociationSet: [
          ipv6Block(AMAZON_V6, { Ipv6AddressAttribute: 'public', IpSource: 'amazon' }),
        ],
      },
      'AssignIpv6AddressOnCreation',
    ],
    [
      'IPv6 from a private block and a public one',
      {
        AssignIpv6AddressOnCreation: true,
        Ipv6CidrBlockAssociationSet: [
          ipv6Block('fd00:ec2:0:1::/64', { Ipv6AddressAttribute: 'private' }),
          ipv6Block(AMAZON_V6, { Ipv6CidrBlockState: { State: 'associating' } }),
        ],
      },
      'AssignIpv6AddressOnCreation',
    ],
    [
      'customer-owned IPv4',
      { MapCustomerOwnedIpOnLaunch: true, CustomerOwnedIpv4Pool: POOL },
      'MapCustomerOwnedIpOnLaunch',
    ],
  ] as [string, Partial<Subnet>, string][])(
    'turns off %s with one step naming that attribute only',
    (_n, fields, attribute) => {
      // Act
      const steps = stepsOf(subnet(fields));

      // Assess
      expect(steps).toHaveLength(1);
      expect(steps[0]!.input).toEqual({ SubnetId: SUBNET, [attribute]: { Value: false } });
      expect(steps[0]!.before).toMatchObject({ attribute, value: true });
    },
  );

  it('plans one call per attribute when all three are on, in a fixed order, the pool kept for undo', () => {
    // Prepare
    const all = subnet({
      MapPublicIpOnLaunch: true,
      AssignIpv6AddressOnCreation: true,
      MapCustomerOwnedIpOnLaunch: true,
      CustomerOwnedIpv4Pool: POOL,
      Ipv6CidrBlockAssociationSet: [ipv6Block(AMAZON_V6)],
    });

    // Act
    const steps = stepsOf(all);

    // Assess
    expect(steps.map((s) => Object.keys(s.input).sort())).toEqual([
      ['MapPublicIpOnLaunch', 'SubnetId'],
      ['AssignIpv6AddressOnCreation', 'SubnetId'],
      ['MapCustomerOwnedIpOnLaunch', 'SubnetId'],
    ]);
    expect(steps[2]!.before).toEqual({
      attribute: 'MapCustomerOwnedIpOnLaunch',
      value: true,
      customerOwnedIpv4Pool: POOL,
    });
    expect(leaks(applyPlan(all, steps))).toBe(false);
  });

  it.each([
    ['a subnet that assigns nothing', subnet()],
    [
      'a subnet with IPv6 blocks and assignment off',
      subnet({ Ipv6CidrBlockAssociationSet: [ipv6Block(AMAZON_V6)] }),
    ],
    [
      'a subnet assigning IPv6 from private blocks only',
      subnet({
        AssignIpv6AddressOnCreation: true,
        Ipv6CidrBlockAssociationSet: [
          ipv6Block('fd00:ec2:0:1::/64', { Ipv6AddressAttribute: 'private', IpSource: 'none' }),
          ipv6Block(AMAZON_V6, { Ipv6CidrBlockState: { State: 'disassociated' } }),
        ],
      }),
    ],
    ['a subnet with DNS64 on (not an address)', subnet({ EnableDns64: true })],
  ])('never plans %s', (_name, s) => {
    expect(planDisableSubnetPublicIp(s, DEFAULTS).kind).toBe('noop');
  });

  it('notes that private-only IPv6 assignment is left on although Config reports it', () => {
    // Act
    const plan = planDisableSubnetPublicIp(
      subnet({
        AssignIpv6AddressOnCreation: true,
        Ipv6CidrBlockAssociationSet: [ipv6Block('fd00:ec2:0:1::/64', { Ipv6AddressAttribute: 'private' })],
      }),
      DEFAULTS,
    );

    // Assess
    expect(plan.kind).toBe('noop');
    expect(plan.notes?.[0]).toContain('private IPv6 blocks only (fd00:ec2:0:1::/64)');
  });

  it('never touches a public-tier subnet, by id or by a tag when one is set, and says why', () => {
    // Prepare
    const tagged = subnet({
      MapPublicIpOnLaunch: true,
      Tags: [{ Key: PUBLIC_TAG.key, Value: PUBLIC_TAG.value }],
    });
    const listed = subnet({ MapPublicIpOnLaunch: true });

    // Act
    const byTag = planDisableSubnetPublicIp(tagged, { ...DEFAULTS, publicSubnetTag: PUBLIC_TAG });
    const tagIgnoredByDefault = planDisableSubnetPublicIp(tagged, DEFAULTS);
    const byId = planDisableSubnetPublicIp(listed, { ...DEFAULTS, publicSubnetIds: [SUBNET] });
    const otherListed = planDisableSubnetPublicIp(listed, {
      ...DEFAULTS,
      publicSubnetIds: ['subnet-0fedcba9876543210'],
    });

    // Assess
    expect(byTag).toEqual({
      kind: 'noop',
      reason: `public-tier subnet, never touched: ${SUBNET} is tagged airlock:tier=public (public tier)`,
    });
    expect(tagIgnoredByDefault.kind).toBe('steps');
    expect(byId).toEqual({
      kind: 'noop',
      reason: `public-tier subnet, never touched: ${SUBNET} is listed as a public-tier subnet (publicSubnetIds)`,
    });
    expect(otherListed.kind).toBe('steps');
  });

  it('rejects unknown settings and malformed subnet ids, and defaults to no public tier', () => {
    expect(() => DisableSubnetPublicIpSettingsSchema.parse({ publicSubnets: [] })).toThrow();
    expect(() => DisableSubnetPublicIpSettingsSchema.parse({ publicSubnetIds: ['subnet-../x'] })).toThrow(
      /subnet id/,
    );
    expect(() =>
      DisableSubnetPublicIpSettingsSchema.parse({ publicSubnetTag: { key: '', value: 'x' } }),
    ).toThrow();
    expect(DEFAULTS).toEqual({ publicSubnetIds: [], publicSubnetTag: undefined });
  });

  describe('undo', () => {
    it('turns each attribute back on, customer-owned addressing with its pool', () => {
      // Prepare
      const steps = stepsOf(
        subnet({
          MapPublicIpOnLaunch: true,
          MapCustomerOwnedIpOnLaunch: true,
          CustomerOwnedIpv4Pool: POOL,
        }),
      );

      // Act
      const undo = steps.flatMap(undoSubnetStep);

      // Assess
      expect(undo.map((s) => s.input)).toEqual([
        { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: true } },
        { SubnetId: SUBNET, MapCustomerOwnedIpOnLaunch: { Value: true }, CustomerOwnedIpv4Pool: POOL },
      ]);
      expect(undo.map((s) => s.reason)).toEqual([
        'undo: turn MapPublicIpOnLaunch back on',
        'undo: turn MapCustomerOwnedIpOnLaunch back on',
      ]);
      // undoing the undo turns it off again
      expect(undoSubnetStep(undo[1]!).map((s) => s.input)).toEqual([
        { SubnetId: SUBNET, MapCustomerOwnedIpOnLaunch: { Value: false } },
      ]);
    });

    it('refuses when the attribute changed since or the subnet is gone, and not otherwise', () => {
      // Prepare
      const [step] = stepsOf(subnet({ MapPublicIpOnLaunch: true }));

      // Act
      const asLeft = subnetUndoConflict(subnet({ MapPublicIpOnLaunch: false }), step!);
      const onAgain = subnetUndoConflict(subnet({ MapPublicIpOnLaunch: true }), step!);
      const gone = subnetUndoConflict(GONE, step!);

      // Assess
      expect(asLeft).toBeUndefined();
      expect(onAgain).toBe(
        `MapPublicIpOnLaunch of ${SUBNET} changed since: it is now on, the remediation left it off`,
      );
      expect(gone).toBe(`subnet ${SUBNET} no longer exists`);
    });
  });

  describe('properties', () => {
    const isPublicTier = (s: SubnetState, settings: DisableSubnetPublicIpSettings) =>
      settings.publicSubnetIds.includes(SUBNET) ||
      (settings.publicSubnetTag !== undefined && (s.Tags ?? []).some((t) => t.Key === PUBLIC_TAG.key));

    it('leaves no public launch addressing after the plan, and planning again gives noop', () => {
      fc.assert(
        fc.property(anySubnet, anySettings, (s, settings) => {
          const plan = planDisableSubnetPublicIp(s, settings);
          if (plan.kind === 'noop') {
            expect(isPublicTier(s, settings) || !leaks(s)).toBe(true);
            return;
          }
          if (plan.kind === 'skip') {
            // only an IPv6-only subnet's IPv6 assignment is ever left on
            expect(s.AssignIpv6AddressOnCreation).toBe(true);
            expect(s.MapPublicIpOnLaunch === true || s.MapCustomerOwnedIpOnLaunch === true).toBe(false);
            return;
          }
          const after = applyPlan(s, plan.steps);
          expect(leaks(after)).toBe(false);
          expect(['noop', 'skip']).toContain(planDisableSubnetPublicIp(after, settings).kind);
          expect(stepsOf(after, settings)).toEqual([]);
        }),
        { numRuns: 400 },
      );
    });

    it('changes nothing but the attributes it turns off, and never a public-tier or already-private subnet', () => {
      fc.assert(
        fc.property(anySubnet, anySettings, (s, settings) => {
          const steps = stepsOf(s, settings);
          if (isPublicTier(s, settings) || !leaks(s)) expect(steps).toEqual([]);
          const after = applyPlan(s, steps);
          expect(untouched(after)).toEqual(untouched(s));
          for (const a of LAUNCH_ATTRIBUTES) {
            const turnedOff = steps.some((x) => x.before.attribute === a);
            expect(after[a]).toBe(turnedOff ? false : s[a]);
            if (turnedOff) expect(s[a]).toBe(true);
          }
        }),
        { numRuns: 400 },
      );
    });

    it('undoes any plan back to the original subnet, with declared write and undo actions only', () => {
      fc.assert(
        fc.property(anySubnet, anySettings, (s, settings) => {
          const steps = stepsOf(s, settings);
          for (const step of steps) {
            expect(disableSubnetPublicIp.permissionsFor(settings).write).toContain(step.action);
            expect(subnetUndoConflict(applyPlan(s, steps), step)).toBeUndefined();
          }
          const undo = [...steps].reverse().flatMap(undoSubnetStep);
          for (const step of undo) expect(disableSubnetPublicIp.undoPermissions).toContain(step.action);
          expect(applyPlan(applyPlan(s, steps), undo)).toEqual(s);
        }),
        { numRuns: 300 },
      );
    });
  });
});
