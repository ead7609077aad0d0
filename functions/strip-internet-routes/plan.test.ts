import type { Route, RouteTable } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GONE } from '../../shared/remediation.js';
import { loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { anySettings, anyTable, destKey, LOCAL, PUBLIC_SUBNET, TABLE, table } from './fixtures.js';
import { stripInternetRoutes } from './index.js';
import {
  findInternetRoutes,
  planStripInternetRoutes,
  type RouteStep,
  type RouteTableState,
  routeDestination,
  routeStepTable,
  routeUndoConflict,
  type StripInternetRoutesSettings,
  StripInternetRoutesSettingsSchema,
  undoRouteStep,
} from './plan.js';

const DEFAULTS: StripInternetRoutesSettings = StripInternetRoutesSettingsSchema.parse({});
const FOLDER = 'api/ec2/describe-route-tables';

/** A pure model of EC2 route tables: what the table holds after a step (errors as EC2 names them). */
function applyStep(s: RouteTableState, step: RouteStep): RouteTableState {
  const routes = s.Routes ?? [];
  const associations = s.Associations ?? [];
  if (step.action === 'ec2:DisassociateRouteTable') {
    const id = step.input.AssociationId;
    if (!associations.some((a) => a.RouteTableAssociationId === id))
      throw new Error('InvalidAssociationID.NotFound');
    return { ...s, Associations: associations.filter((a) => a.RouteTableAssociationId !== id) };
  }
  if (step.action === 'ec2:AssociateRouteTable') {
    const { association } = step.before;
    if (associations.some((a) => a.SubnetId === step.input.SubnetId))
      throw new Error('Resource.AlreadyAssociated');
    return { ...s, Associations: [...associations, { ...association, Main: false }] };
  }
  const { RouteTableId: _id, ...rest } = step.input;
  const key = JSON.stringify(
    'DestinationCidrBlock' in rest
      ? { DestinationCidrBlock: rest.DestinationCidrBlock }
      : 'DestinationIpv6CidrBlock' in rest
        ? { DestinationIpv6CidrBlock: rest.DestinationIpv6CidrBlock }
        : { DestinationPrefixListId: rest.DestinationPrefixListId },
  );
  if (step.action === 'ec2:DeleteRoute') {
    if (!routes.some((r) => destKey(r) === key)) throw new Error('InvalidRoute.NotFound');
    return { ...s, Routes: routes.filter((r) => destKey(r) !== key) };
  }
  if (routes.some((r) => destKey(r) === key)) throw new Error('RouteAlreadyExists');
  const { RouteTableId: _t, ...fields } = step.input;
  return { ...s, Routes: [...routes, { ...fields, Origin: 'CreateRoute', State: 'active' } as Route] };
}
const applyPlan = (s: RouteTableState, steps: readonly RouteStep[]) => steps.reduce(applyStep, s);
const signature = (s: RouteTableState) =>
  [
    ...(s.Associations ?? []).map((a) => JSON.stringify([a.SubnetId, a.Main, a.RouteTableId])),
    ...(s.Routes ?? []).map((r) =>
      JSON.stringify([
        routeDestination(r),
        r.GatewayId,
        r.NatGatewayId,
        r.EgressOnlyInternetGatewayId,
        r.CarrierGatewayId,
        r.VpcPeeringConnectionId,
        r.NetworkInterfaceId,
        r.TransitGatewayId,
      ]),
    ),
  ]
    .sort()
    .join('\n');
/** Independent of the planner: a deletable route to the internet is left. */
const hasInternetRoute = (s: RouteTableState) =>
  (s.Routes ?? []).some(
    (r) =>
      (r.State === 'active' || r.State === 'blackhole') &&
      r.Origin === 'CreateRoute' &&
      (/^igw-/.test(r.GatewayId ?? '') ||
        /^nat-/.test(r.NatGatewayId ?? '') ||
        /^eigw-/.test(r.EgressOnlyInternetGatewayId ?? '') ||
        /^cagw-/.test(r.CarrierGatewayId ?? '')),
  );
/** Independent of the planner: a subnet outside the public tier still served by the table. */
const servesLiveStray = (s: RouteTableState, settings: StripInternetRoutesSettings) =>
  (s.Associations ?? []).some(
    (a) =>
      a.SubnetId !== undefined &&
      !['disassociated', 'disassociating', 'failed'].includes(a.AssociationState?.State ?? 'associated') &&
      !settings.publicSubnetIds.includes(a.SubnetId),
  );

function tablesOf(file: string): RouteTableState[] {
  const data = file.startsWith('placebo__')
    ? loadPlacebo<{ RouteTables: RouteTable[] }>(`${FOLDER}/${file}`)
    : loadRealWorld<{ RouteTables: RouteTable[] }>(`${FOLDER}/${file}`);
  return data.RouteTables;
}

describe('Function: planStripInternetRoutes', () => {
  describe('over real DescribeRouteTables answers', () => {
    // the subnets the ingress tables of the recorded answer serve
    const ingressSubnets = [
      'subnet-0b5bd0c426f2d2833',
      'subnet-09e7dd01ed236e50c',
      'subnet-0fba8806c8acb78c9',
    ];
    const publicByType = StripInternetRoutesSettingsSchema.parse({
      publicRouteTableTag: { key: 'Type', value: 'Ingress' },
      publicSubnetIds: ingressSubnets,
    });
    const publicByName = StripInternetRoutesSettingsSchema.parse({
      publicRouteTableTag: { key: 'Name', value: 'public' },
      publicSubnetIds: ['subnet-02e1a5b426e2b16a9'],
    });
    it.each([
      [
        'awscli__3-tables__local__nat-0.0.0.0-0-blackhole__igw-0.0.0.0-0.json',
        DEFAULTS,
        ['rtb-09ba434c1bEXAMPLE', 'rtb-a1eec7de', 'rtb-07a98f76e5EXAMPLE'],
      ],
      ['botocore-example__single-table__local-route-only.json', DEFAULTS, []],
      [
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
        DEFAULTS,
        [
          'rtb-02dab232d4d3e7062',
          'rtb-0790946c364d31f08',
          'rtb-046ba441cf1187b69',
          'rtb-0ba85f9bc06635600',
          'rtb-036b56057df88bd48',
          'rtb-0e40b5294fd751b38',
          'rtb-006b59c15032dee2c',
          'rtb-0da8d0fc8d7c46a45',
          'rtb-0564036d8c3e1e117',
        ],
      ],
      [
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
        publicByType,
        [
          'rtb-0790946c364d31f08',
          'rtb-046ba441cf1187b69',
          'rtb-0e40b5294fd751b38',
          'rtb-006b59c15032dee2c',
          'rtb-0da8d0fc8d7c46a45',
          'rtb-0564036d8c3e1e117',
        ],
      ],
      [
        'placebo__4-tables__blackhole__instance-eni-target__vpc-peering__vpce__igw.json',
        DEFAULTS,
        ['rtb-309e3d5b', 'rtb-e888328d', 'rtb-0c91a369'],
      ],
      [
        'placebo__4-tables__igw-default-route__local.json',
        DEFAULTS,
        ['rtb-75bad00b', 'rtb-093c0ae5ab7524554'],
      ],
      ['placebo__4-tables__igw-default-route__local.json', publicByName, ['rtb-75bad00b']],
    ])('plans exactly the private tables with internet routes of %s', (file, settings, expected) => {
      // Prepare
      const tables = tablesOf(file);

      // Act
      const plans = tables.map((t) => ({ t, plan: planStripInternetRoutes(t, settings) }));

      // Assess
      expect(plans.filter((p) => p.plan.kind === 'steps').map((p) => p.t.RouteTableId)).toEqual(expected);
      for (const { t, plan } of plans) {
        if (plan.kind !== 'steps') {
          expect(plan.kind).toBe('noop');
          continue;
        }
        for (const step of plan.steps) {
          expect(step.action).toBe('ec2:DeleteRoute');
          expect(routeStepTable(step)).toBe(t.RouteTableId);
        }
        const after = applyPlan(t, plan.steps);
        expect(hasInternetRoute(after)).toBe(false);
        expect(planStripInternetRoutes(after, settings).kind).toBe('noop');
        // only internet routes went away: local, gateway endpoints, peering, ENIs stay
        const gone = (t.Routes ?? []).filter((r) => !(after.Routes ?? []).includes(r));
        for (const r of gone)
          expect(r.GatewayId?.startsWith('igw-') || r.NatGatewayId?.startsWith('nat-')).toBe(true);
        for (const r of after.Routes ?? []) expect(r.GatewayId?.startsWith('igw-') ?? false).toBe(false);
      }
    });

    it('deletes the blackhole route to a deleted NAT gateway by its exact destination', () => {
      // Prepare
      const [natTable] = tablesOf('awscli__3-tables__local__nat-0.0.0.0-0-blackhole__igw-0.0.0.0-0.json');

      // Act
      const plan = planStripInternetRoutes(natTable!, DEFAULTS);

      // Assess
      expect(plan).toEqual({
        kind: 'steps',
        steps: [
          {
            action: 'ec2:DeleteRoute',
            input: { RouteTableId: 'rtb-09ba434c1bEXAMPLE', DestinationCidrBlock: '0.0.0.0/0' },
            reason: '0.0.0.0/0 -> nat-06c018cbd8EXAMPLE (blackhole)',
            before: {
              route: {
                DestinationCidrBlock: '0.0.0.0/0',
                NatGatewayId: 'nat-06c018cbd8EXAMPLE',
                Origin: 'CreateRoute',
                State: 'blackhole',
              },
            },
          },
        ],
      });
    });
  });

  it.each([
    [
      'IPv6 ::/0 to an egress-only internet gateway',
      { DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0' },
      { DestinationIpv6CidrBlock: '::/0' },
    ],
    [
      'IPv6 ::/0 to an internet gateway',
      { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-0123456789abcdef0' },
      { DestinationIpv6CidrBlock: '::/0' },
    ],
    [
      'a prefix list to a NAT gateway',
      { DestinationPrefixListId: 'pl-0123456789abcdef0', NatGatewayId: 'nat-0123456789abcdef0' },
      { DestinationPrefixListId: 'pl-0123456789abcdef0' },
    ],
    [
      'a /8 to an internet gateway',
      { DestinationCidrBlock: '52.0.0.0/8', GatewayId: 'igw-0123456789abcdef0' },
      { DestinationCidrBlock: '52.0.0.0/8' },
    ],
  ])('deletes %s by that destination', (_name, fields, destination) => {
    // Prepare
    const route: Route = { ...fields, Origin: 'CreateRoute', State: 'active' };

    // Act
    const plan = planStripInternetRoutes(table([LOCAL, route]), DEFAULTS);

    // Assess
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [{ input: { RouteTableId: TABLE, ...destination } }],
    });
    if (plan.kind === 'steps')
      expect(Object.keys(plan.steps[0]!.input).sort()).toEqual(
        ['RouteTableId', ...Object.keys(destination)].sort(),
      );
  });

  it.each([
    ['a local route', LOCAL],
    [
      'a gateway endpoint route',
      {
        DestinationPrefixListId: 'pl-68a54001',
        GatewayId: 'vpce-036452b71622c1bf8',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ],
    [
      'a peering route',
      {
        DestinationCidrBlock: '10.1.0.0/16',
        VpcPeeringConnectionId: 'pcx-36096b5f',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ],
    [
      'a transit gateway default route',
      {
        DestinationCidrBlock: '0.0.0.0/0',
        TransitGatewayId: 'tgw-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ],
    [
      'an ENI blackhole route',
      {
        DestinationCidrBlock: '10.244.1.0/24',
        NetworkInterfaceId: 'eni-961cc8ce',
        Origin: 'CreateRoute',
        State: 'blackhole',
      },
    ],
    [
      'an instance route',
      {
        DestinationCidrBlock: '0.0.0.0/0',
        InstanceId: 'i-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'active',
      },
    ],
    [
      'a VPN gateway propagated route',
      {
        DestinationCidrBlock: '192.168.0.0/16',
        GatewayId: 'vgw-0123456789abcdef0',
        Origin: 'EnableVgwRoutePropagation',
        State: 'active',
      },
    ],
  ] as [string, Route][])('never plans %s', (_name, route) => {
    expect(planStripInternetRoutes(table([LOCAL, route]), DEFAULTS).kind).toBe('noop');
  });

  it('never touches a public-tier table, by id or by a tag when one is set, and says why', () => {
    // Prepare
    const igw: Route = {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: 'igw-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    };
    const tagged = table([LOCAL, igw], { Tags: [{ Key: 'airlock:tier', Value: 'public' }] });
    const listed = table([LOCAL, igw]);

    // Act
    const byTag = planStripInternetRoutes(
      tagged,
      StripInternetRoutesSettingsSchema.parse({
        publicRouteTableTag: { key: 'airlock:tier', value: 'public' },
        publicSubnetIds: [PUBLIC_SUBNET],
      }),
    );
    const byId = planStripInternetRoutes(listed, {
      ...DEFAULTS,
      publicRouteTableIds: [TABLE],
      publicSubnetIds: [PUBLIC_SUBNET],
    });
    // by default a tag counts for nothing: the table's owner could write it
    const tagOff = planStripInternetRoutes(tagged, DEFAULTS);

    // Assess
    expect(byTag).toMatchObject({ kind: 'noop', reason: expect.stringContaining('airlock:tier=public') });
    expect(byId).toMatchObject({ kind: 'noop', reason: expect.stringContaining('publicRouteTableIds') });
    expect(tagOff.kind).toBe('steps');
  });

  describe('a private subnet joined to a public-tier table (the sidestep of the public tier)', () => {
    const igw: Route = {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: 'igw-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    };
    const PRIVATE = 'subnet-0b0b0b0b0b0b0b0b1';
    const association = (id: string, subnet: string) => ({
      RouteTableAssociationId: id,
      RouteTableId: TABLE,
      SubnetId: subnet,
      Main: false,
      AssociationState: { State: 'associated' as const },
    });
    const settings = StripInternetRoutesSettingsSchema.parse({
      publicRouteTableIds: [TABLE],
      publicSubnetIds: [PUBLIC_SUBNET],
    });

    it('takes the private subnet off the table, leaves its routes and the public subnet', () => {
      // Prepare
      const joined = table([LOCAL, igw], {
        Associations: [
          association('rtbassoc-0c0c0c0c0c0c0c0c0', PUBLIC_SUBNET),
          association('rtbassoc-0c0c0c0c0c0c0c0c1', PRIVATE),
        ],
      });

      // Act
      const plan = planStripInternetRoutes(joined, settings);

      // Assess
      expect(plan).toMatchObject({
        kind: 'steps',
        steps: [
          {
            action: 'ec2:DisassociateRouteTable',
            input: { AssociationId: 'rtbassoc-0c0c0c0c0c0c0c0c1' },
            reason: expect.stringContaining(`${PRIVATE} is not a public-tier subnet`),
          },
        ],
      });
      if (plan.kind !== 'steps') return;
      expect(plan.steps).toHaveLength(1);
      const after = applyPlan(joined, plan.steps);
      expect(after.Routes).toEqual(joined.Routes);
      expect(after.Associations?.map((a) => a.SubnetId)).toEqual([PUBLIC_SUBNET]);
      expect(planStripInternetRoutes(after, settings).kind).toBe('noop');
      // undo joins it again; a rollback finds nothing to do when it is back already
      const undo = plan.steps.flatMap(undoRouteStep);
      expect(undo).toMatchObject([
        { action: 'ec2:AssociateRouteTable', input: { RouteTableId: TABLE, SubnetId: PRIVATE } },
      ]);
      expect(signature(applyPlan(after, undo))).toEqual(signature(joined));
      expect(routeUndoConflict(after, plan.steps[0]!)).toBeUndefined();
      expect(routeUndoConflict(joined, plan.steps[0]!)).toContain('again');
      expect(routeStepTable(plan.steps[0]!)).toBe(TABLE);
    });

    it('leaves a public-tier table alone when it serves public-tier subnets only, or routes nowhere', () => {
      const fine = table([LOCAL, igw], {
        Associations: [association('rtbassoc-0c0c0c0c0c0c0c0c0', PUBLIC_SUBNET)],
      });
      const noInternet = table([LOCAL], {
        Associations: [association('rtbassoc-0c0c0c0c0c0c0c0c1', PRIVATE)],
      });
      expect(planStripInternetRoutes(fine, settings)).toMatchObject({
        kind: 'noop',
        reason: expect.stringContaining('serves public-tier subnets only'),
      });
      expect(planStripInternetRoutes(noInternet, settings).kind).toBe('noop');
    });

    it('cannot fix a public-tier table made the VPC main table, and says what to do', () => {
      const main = table([LOCAL, igw], {
        Associations: [
          { RouteTableAssociationId: 'rtbassoc-0d0d0d0d0d0d0d0d0', RouteTableId: TABLE, Main: true },
        ],
      });
      expect(planStripInternetRoutes(main, settings)).toMatchObject({
        kind: 'skip',
        reason: expect.stringContaining("the VPC's main route table"),
      });
    });

    it('finds the ingress tables of a real answer serving a subnet the public tier does not list', () => {
      // the recorded answer's three ingress tables, with one of their subnets left out of the tier
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const partial = StripInternetRoutesSettingsSchema.parse({
        publicRouteTableTag: { key: 'Type', value: 'Ingress' },
        publicSubnetIds: ['subnet-0b5bd0c426f2d2833', 'subnet-09e7dd01ed236e50c'],
      });
      const disassociations = tables
        .map((t) => planStripInternetRoutes(t, partial))
        .flatMap((p) => (p.kind === 'steps' ? p.steps : []))
        .filter((x) => x.action === 'ec2:DisassociateRouteTable');
      expect(disassociations.map((x) => x.before.association)).toEqual([
        expect.objectContaining({
          RouteTableId: 'rtb-036b56057df88bd48',
          SubnetId: 'subnet-0fba8806c8acb78c9',
        }),
      ]);
    });
  });

  it('deletes a route to a carrier gateway: a Wavelength zone reaches the internet through it', () => {
    const cagw: Route = {
      DestinationCidrBlock: '0.0.0.0/0',
      CarrierGatewayId: 'cagw-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    };
    const plan = planStripInternetRoutes(table([LOCAL, cagw]), DEFAULTS);
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [{ action: 'ec2:DeleteRoute', input: { DestinationCidrBlock: '0.0.0.0/0' } }],
    });
    if (plan.kind !== 'steps') return;
    expect(plan.steps.flatMap(undoRouteStep)).toMatchObject([
      { action: 'ec2:CreateRoute', input: { CarrierGatewayId: 'cagw-0123456789abcdef0' } },
    ]);
  });

  it('reports a propagated internet route instead of planning its deletion', () => {
    // Prepare
    const propagated: Route = {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: 'igw-0123456789abcdef0',
      Origin: 'EnableVgwRoutePropagation',
      State: 'active',
    };
    const nat: Route = {
      DestinationIpv6CidrBlock: '64:ff9b::/96',
      NatGatewayId: 'nat-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    };

    // Act
    const alone = planStripInternetRoutes(table([LOCAL, propagated]), DEFAULTS);
    const mixed = planStripInternetRoutes(table([LOCAL, propagated, nat]), DEFAULTS);

    // Assess
    expect(alone).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('EnableVgwRoutePropagation'),
    });
    expect(mixed).toMatchObject({
      kind: 'steps',
      steps: [{ input: { DestinationIpv6CidrBlock: '64:ff9b::/96' } }],
    });
    expect(mixed.notes?.[0]).toContain('cannot be deleted');
  });

  it('rejects unknown settings and malformed route table ids', () => {
    expect(() => StripInternetRoutesSettingsSchema.parse({ publicRouteTables: [] })).toThrow();
    expect(() => StripInternetRoutesSettingsSchema.parse({ publicRouteTableIds: ['rtb-../x'] })).toThrow();
    expect(DEFAULTS).toEqual({
      publicRouteTableIds: [],
      publicRouteTableTag: undefined,
      publicSubnetIds: [],
    });
    // a named public tier must name the subnets it may serve
    expect(() => StripInternetRoutesSettingsSchema.parse({ publicRouteTableIds: [TABLE] })).toThrow(
      /publicSubnetIds is required/,
    );
    expect(() =>
      StripInternetRoutesSettingsSchema.parse({
        publicRouteTableTag: { key: 'airlock:tier', value: 'public' },
      }),
    ).toThrow(/publicSubnetIds is required/);
    expect(() => StripInternetRoutesSettingsSchema.parse({ publicSubnetIds: ['rtb-12345678'] })).toThrow();
  });

  it('undoes a deletion by re-creating the route to its original target, and flags a route that came back', () => {
    // Prepare
    const nat: Route = {
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: 'nat-0123456789abcdef0',
      Origin: 'CreateRoute',
      State: 'active',
    };
    const plan = planStripInternetRoutes(table([LOCAL, nat]), DEFAULTS);
    if (plan.kind !== 'steps') throw new Error('expected steps');

    // Act
    const undo = undoRouteStep(plan.steps[0]!);

    // Assess
    expect(undo).toMatchObject([
      {
        action: 'ec2:CreateRoute',
        input: {
          RouteTableId: TABLE,
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: 'nat-0123456789abcdef0',
        },
      },
    ]);
    expect(routeUndoConflict(table([LOCAL]), plan.steps[0]!)).toBeUndefined();
    expect(
      routeUndoConflict(table([LOCAL, { ...nat, NatGatewayId: 'nat-0fedcba9876543210' }]), plan.steps[0]!),
    ).toContain('exists again');
    expect(routeUndoConflict(GONE, plan.steps[0]!)).toContain('no longer exists');
  });

  describe('properties', () => {
    const isPublic = (t: RouteTableState, s: StripInternetRoutesSettings) =>
      s.publicRouteTableIds.includes(t.RouteTableId ?? '') ||
      (s.publicRouteTableTag !== undefined && (t.Tags ?? []).some((x) => x.Key === 'airlock:tier'));

    const isMain = (t: RouteTableState) => (t.Associations ?? []).some((a) => a.Main === true);

    it('leaves no private subnet a way to the internet through the table, and planning again changes nothing', () => {
      fc.assert(
        fc.property(anyTable, anySettings, (t, settings) => {
          const plan = planStripInternetRoutes(t, settings);
          const publicTier = isPublic(t, settings);
          // a private table: no internet route; a public-tier one with internet routes: no stray subnet
          const exposed = (s: RouteTableState) =>
            publicTier
              ? findInternetRoutes(s).length > 0 && servesLiveStray(s, settings)
              : hasInternetRoute(s);
          if (plan.kind === 'noop') {
            expect(exposed(t)).toBe(false);
            return;
          }
          if (plan.kind === 'skip') {
            // only a public-tier table that is the VPC's main table: the function cannot fix that
            expect(publicTier && isMain(t) && !servesLiveStray(t, settings)).toBe(true);
            return;
          }
          const after = applyPlan(t, plan.steps);
          expect(exposed(after)).toBe(false);
          expect(planStripInternetRoutes(after, settings).kind).toBe(
            isMain(after) && publicTier ? 'skip' : 'noop',
          );
        }),
        { numRuns: 400 },
      );
    });

    it('never takes a public-tier subnet off its table, and never disassociates from a private table', () => {
      fc.assert(
        fc.property(anyTable, anySettings, (t, settings) => {
          const plan = planStripInternetRoutes(t, settings);
          if (plan.kind !== 'steps') return;
          for (const step of plan.steps) {
            if (step.action !== 'ec2:DisassociateRouteTable') continue;
            expect(isPublic(t, settings)).toBe(true);
            expect(settings.publicSubnetIds).not.toContain(step.before.association.SubnetId);
            expect(step.before.association.RouteTableId).toBe(t.RouteTableId);
          }
          if (isPublic(t, settings))
            expect(plan.steps.every((x) => x.action === 'ec2:DisassociateRouteTable')).toBe(true);
        }),
        { numRuns: 300 },
      );
    });

    it('never plans a look-alike: the public tier, local, endpoint, peering, transit gateway, ENI or VPN routes', () => {
      fc.assert(
        fc.property(anyTable, anySettings, (t, settings) => {
          const plan = planStripInternetRoutes(t, settings);
          if (plan.kind !== 'steps') return;
          // a public-tier table's routes are never deleted (only stray subnets are taken off it)
          if (isPublic(t, settings))
            expect(plan.steps.some((x) => x.action === 'ec2:DeleteRoute')).toBe(false);
          const deleted = new Set(
            plan.steps.flatMap((s) =>
              s.action === 'ec2:DeleteRoute' ? [JSON.stringify(s.before.route)] : [],
            ),
          );
          for (const r of t.Routes ?? []) {
            const lookAlike =
              r.GatewayId === 'local' ||
              /^(vpce|vgw)-/.test(r.GatewayId ?? '') ||
              r.VpcPeeringConnectionId !== undefined ||
              r.TransitGatewayId !== undefined ||
              r.NetworkInterfaceId !== undefined;
            if (lookAlike) expect(deleted.has(JSON.stringify(r))).toBe(false);
          }
          expect(findInternetRoutes(t).length).toBeGreaterThanOrEqual(deleted.size);
        }),
        { numRuns: 300 },
      );
    });

    it('undoes any plan back to the original routes, with declared write and undo actions only', () => {
      fc.assert(
        fc.property(anyTable, anySettings, (t, settings) => {
          const plan = planStripInternetRoutes(t, settings);
          if (plan.kind !== 'steps') return;
          for (const step of plan.steps) {
            expect(stripInternetRoutes.permissionsFor(settings).write).toContain(step.action);
          }
          for (const step of plan.steps.flatMap(undoRouteStep)) {
            expect(stripInternetRoutes.undoPermissions).toContain(step.action);
          }
          const undone = applyPlan(
            applyPlan(t, plan.steps),
            [...plan.steps].reverse().flatMap(undoRouteStep),
          );
          expect(signature(undone)).toEqual(signature(t));
        }),
        { numRuns: 200 },
      );
    });
  });
});
