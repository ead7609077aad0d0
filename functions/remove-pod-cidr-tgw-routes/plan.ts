import type {
  CreateTransitGatewayRouteCommandInput,
  DeleteTransitGatewayRouteCommandInput,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { type Cidr, cidrWithin, parseCidr } from '../../shared/cidr.js';
import type { Gone, Plan, Step } from '../../shared/remediation.js';
import { GONE } from '../../shared/remediation.js';
import '../../shared/zod.js';

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
  /** The propagated routes a blackhole overrides, or the static route an undo re-creates. */
  readonly before: {
    readonly overrides?: readonly TransitGatewayRoute[];
    readonly route?: TransitGatewayRoute;
  };
};
export type TgwRouteStep = DeleteTgwRouteStep | CreateTgwRouteStep;

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

/**
 * Plans the removal of every transit gateway route that makes a pod CIDR reachable. Pure.
 *
 * - an active static route inside a pod CIDR is deleted (`DeleteTransitGatewayRoute`);
 * - an active propagated route inside a pod CIDR cannot be deleted, and disabling the propagation
 *   would cut the whole attachment: a static blackhole route for the same prefix overrides it
 *   (`CreateTransitGatewayRoute` with `Blackhole: true`);
 * - a static blackhole route inside a pod CIDR is compliant: it is this fix;
 * - supernets of a pod CIDR (`0.0.0.0/0`, `100.0.0.0/8`) are not the pod CIDR: reported in notes;
 * - routes outside every pod CIDR (the node CIDR) are never touched.
 *
 * @example
 * ```ts
 * planRemovePodCidrTgwRoutes(state, { podCidrs: ['100.64.0.0/10'] });
 * // { kind: 'steps', steps: [{ action: 'ec2:DeleteTransitGatewayRoute', input: { TransitGatewayRouteTableId, DestinationCidrBlock: '100.64.12.0/24' }, … }] }
 * ```
 */
export function planRemovePodCidrTgwRoutes(
  state: TgwRouteTableState,
  settings: RemovePodCidrTgwRoutesSettings,
): Plan<TgwRouteStep> {
  const pods = settings.podCidrs.map((p) => parseCidr(p)).filter((c): c is Cidr => c !== undefined);
  const tableId = state.routeTable.TransitGatewayRouteTableId ?? '';
  const notes: string[] = [];
  const inside = new Map<string, TransitGatewayRoute[]>();
  for (const route of state.routes) {
    const place = placeRoute(route, pods);
    if (place.kind === 'inside') {
      const list = inside.get(place.cidr.text) ?? [];
      list.push(route);
      inside.set(place.cidr.text, list);
    } else if (place.kind === 'supernet' && route.State === 'active') {
      notes.push(
        `${route.DestinationCidrBlock} (${route.Type} -> ${attachmentText(route)}) holds pod CIDR ${place.pod.text} but is not it: left in place`,
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

  const steps: TgwRouteStep[] = [];
  const pending: string[] = [];
  for (const [prefix, routes] of inside) {
    const statics = routes.filter((r) => r.Type === 'static');
    const propagated = routes.filter((r) => r.Type === 'propagated' && r.State === 'active');
    const activeStatic = statics.find((r) => r.State === 'active');
    const staticBlackhole = statics.find((r) => r.State === 'blackhole');
    for (const r of routes.filter((x) => x.State === 'pending')) {
      pending.push(`${r.DestinationCidrBlock} (${r.Type} -> ${attachmentText(r)}) is pending`);
    }
    if (activeStatic) {
      steps.push({
        action: 'ec2:DeleteTransitGatewayRoute',
        input: {
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: activeStatic.DestinationCidrBlock!,
        },
        reason: `${activeStatic.DestinationCidrBlock} static -> ${attachmentText(activeStatic)} (active)`,
        before: { route: activeStatic },
      });
    } else if (staticBlackhole) {
      continue; // the static blackhole route overrides whatever is propagated for this prefix
    }
    if (propagated.length) {
      steps.push({
        action: 'ec2:CreateTransitGatewayRoute',
        input: { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: prefix, Blackhole: true },
        reason: `${prefix} propagated from ${propagated.map(attachmentText).join(', ')} (active): override with a static blackhole`,
        before: { overrides: propagated },
      });
    }
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
      reason: `no active route inside ${settings.podCidrs.join(', ')}`,
      ...(notes.length ? { notes } : {}),
    };
  }
  notes.push(...pending);
  return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
}

/**
 * The inverse of a step: a deleted static route is re-created to its original attachment (or as the
 * blackhole it was); a created route (a blackhole override) is deleted.
 */
export function undoTgwRouteStep(step: TgwRouteStep): TgwRouteStep[] {
  const table = step.input.TransitGatewayRouteTableId;
  const destination = step.input.DestinationCidrBlock!;
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
  const attachment = route.TransitGatewayAttachments?.[0]?.TransitGatewayAttachmentId;
  return [
    {
      action: 'ec2:CreateTransitGatewayRoute',
      input: {
        TransitGatewayRouteTableId: table,
        DestinationCidrBlock: destination,
        ...(attachment && route.State !== 'blackhole'
          ? { TransitGatewayAttachmentId: attachment }
          : { Blackhole: true }),
      },
      reason: `undo: re-create ${destination} -> ${attachment ?? 'blackhole'}`,
      before: { route },
    },
  ];
}

/** Why undoing `step` now would conflict with the route table as it is. Pure. */
export function tgwUndoConflict(state: TgwRouteTableState | Gone, step: TgwRouteStep): string | undefined {
  if (state === GONE)
    return `transit gateway route table ${step.input.TransitGatewayRouteTableId} no longer exists`;
  if (step.action !== 'ec2:DeleteTransitGatewayRoute') return undefined;
  const destination = parseCidr(step.input.DestinationCidrBlock ?? '')?.text;
  const taken = state.routes.find(
    (r) => r.Type === 'static' && parseCidr(r.DestinationCidrBlock ?? '')?.text === destination,
  );
  if (taken) {
    return `a static route to ${destination} exists again (-> ${attachmentText(taken)}, ${taken.State}): re-creating the old one would fail`;
  }
  return undefined;
}
