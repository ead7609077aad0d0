import type {
  CreateTransitGatewayRouteCommandInput,
  DeleteTransitGatewayRouteCommandInput,
  ReplaceTransitGatewayRouteCommandInput,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { type Cidr, cidrWithin, parseCidr } from '../../shared/cidr.js';
import type { Gone, Plan, Step } from '../../shared/remediation.js';
import { GONE } from '../../shared/remediation.js';
import '../../shared/zod.js';
import { lookupRoute } from './lookup.js';

/** The transit gateway route table as read live, with the routes found around the pod CIDRs. */
export interface TgwRouteTableState {
  readonly routeTable: TransitGatewayRouteTable;
  /**
   * The routes SearchTransitGatewayRoutes returned for each pod CIDR (`route-search.subnet-of-match`:
   * the routes inside it; `route-search.supernet-of-match`: the routes that hold it), deduplicated.
   */
  readonly routes: readonly TransitGatewayRoute[];
  /** The searches whose answer was cut (`AdditionalRoutesAvailable`), as `<filter> <cidr>`. */
  readonly additionalRoutesAvailable: readonly string[];
}

const PodCidrSchema = z.pipe(
  z.string().check(z.maxLength(64)),
  z.transform((text: string, ctx) => {
    const cidr = parseCidr(text);
    const problem = !cidr
      ? `${JSON.stringify(text)} is not a CIDR`
      : cidr.prefix === 0
        ? `${text} covers every address: not a pod CIDR`
        : undefined;
    if (problem || !cidr) {
      ctx.issues.push({ code: 'custom', message: problem ?? 'not a CIDR', input: text });
      return z.NEVER;
    }
    return cidr.text;
  }),
);

export const RemovePodCidrTgwRoutesSettingsSchema = z.strictObject({
  /** The pod CIDRs that must never be reachable through the transit gateway (canonical form). */
  podCidrs: z._default(z.array(PodCidrSchema).check(z.minLength(1), z.maxLength(20)), ['100.64.0.0/10']),
});
export type RemovePodCidrTgwRoutesSettings = z.infer<typeof RemovePodCidrTgwRoutesSettingsSchema>;

export type DeleteTgwRouteStep = Step<DeleteTransitGatewayRouteCommandInput> & {
  readonly action: 'ec2:DeleteTransitGatewayRoute';
  /** The static route as it was (re-created by undo). */
  readonly before: { readonly route: TransitGatewayRoute };
};
export type CreateTgwRouteStep = Step<CreateTransitGatewayRouteCommandInput> & {
  readonly action: 'ec2:CreateTransitGatewayRoute';
  /** The routes a blackhole overrides (propagated or covering), or the static route an undo re-creates. */
  readonly before: {
    readonly overrides?: readonly TransitGatewayRoute[];
    readonly route?: TransitGatewayRoute;
  };
};
export type ReplaceTgwRouteStep = Step<ReplaceTransitGatewayRouteCommandInput> & {
  readonly action: 'ec2:ReplaceTransitGatewayRoute';
  /** The static route as it was before the replacement (restored by undo). */
  readonly before: { readonly route: TransitGatewayRoute };
};
export type TgwRouteStep = DeleteTgwRouteStep | CreateTgwRouteStep | ReplaceTgwRouteStep;

function attachmentText(route: TransitGatewayRoute): string {
  const ids = (route.TransitGatewayAttachments ?? [])
    .map((a) => a.TransitGatewayAttachmentId)
    .filter(Boolean);
  return ids.length ? ids.join(', ') : 'no attachment';
}

/** Where a route's destination lies relative to the pod CIDRs. */
export type Placement =
  | { readonly kind: 'inside'; readonly cidr: Cidr; readonly pod: Cidr }
  | { readonly kind: 'supernet'; readonly cidr: Cidr; readonly pod: Cidr }
  | { readonly kind: 'outside'; readonly cidr: Cidr }
  | { readonly kind: 'unknown' };

/** Classifies a route by CIDR arithmetic, never trusting the server-side search filter. */
export function placeRoute(route: TransitGatewayRoute, pods: readonly Cidr[]): Placement {
  const cidr = route.DestinationCidrBlock ? parseCidr(route.DestinationCidrBlock) : undefined;
  if (!cidr) return { kind: 'unknown' };
  const holder = pods.find((p) => cidrWithin(cidr, p));
  if (holder) return { kind: 'inside', cidr, pod: holder };
  const held = pods.find((p) => cidrWithin(p, cidr));
  if (held) return { kind: 'supernet', cidr, pod: held };
  return { kind: 'outside', cidr };
}

/** The pod CIDRs that lie in no other pod CIDR (a blackhole for those covers the inner ones). */
function outermost(pods: readonly Cidr[]): Cidr[] {
  const unique = pods.filter((p, i) => pods.findIndex((q) => q.text === p.text) === i);
  return unique.filter((p) => !unique.some((q) => q.text !== p.text && cidrWithin(p, q)));
}

const describeRoute = (r: TransitGatewayRoute) =>
  `${r.DestinationCidrBlock} ${r.Type} -> ${attachmentText(r)} (${r.State})`;

/** What the table's routes say about the pod CIDRs: routes inside them by prefix, notes, pending routes. */
function classifyRoutes(state: TgwRouteTableState, pods: readonly Cidr[]) {
  const inside = new Map<string, TransitGatewayRoute[]>();
  const supernets = new Map<string, TransitGatewayRoute[]>();
  const notes: string[] = [];
  for (const route of state.routes) {
    const place = placeRoute(route, pods);
    if (place.kind === 'inside') {
      inside.set(place.cidr.text, [...(inside.get(place.cidr.text) ?? []), route]);
    } else if (place.kind === 'supernet') {
      for (const pod of pods.filter((p) => cidrWithin(p, place.cidr))) {
        supernets.set(pod.text, [...(supernets.get(pod.text) ?? []), route]);
      }
      if (route.State !== 'active') continue;
      notes.push(
        `${route.DestinationCidrBlock} (${route.Type} -> ${attachmentText(route)}) holds pod CIDR ${place.pod.text}: left in place, a blackhole for the pod CIDR overrides it`,
      );
    } else if (place.kind === 'unknown' && route.PrefixListId) {
      notes.push(
        `route to prefix list ${route.PrefixListId} (${route.Type}) is not checked against the pod CIDRs`,
      );
    }
  }
  for (const search of state.additionalRoutesAvailable) {
    notes.push(
      `AdditionalRoutesAvailable for ${search}: more routes than one search returns; planning again after these steps finds the rest`,
    );
  }
  // a pod CIDR is covered when the most specific route that holds it all carries traffic
  const covering = new Map<string, TransitGatewayRoute>();
  for (const pod of pods) {
    const winner = lookupRoute(supernets.get(pod.text) ?? [], pod);
    if (winner && winner.State !== 'blackhole') covering.set(pod.text, winner);
  }
  return { inside, covering, notes };
}

/** The steps for the routes of one destination inside a pod CIDR. */
function planPrefix(tableId: string, prefix: string, routes: readonly TransitGatewayRoute[]) {
  const statics = routes.filter((r) => r.Type === 'static');
  const propagated = routes.filter((r) => r.Type === 'propagated' && r.State === 'active');
  const activeStatic = statics.find((r) => r.State === 'active');
  const pending = routes.filter((r) => r.State === 'pending').map((r) => `${describeRoute(r)} is pending`);
  const blackholed = statics.some((r) => r.State === 'blackhole') || activeStatic !== undefined;
  if (activeStatic) {
    // replaced, never deleted: a propagated route for the prefix may hide behind the static one
    const step: ReplaceTgwRouteStep = {
      action: 'ec2:ReplaceTransitGatewayRoute',
      input: { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: prefix, Blackhole: true },
      reason: `${describeRoute(activeStatic)}: replaced with a blackhole`,
      before: { route: activeStatic },
    };
    return { steps: [step], pending, blackholed };
  }
  if (blackholed || propagated.length === 0) return { steps: [], pending, blackholed };
  const step: CreateTgwRouteStep = {
    action: 'ec2:CreateTransitGatewayRoute',
    input: { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: prefix, Blackhole: true },
    reason: `${prefix} propagated from ${propagated.map(attachmentText).join(', ')} (active): override with a static blackhole`,
    before: { overrides: propagated },
  };
  return { steps: [step], pending, blackholed: true };
}

/**
 * Plans what makes every pod address unreachable through the table: after the steps, a
 * longest-prefix lookup of any pod address ends in a blackhole or in no route, and the lookup of any
 * other address ends where it did. Pure.
 *
 * - an active static route inside a pod CIDR is replaced with a blackhole in one call
 *   (`ReplaceTransitGatewayRoute`, `Blackhole: true`), never deleted: a propagated route for the same
 *   prefix may hide behind it, and deleting would reveal it;
 * - an active propagated route inside a pod CIDR cannot be deleted, and disabling the propagation
 *   would cut the whole attachment: a static blackhole route for the same prefix overrides it;
 * - a route that holds a pod CIDR (`100.0.0.0/8`, `0.0.0.0/0`) carries its traffic: a static blackhole
 *   for the pod CIDR itself wins (the more specific route), and the covering route stays;
 * - a static blackhole route inside a pod CIDR is compliant: it is this fix;
 * - routes outside every pod CIDR (the node CIDR) are never touched.
 *
 * @example
 * ```ts
 * planRemovePodCidrTgwRoutes(state, { podCidrs: ['100.64.0.0/10'] });
 * // { kind: 'steps', steps: [{ action: 'ec2:ReplaceTransitGatewayRoute', input: { TransitGatewayRouteTableId, DestinationCidrBlock: '100.64.12.0/24', Blackhole: true }, … }] }
 * ```
 */
export function planRemovePodCidrTgwRoutes(
  state: TgwRouteTableState,
  settings: RemovePodCidrTgwRoutesSettings,
): Plan<TgwRouteStep> {
  const pods = outermost(
    settings.podCidrs.map((p) => parseCidr(p)).filter((c): c is Cidr => c !== undefined),
  );
  const tableId = state.routeTable.TransitGatewayRouteTableId ?? '';
  const { inside, covering, notes } = classifyRoutes(state, pods);
  const steps: TgwRouteStep[] = [];
  const pending: string[] = [];
  const blackholed = new Set<string>();
  for (const [prefix, routes] of inside) {
    const planned = planPrefix(tableId, prefix, routes);
    steps.push(...planned.steps);
    pending.push(...planned.pending);
    if (planned.blackholed) blackholed.add(prefix);
  }
  for (const [pod, over] of covering) {
    if (blackholed.has(pod) || (inside.get(pod) ?? []).some((r) => r.Type === 'static')) continue;
    steps.push({
      action: 'ec2:CreateTransitGatewayRoute',
      input: { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: pod, Blackhole: true },
      reason: `${pod} is reached through ${describeRoute(over)}: a static blackhole for the pod CIDR wins (the more specific route), the covering route stays`,
      before: { overrides: [over] },
    });
  }
  if (steps.length === 0 && pending.length) {
    return {
      kind: 'skip',
      reason: `routes inside a pod CIDR are still pending: ${pending.join('; ')}`,
      notes,
    };
  }
  if (steps.length === 0 && state.additionalRoutesAvailable.length) {
    return {
      kind: 'skip',
      reason:
        'the route search was cut (AdditionalRoutesAvailable) and found nothing to fix in what it returned',
      notes,
    };
  }
  if (steps.length === 0) {
    return {
      kind: 'noop',
      reason: `no route carries traffic into ${settings.podCidrs.join(', ')}`,
      ...(notes.length ? { notes } : {}),
    };
  }
  notes.push(...pending);
  return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
}

/** The attachment a route goes to, or none for a blackhole. */
const attachmentOf = (route: TransitGatewayRoute) =>
  route.State === 'blackhole' ? undefined : route.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId;

/**
 * The inverse of a step: a route replaced with a blackhole is replaced back to its original
 * attachment; a created route (a blackhole override) is deleted; a deleted static route (records of
 * earlier versions) is re-created to its original attachment, or as the blackhole it was.
 */
export function undoTgwRouteStep(step: TgwRouteStep): TgwRouteStep[] {
  const table = step.input.TransitGatewayRouteTableId;
  const destination = step.input.DestinationCidrBlock!;
  const target = (route: TransitGatewayRoute) => {
    const attachment = attachmentOf(route);
    return attachment ? { TransitGatewayAttachmentId: attachment } : { Blackhole: true };
  };
  if (step.action === 'ec2:ReplaceTransitGatewayRoute') {
    const route = step.before.route;
    return [
      {
        action: 'ec2:ReplaceTransitGatewayRoute',
        input: { TransitGatewayRouteTableId: table, DestinationCidrBlock: destination, ...target(route) },
        reason: `undo: replace ${destination} back -> ${attachmentOf(route) ?? 'blackhole'}`,
        before: {
          route: {
            DestinationCidrBlock: destination,
            Type: 'static',
            ...(step.input.Blackhole
              ? { State: 'blackhole' }
              : {
                  State: 'active',
                  TransitGatewayAttachments: [
                    { TransitGatewayAttachmentId: step.input.TransitGatewayAttachmentId },
                  ],
                }),
          },
        },
      },
    ];
  }
  if (step.action === 'ec2:CreateTransitGatewayRoute') {
    const route = step.before.route ?? {
      DestinationCidrBlock: destination,
      Type: 'static',
      State: step.input.Blackhole ? 'blackhole' : 'active',
    };
    return [
      {
        action: 'ec2:DeleteTransitGatewayRoute',
        input: { TransitGatewayRouteTableId: table, DestinationCidrBlock: destination },
        reason: `undo: delete the static route ${destination} created by the remediation`,
        before: { route },
      },
    ];
  }
  const route = step.before.route;
  return [
    {
      action: 'ec2:CreateTransitGatewayRoute',
      input: { TransitGatewayRouteTableId: table, DestinationCidrBlock: destination, ...target(route) },
      reason: `undo: re-create ${destination} -> ${attachmentOf(route) ?? 'blackhole'}`,
      before: { route },
    },
  ];
}

/** Why undoing `step` now would conflict with the route table as it is. Pure. */
export function tgwUndoConflict(state: TgwRouteTableState | Gone, step: TgwRouteStep): string | undefined {
  if (state === GONE)
    return `transit gateway route table ${step.input.TransitGatewayRouteTableId} no longer exists`;
  if (step.action === 'ec2:CreateTransitGatewayRoute') return undefined;
  const destination = parseCidr(step.input.DestinationCidrBlock ?? '')?.text;
  const taken = state.routes.find(
    (r) => r.Type === 'static' && parseCidr(r.DestinationCidrBlock ?? '')?.text === destination,
  );
  if (step.action === 'ec2:ReplaceTransitGatewayRoute') {
    if (taken?.State === 'blackhole') return undefined;
    return taken
      ? `the static route to ${destination} was changed since (-> ${attachmentText(taken)}, ${taken.State}): replacing it would undo that change`
      : `no static route to ${destination} any more: there is nothing to replace back`;
  }
  if (taken) {
    return `a static route to ${destination} exists again (-> ${attachmentText(taken)}, ${taken.State}): re-creating the old one would fail`;
  }
  return undefined;
}
