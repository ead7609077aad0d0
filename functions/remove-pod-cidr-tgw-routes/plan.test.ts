import type { TransitGatewayRoute, TransitGatewayRouteTable } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cidr, cidrWithin, parseCidr } from '../../shared/cidr.js';
import { GONE } from '../../shared/remediation.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import {
  anyPodSettings,
  anyState,
  anyTable,
  attachment,
  blackholeRoute,
  COVERING,
  canon,
  LOOK_ALIKES,
  POD,
  propagatedRoute,
  state,
  staticRoute,
  TABLE_ID,
  visibleRoutes,
} from './fixtures.js';
import { removePodCidrTgwRoutes } from './index.js';
import { lookupRoute } from './lookup.js';
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
/**
 * A pure model of a transit gateway route table: what it holds after a step (errors as EC2 names
 * them). `routes` is the whole table, propagated routes hidden behind static ones included.
 */
function applyStep(s: TgwRouteTableState, step: TgwRouteStep): TgwRouteTableState {
  const dest = canon(step.input.DestinationCidrBlock);
  const isStaticAt = (r: TransitGatewayRoute) =>
    r.Type === 'static' && canon(r.DestinationCidrBlock) === dest;
  const target = (input: { Blackhole?: boolean; TransitGatewayAttachmentId?: string }) =>
    input.Blackhole
      ? blackholeRoute(step.input.DestinationCidrBlock!)
      : staticRoute(step.input.DestinationCidrBlock!, input.TransitGatewayAttachmentId!);
  if (step.action === 'ec2:DeleteTransitGatewayRoute') {
    if (!s.routes.some(isStaticAt)) throw new Error('InvalidRoute.NotFound');
    return { ...s, routes: s.routes.filter((r) => !isStaticAt(r)) };
  }
  if (step.action === 'ec2:ReplaceTransitGatewayRoute') {
    if (!s.routes.some(isStaticAt)) throw new Error('InvalidRoute.NotFound');
    return { ...s, routes: s.routes.map((r) => (isStaticAt(r) ? target(step.input) : r)) };
  }
  if (s.routes.some(isStaticAt)) throw new Error('RouteAlreadyExists');
  return { ...s, routes: [...s.routes, target(step.input)] };
}
const applyPlan = (s: TgwRouteTableState, steps: readonly TgwRouteStep[]) => steps.reduce(applyStep, s);

/**
 * The addresses where a longest-prefix lookup can change: the first and last address of every route
 * and pod CIDR and their neighbours. Between two of them every lookup ends in the same route, so
 * checking these checks every address.
 */
function breakpoints(routes: readonly TransitGatewayRoute[], pods: readonly Cidr[]): Cidr[] {
  const cidrs = [...routes.map((r) => parseCidr(r.DestinationCidrBlock ?? '')), ...pods].filter(
    (c): c is Cidr => c !== undefined,
  );
  const points = new Map<string, Cidr>();
  for (const family of [4, 6] as const) {
    const max = family === 4 ? 2n ** 32n - 1n : 2n ** 128n - 1n;
    const add = (start: bigint) => {
      if (start >= 0n && start <= max)
        points.set(`${family}:${start}`, {
          family,
          start,
          end: start,
          prefix: family === 4 ? 32 : 128,
          text: '',
        });
    };
    add(0n);
    add(max);
    for (const c of cidrs.filter((x) => x.family === family)) {
      for (const a of [c.start - 1n, c.start, c.end, c.end + 1n]) add(a);
    }
  }
  return [...points.values()];
}
const inPod = (a: Cidr, pods: readonly Cidr[]) =>
  pods.some((p) => p.family === a.family && a.start >= p.start && a.start <= p.end);
const routeKey = (r: TransitGatewayRoute | undefined) =>
  r
    ? JSON.stringify([
        canon(r.DestinationCidrBlock),
        r.Type,
        r.State,
        r.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId,
      ])
    : 'no route';

