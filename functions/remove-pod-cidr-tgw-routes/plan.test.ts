import type { TransitGatewayRoute, TransitGatewayRouteTable } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cidrWithin, parseCidr } from '../../shared/cidr.js';
import { GONE } from '../../shared/remediation.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import {
  anyState,
  attachment,
  blackholeRoute,
  canon,
  POD,
  propagatedRoute,
  state,
  staticRoute,
  TABLE_ID,
} from './fixtures.js';
import { removePodCidrTgwRoutes } from './index.js';
import {
  planRemovePodCidrTgwRoutes,
  type RemovePodCidrTgwRoutesSettings,
  RemovePodCidrTgwRoutesSettingsSchema,
  type TgwRouteStep,
  type TgwRouteTableState,
  tgwUndoConflict,
  undoTgwRouteStep,
} from './plan.js';

const FOLDER = 'api/ec2/transit-gateway';
const DEFAULTS = RemovePodCidrTgwRoutesSettingsSchema.parse({});
/** A pure model of a transit gateway route table: what it holds after a step (errors as EC2 names them). */
function applyStep(s: TgwRouteTableState, step: TgwRouteStep): TgwRouteTableState {
  const dest = canon(step.input.DestinationCidrBlock);
  const isStaticAt = (r: TransitGatewayRoute) =>
    r.Type === 'static' && canon(r.DestinationCidrBlock) === dest;
  if (step.action === 'ec2:DeleteTransitGatewayRoute') {
    if (!s.routes.some(isStaticAt)) throw new Error('InvalidRoute.NotFound');
    return { ...s, routes: s.routes.filter((r) => !isStaticAt(r)) };
  }
  if (s.routes.some(isStaticAt)) throw new Error('RouteAlreadyExists');
  const created: TransitGatewayRoute = step.input.Blackhole
    ? blackholeRoute(step.input.DestinationCidrBlock!)
    : staticRoute(step.input.DestinationCidrBlock!, step.input.TransitGatewayAttachmentId!);
  return { ...s, routes: [...s.routes, created] };
}
const applyPlan = (s: TgwRouteTableState, steps: readonly TgwRouteStep[]) => steps.reduce(applyStep, s);

/** Independent of the planner: the routes in effect (a static route hides propagated ones for its prefix) that reach a pod CIDR. */
function reachablePodRoutes(s: TgwRouteTableState, podCidrs: readonly string[]): TransitGatewayRoute[] {
  const pods = podCidrs.map((p) => parseCidr(p)!);
  const statics = new Set(
    s.routes.filter((r) => r.Type === 'static').map((r) => canon(r.DestinationCidrBlock)),
  );
  return s.routes.filter((r) => {
    const c = parseCidr(r.DestinationCidrBlock ?? '');
    if (!c || !pods.some((p) => cidrWithin(c, p))) return false;
    if (r.Type === 'propagated' && statics.has(c.text)) return false;
    return r.State === 'active';
  });
}
const signature = (s: TgwRouteTableState) =>
  s.routes
    .map((r) =>
      JSON.stringify([
        canon(r.DestinationCidrBlock),
        r.Type,
        r.State,
        r.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId,
      ]),
    )
    .sort()
    .join('\n');

/** The ExportTransitGatewayRoutes file uses camelCase keys: the same routes as the API returns them. */
function exportedRoutes(): TransitGatewayRoute[] {
  const file = loadRealWorld<{
    routes: {
      destinationCidrBlock: string;
      type: 'static' | 'propagated';
      state: 'active';
      transitGatewayAttachments: {
        resourceId: string;
        transitGatewayAttachmentId: string;
        resourceType: 'vpc';
      }[];
    }[];
  }>(`${FOLDER}/awsdocs__ExportTransitGatewayRoutes-S3-file__two-propagated-vpc-routes.json`);
  return file.routes.map((r) => ({
    DestinationCidrBlock: r.destinationCidrBlock,
    Type: r.type,
    State: r.state,
    TransitGatewayAttachments: r.transitGatewayAttachments.map((a) => ({
      ResourceId: a.resourceId,
      TransitGatewayAttachmentId: a.transitGatewayAttachmentId,
      ResourceType: a.resourceType,
    })),
  }));
}
const searchedRoutes = () =>
  loadRealWorld<{ Routes: TransitGatewayRoute[] }>(
    `${FOLDER}/awscli__SearchTransitGatewayRoutes__static-routes__AdditionalRoutesAvailable-false.json`,
  ).Routes;
const realTable = () =>
  loadRealWorld<{ TransitGatewayRouteTables: TransitGatewayRouteTable[] }>(
    `${FOLDER}/awscli__DescribeTransitGatewayRouteTables.json`,
  ).TransitGatewayRouteTables[0]!;

describe('Function: planRemovePodCidrTgwRoutes', () => {
  describe('over real transit gateway answers', () => {
    it.each([
      ['static routes, default pod CIDR', searchedRoutes, ['100.64.0.0/10'], []],
      [
        'static routes, pod CIDR 10.0.0.0/16',
        searchedRoutes,
        ['10.0.0.0/16'],
        ['DeleteTransitGatewayRoute 10.0.2.0/24'],
      ],
      [
        'static routes, pod CIDRs 10.0.0.0/16 and 10.1.0.0/16',
        searchedRoutes,
        ['10.0.0.0/16', '10.1.0.0/16'],
        ['DeleteTransitGatewayRoute 10.0.2.0/24', 'DeleteTransitGatewayRoute 10.1.0.0/24'],
      ],
      ['propagated routes, default pod CIDR', exportedRoutes, ['100.64.0.0/10'], []],
      [
        'propagated routes, pod CIDR 10.2.0.0/16',
        exportedRoutes,
        ['10.2.0.0/16'],
        ['CreateTransitGatewayRoute 10.2.0.0/16'],
      ],
      [
        'propagated routes, pod CIDR 10.0.0.0/8',
        exportedRoutes,
        ['10.0.0.0/8'],
        ['CreateTransitGatewayRoute 10.0.0.0/16', 'CreateTransitGatewayRoute 10.2.0.0/16'],
      ],
    ] as const)(
      'plans exactly the routes inside the pod CIDR for %s (the server-side filter is not trusted)',
      (_name, routes, podCidrs, expected) => {
        // Prepare: the routes as if the search had returned them all, whatever the filter
        const s: TgwRouteTableState = {
          routeTable: realTable(),
          routes: routes(),
          additionalRoutesAvailable: [],
        };
        const settings = RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidrs });

        // Act
        const plan = planRemovePodCidrTgwRoutes(s, settings);

        // Assess
        const planned =
          plan.kind === 'steps'
            ? plan.steps.map((x) => `${x.action.slice(4)} ${x.input.DestinationCidrBlock}`)
            : [];
        expect(planned).toEqual(expected);
        if (plan.kind !== 'steps') {
          expect(plan.kind).toBe('noop');
          return;
        }
        for (const step of plan.steps)
          expect(step.input.TransitGatewayRouteTableId).toBe('tgw-rtb-0ca78a549EXAMPLE');
        const after = applyPlan(s, plan.steps);
        expect(reachablePodRoutes(after, settings.podCidrs)).toEqual([]);
        expect(planRemovePodCidrTgwRoutes(after, settings).kind).toBe('noop');
      },
    );
  });

  it('deletes an active static route inside the pod CIDR, keeping the route for undo', () => {
    // Prepare
    const pod = staticRoute('100.64.12.0/24');

    // Act
    const plan = planRemovePodCidrTgwRoutes(state([pod, staticRoute('10.0.0.0/16')]), DEFAULTS);

    // Assess
    expect(plan).toEqual({
      kind: 'steps',
      steps: [
        {
          action: 'ec2:DeleteTransitGatewayRoute',
          input: { TransitGatewayRouteTableId: TABLE_ID, DestinationCidrBlock: '100.64.12.0/24' },
          reason: '100.64.12.0/24 static -> tgw-attach-0aaaaaaaaaaaaaaaa (active)',
          before: { route: pod },
        },
      ],
    });
  });

  it('overrides a propagated route with a static blackhole instead of cutting the attachment', () => {
    // Prepare
    const propagated = propagatedRoute('100.64.0.0/16');

    // Act
    const plan = planRemovePodCidrTgwRoutes(state([propagated]), DEFAULTS);

    // Assess
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [
        {
          action: 'ec2:CreateTransitGatewayRoute',
          input: {
            TransitGatewayRouteTableId: TABLE_ID,
            DestinationCidrBlock: '100.64.0.0/16',
            Blackhole: true,
          },
          before: { overrides: [propagated] },
        },
      ],
    });
  });

  it('treats its own blackhole as compliant, and plans nothing again', () => {
    const s = state([
      propagatedRoute('100.64.0.0/16'),
      blackholeRoute('100.64.0.0/16'),
      blackholeRoute('100.65.0.0/16'),
    ]);
    expect(planRemovePodCidrTgwRoutes(s, DEFAULTS).kind).toBe('noop');
  });

  it('deletes a static route and blackholes the propagated route it was hiding', () => {
    // Act
    const plan = planRemovePodCidrTgwRoutes(
      state([staticRoute('100.64.1.0/24'), propagatedRoute('100.64.1.0/24')]),
      DEFAULTS,
    );

    // Assess
    expect(plan.kind === 'steps' && plan.steps.map((s) => s.action)).toEqual([
      'ec2:DeleteTransitGatewayRoute',
      'ec2:CreateTransitGatewayRoute',
    ]);
  });

  it('reports supernets of the pod CIDR and leaves them, the node CIDR and prefix-list routes alone', () => {
    // Prepare
    const s = state([
      staticRoute('0.0.0.0/0'),
      propagatedRoute('100.0.0.0/8'),
      staticRoute('10.0.0.0/16'),
      propagatedRoute('100.128.0.0/10'),
      {
        PrefixListId: 'pl-0123456789abcdef0',
        Type: 'static',
        State: 'active',
        TransitGatewayAttachments: attachment('tgw-attach-0cccccccccccccccc'),
      },
    ]);

    // Act
    const plan = planRemovePodCidrTgwRoutes(s, DEFAULTS);

    // Assess
    expect(plan.kind).toBe('noop');
    expect(plan.notes).toEqual([
      expect.stringContaining(
        '0.0.0.0/0 (static -> tgw-attach-0aaaaaaaaaaaaaaaa) holds pod CIDR 100.64.0.0/10',
      ),
      expect.stringContaining('100.0.0.0/8 (propagated'),
      expect.stringContaining('prefix list pl-0123456789abcdef0'),
    ]);
  });

  it('cannot decide when the search was cut and found nothing, and waits for pending routes', () => {
    expect(
      planRemovePodCidrTgwRoutes(state([], ['route-search.subnet-of-match 100.64.0.0/10']), DEFAULTS).kind,
    ).toBe('skip');
    expect(
      planRemovePodCidrTgwRoutes(state([{ ...staticRoute('100.64.0.0/24'), State: 'pending' }]), DEFAULTS),
    ).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining('pending'),
    });
  });

  it('validates pod CIDRs: canonical form, several allowed, junk and /0 rejected', () => {
    expect(
      RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidrs: ['100.64.1.1/10', 'fd00:10::/64'] }),
    ).toEqual({
      podCidrs: ['100.64.0.0/10', 'fd00:10::/64'],
    });
    expect(DEFAULTS).toEqual({ podCidrs: ['100.64.0.0/10'] });
    expect(() => RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidrs: ['100.64.0.0'] })).toThrow(
      /not a CIDR/,
    );
    expect(() => RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidrs: ['0.0.0.0/0'] })).toThrow(
      /every address/,
    );
    expect(() => RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidrs: [] })).toThrow();
    expect(() => RemovePodCidrTgwRoutesSettingsSchema.parse({ podCidr: '100.64.0.0/10' })).toThrow();
  });

  it('undoes a deletion to the original attachment and a blackhole by deleting it; flags a route that came back', () => {
    // Prepare
    const plan = planRemovePodCidrTgwRoutes(
      state([staticRoute('100.64.1.0/24'), propagatedRoute('100.64.2.0/24')]),
      DEFAULTS,
    );
    if (plan.kind !== 'steps') throw new Error('expected steps');
    const [del, create] = plan.steps;

    // Act
    const undoDelete = undoTgwRouteStep(del!);
    const undoCreate = undoTgwRouteStep(create!);

    // Assess
    expect(undoDelete).toMatchObject([
      {
        action: 'ec2:CreateTransitGatewayRoute',
        input: {
          TransitGatewayRouteTableId: TABLE_ID,
          DestinationCidrBlock: '100.64.1.0/24',
          TransitGatewayAttachmentId: 'tgw-attach-0aaaaaaaaaaaaaaaa',
        },
      },
    ]);
    expect(undoCreate).toMatchObject([
      {
        action: 'ec2:DeleteTransitGatewayRoute',
        input: { TransitGatewayRouteTableId: TABLE_ID, DestinationCidrBlock: '100.64.2.0/24' },
      },
    ]);
    expect(tgwUndoConflict(state([]), del!)).toBeUndefined();
    expect(tgwUndoConflict(state([blackholeRoute('100.64.1.0/24')]), del!)).toContain('exists again');
    expect(tgwUndoConflict(GONE, del!)).toContain('no longer exists');
  });

  describe('properties', () => {
    const settings: RemovePodCidrTgwRoutesSettings = { podCidrs: [POD] };

    it('leaves no route in effect that reaches the pod CIDR, and planning again gives noop', () => {
      fc.assert(
        fc.property(anyState, (s) => {
          const plan = planRemovePodCidrTgwRoutes(s, settings);
          if (plan.kind !== 'steps') {
            expect(plan.kind).toBe('noop');
            expect(reachablePodRoutes(s, settings.podCidrs)).toEqual([]);
            return;
          }
          const after = applyPlan(s, plan.steps);
          expect(reachablePodRoutes(after, settings.podCidrs)).toEqual([]);
          expect(planRemovePodCidrTgwRoutes(after, settings).kind).toBe('noop');
        }),
        { numRuns: 300 },
      );
    });

    it('never plans a look-alike: the node CIDR, a default route, a supernet, a neighbour range', () => {
      fc.assert(
        fc.property(anyState, (s) => {
          const plan = planRemovePodCidrTgwRoutes(s, settings);
          if (plan.kind !== 'steps') return;
          for (const step of plan.steps) {
            const c = parseCidr(step.input.DestinationCidrBlock!)!;
            expect(cidrWithin(c, parseCidr(POD)!)).toBe(true);
            expect([
              '10.0.0.0/16',
              '0.0.0.0/0',
              '100.0.0.0/8',
              '100.128.0.0/10',
              '172.16.0.0/12',
            ]).not.toContain(c.text);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('undoes any plan back to the original routes, with declared write and undo actions only', () => {
      fc.assert(
        fc.property(anyState, (s) => {
          const plan = planRemovePodCidrTgwRoutes(s, settings);
          if (plan.kind !== 'steps') return;
          for (const step of plan.steps) {
            expect(removePodCidrTgwRoutes.permissionsFor(settings).write).toContain(step.action);
          }
          for (const step of plan.steps.flatMap(undoTgwRouteStep)) {
            expect(removePodCidrTgwRoutes.undoPermissions).toContain(step.action);
          }
          const undone = applyPlan(
            applyPlan(s, plan.steps),
            [...plan.steps].reverse().flatMap(undoTgwRouteStep),
          );
          expect(signature(undone)).toEqual(signature(s));
        }),
        { numRuns: 200 },
      );
    });
  });
});