/** Pod addresses whose lookup ends in a route that carries traffic (not a blackhole, not "no route"). */
function reachablePodAddresses(
  routes: readonly TransitGatewayRoute[],
  podCidrs: readonly string[],
): string[] {
  const pods = podCidrs.map((p) => parseCidr(p)!);
  return breakpoints(routes, pods)
    .filter((a) => inPod(a, pods))
    .map((a) => ({ a, route: lookupRoute(routes, a) }))
    .filter(({ route }) => route !== undefined && route.State !== 'blackhole')
    .map(({ a, route }) => `${a.family}:${a.start} -> ${routeKey(route)}`);
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
        ['ReplaceTransitGatewayRoute 10.0.2.0/24'],
      ],
      [
        'static routes, pod CIDRs 10.0.0.0/16 and 10.1.0.0/16',
        searchedRoutes,
        ['10.0.0.0/16', '10.1.0.0/16'],
        ['ReplaceTransitGatewayRoute 10.0.2.0/24', 'ReplaceTransitGatewayRoute 10.1.0.0/24'],
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
        expect(reachablePodAddresses(after.routes, settings.podCidrs)).toEqual([]);
        expect(planRemovePodCidrTgwRoutes(after, settings).kind).toBe('noop');
      },
    );
  });

  it('replaces an active static route inside the pod CIDR with a blackhole in one call, keeping the route for undo', () => {
    // Prepare
    const pod = staticRoute('100.64.12.0/24');

    // Act
    const plan = planRemovePodCidrTgwRoutes(state([pod, staticRoute('10.0.0.0/16')]), DEFAULTS);

    // Assess
    expect(plan).toEqual({
      kind: 'steps',
      steps: [
        {
          action: 'ec2:ReplaceTransitGatewayRoute',
          input: {
            TransitGatewayRouteTableId: TABLE_ID,
            DestinationCidrBlock: '100.64.12.0/24',
            Blackhole: true,
          },
          reason: '100.64.12.0/24 static -> tgw-attach-0aaaaaaaaaaaaaaaa (active): replaced with a blackhole',
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

  it('reaches the end state in one run when a static route hides a propagated one the search does not show', () => {
    // Prepare: the table holds both; SearchTransitGatewayRoutes shows the active (static) route only
    const table = [staticRoute('100.64.1.0/24'), propagatedRoute('100.64.1.0/24')];
    const seen = state(visibleRoutes(table));

    // Act
    const plan = planRemovePodCidrTgwRoutes(seen, DEFAULTS);
    const after = applyPlan(state(table), plan.kind === 'steps' ? plan.steps : []);

    // Assess: one replace, and the propagated route stays overridden
    expect(plan.kind === 'steps' && plan.steps.map((s) => s.action)).toEqual([
      'ec2:ReplaceTransitGatewayRoute',
    ]);
    expect(reachablePodAddresses(after.routes, DEFAULTS.podCidrs)).toEqual([]);
    expect(planRemovePodCidrTgwRoutes(state(visibleRoutes(after.routes)), DEFAULTS).kind).toBe('noop');
  });

  it('blackholes the pod CIDR under a covering route, leaves the covering route, the node CIDR and prefix-list routes alone', () => {
    // Prepare
    const covering = [staticRoute('0.0.0.0/0'), propagatedRoute('100.0.0.0/8')];
    const s = state([
      ...covering,
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
    expect(plan).toMatchObject({
      kind: 'steps',
      steps: [
        {
          action: 'ec2:CreateTransitGatewayRoute',
          input: { TransitGatewayRouteTableId: TABLE_ID, DestinationCidrBlock: POD, Blackhole: true },
          reason: expect.stringContaining('the covering route stays'),
          before: { overrides: [covering[1]] },
        },
      ],
    });
    expect(plan.notes).toEqual([
      expect.stringContaining(
        '0.0.0.0/0 (static -> tgw-attach-0aaaaaaaaaaaaaaaa) holds pod CIDR 100.64.0.0/10',
      ),
      expect.stringContaining('100.0.0.0/8 (propagated'),
      expect.stringContaining('prefix list pl-0123456789abcdef0'),
    ]);
    const after = applyPlan(s, plan.kind === 'steps' ? plan.steps : []);
    expect(reachablePodAddresses(after.routes, DEFAULTS.podCidrs)).toEqual([]);
    expect(planRemovePodCidrTgwRoutes(after, DEFAULTS)).toMatchObject({
      kind: 'noop',
      notes: expect.arrayContaining([expect.stringContaining('0.0.0.0/0')]),
    });
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

  it('undoes a replacement back to the original attachment and a blackhole by deleting it; flags a route changed since', () => {
    // Prepare
    const plan = planRemovePodCidrTgwRoutes(
      state([staticRoute('100.64.1.0/24'), propagatedRoute('100.64.2.0/24')]),
      DEFAULTS,
    );
    if (plan.kind !== 'steps') throw new Error('expected steps');
    const [replace, create] = plan.steps;

    // Act
    const undoReplace = undoTgwRouteStep(replace!);
    const undoCreate = undoTgwRouteStep(create!);

    // Assess
    expect(undoReplace).toMatchObject([
      {
        action: 'ec2:ReplaceTransitGatewayRoute',
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
    expect(tgwUndoConflict(state([blackholeRoute('100.64.1.0/24')]), replace!)).toBeUndefined();
    const changed = state([staticRoute('100.64.1.0/24', 'tgw-attach-0cccccccccccccccc')]);
    expect(tgwUndoConflict(changed, replace!)).toContain('was changed since');
    expect(tgwUndoConflict(state([]), replace!)).toContain('nothing to replace back');
    expect(tgwUndoConflict(GONE, replace!)).toContain('no longer exists');
  });

  it('undoes a deletion recorded by an earlier version by re-creating the route; flags a route that came back', () => {
    // Prepare
    const route = staticRoute('100.64.1.0/24');
    const del: TgwRouteStep = {
      action: 'ec2:DeleteTransitGatewayRoute',
      input: { TransitGatewayRouteTableId: TABLE_ID, DestinationCidrBlock: '100.64.1.0/24' },
      reason: 'an earlier version deleted static routes',
      before: { route },
    };

    // Act / Assess
    expect(undoTgwRouteStep(del)).toMatchObject([
      {
        action: 'ec2:CreateTransitGatewayRoute',
        input: {
          DestinationCidrBlock: '100.64.1.0/24',
          TransitGatewayAttachmentId: 'tgw-attach-0aaaaaaaaaaaaaaaa',
        },
      },
    ]);
    expect(tgwUndoConflict(state([]), del)).toBeUndefined();
    expect(tgwUndoConflict(state([blackholeRoute('100.64.1.0/24')]), del)).toContain('exists again');
  });

  describe('properties', () => {
    const settings: RemovePodCidrTgwRoutesSettings = { podCidrs: [POD] };

    it('after one run, every pod address ends in a blackhole or no route, and every other address where it ended before', () => {
      fc.assert(
        fc.property(anyTable, anyPodSettings, (table, podSettings) => {
          // Prepare: the planner sees what the search shows; the table may hide propagated routes
          const s = RemovePodCidrTgwRoutesSettingsSchema.parse(podSettings);
          const pods = s.podCidrs.map((p) => parseCidr(p)!);

          // Act
          const plan = planRemovePodCidrTgwRoutes(state(visibleRoutes(table)), s);
          const after = applyPlan(state(table), plan.kind === 'steps' ? plan.steps : []).routes;

          // Assess: the plan acts iff a pod address was reachable
          const before = reachablePodAddresses(table, s.podCidrs);
          expect(plan.kind).toBe(before.length ? 'steps' : 'noop');
          expect(reachablePodAddresses(after, s.podCidrs)).toEqual([]);
          for (const a of breakpoints([...table, ...after], pods).filter((x) => !inPod(x, pods))) {
            expect(routeKey(lookupRoute(after, a))).toBe(routeKey(lookupRoute(table, a)));
          }
          // one run: planning again finds nothing
          expect(planRemovePodCidrTgwRoutes(state(visibleRoutes(after)), s).kind).toBe('noop');
        }),
        { numRuns: 400 },
      );
    });

    it('never touches a covering route or a look-alike: the node CIDR, a default route, a supernet, a neighbour range', () => {
      fc.assert(
        fc.property(anyState, anyPodSettings, (s, podSettings) => {
          const plan = planRemovePodCidrTgwRoutes(s, RemovePodCidrTgwRoutesSettingsSchema.parse(podSettings));
          if (plan.kind !== 'steps') return;
          for (const step of plan.steps) {
            const c = parseCidr(step.input.DestinationCidrBlock!)!;
            expect(podSettings.podCidrs.some((p) => cidrWithin(c, parseCidr(p)!))).toBe(true);
            expect([...COVERING, ...LOOK_ALIKES]).not.toContain(c.text);
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
