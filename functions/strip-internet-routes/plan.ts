import type {
  CreateRouteCommandInput,
  DeleteRouteCommandInput,
  Route,
  RouteTable,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { PublicTierTagSchema, publicTierIdsSchema, publicTierReason } from '../../shared/public-tier.js';
import type { Gone, Plan, Step } from '../../shared/remediation.js';
import { GONE } from '../../shared/remediation.js';
import '../../shared/zod.js';
import { routeTableKind } from './resource-kind.js';

/** The route table as DescribeRouteTables returns it: routes, associations, tags, VPC. */
export type RouteTableState = RouteTable;

export const StripInternetRoutesSettingsSchema = z.strictObject({
  /** Route tables of the public tier: their internet routes are legitimate and never touched. */
  publicRouteTableIds: publicTierIdsSchema(routeTableKind),
  /**
   * A tag that marks a public-tier route table, e.g. `{ key: 'airlock:tier', value: 'public' }`. Off
   * (`null`) by default: whoever owns a route table can usually write its tags, so a tag would let the
   * owner of a drifted private table exempt it; only `publicRouteTableIds` counts unless this is set.
   */
  publicRouteTableTag: PublicTierTagSchema,
});
export type StripInternetRoutesSettings = z.infer<typeof StripInternetRoutesSettingsSchema>;

/** The destination of a route: exactly one of the three keys, as DeleteRoute / CreateRoute take it. */
export type RouteDestination =
  | { readonly DestinationCidrBlock: string }
  | { readonly DestinationIpv6CidrBlock: string }
  | { readonly DestinationPrefixListId: string };

/** The internet-facing target of a route, as CreateRoute takes it. */
export type InternetTarget =
  | { readonly GatewayId: string }
  | { readonly NatGatewayId: string }
  | { readonly EgressOnlyInternetGatewayId: string };

export type DeleteRouteStep = Step<DeleteRouteCommandInput & RouteDestination> & {
  readonly action: 'ec2:DeleteRoute';
  readonly before: { readonly route: Route };
};
export type CreateRouteStep = Step<CreateRouteCommandInput & RouteDestination & InternetTarget> & {
  readonly action: 'ec2:CreateRoute';
  readonly before: { readonly route: Route };
};
export type RouteStep = DeleteRouteStep | CreateRouteStep;

/** The route's destination as one key, or undefined when it has none. */
export function routeDestination(route: Route): RouteDestination | undefined {
  if (route.DestinationCidrBlock) return { DestinationCidrBlock: route.DestinationCidrBlock };
  if (route.DestinationIpv6CidrBlock) return { DestinationIpv6CidrBlock: route.DestinationIpv6CidrBlock };
  if (route.DestinationPrefixListId) return { DestinationPrefixListId: route.DestinationPrefixListId };
  return undefined;
}

/** The destination in words: `0.0.0.0/0`, `::/0`, `pl-…`. */
export function destinationText(d: RouteDestination): string {
  return 'DestinationCidrBlock' in d
    ? d.DestinationCidrBlock
    : 'DestinationIpv6CidrBlock' in d
      ? d.DestinationIpv6CidrBlock
      : d.DestinationPrefixListId;
}

/** True when the two routes go to the same destination (the key EC2 identifies a route by). */
export function sameDestination(a: Route, b: Route): boolean {
  const da = routeDestination(a);
  const db = routeDestination(b);
  return da !== undefined && db !== undefined && JSON.stringify(da) === JSON.stringify(db);
}

/**
 * The internet-facing target of a route: an internet gateway (`GatewayId igw-…`), a NAT gateway
 * (`nat-…`) or an egress-only internet gateway (`eigw-…`). Undefined for every other target: `local`,
 * gateway endpoints (`vpce-…`), virtual private gateways, peering, transit gateways, instances, ENIs.
 */
export function internetTarget(route: Route): InternetTarget | undefined {
  if (route.GatewayId?.startsWith('igw-')) return { GatewayId: route.GatewayId };
  if (route.NatGatewayId?.startsWith('nat-')) return { NatGatewayId: route.NatGatewayId };
  if (route.EgressOnlyInternetGatewayId?.startsWith('eigw-')) {
    return { EgressOnlyInternetGatewayId: route.EgressOnlyInternetGatewayId };
  }
  return undefined;
}

function targetText(t: InternetTarget): string {
  return 'GatewayId' in t
    ? t.GatewayId
    : 'NatGatewayId' in t
      ? t.NatGatewayId
      : t.EgressOnlyInternetGatewayId;
}

/** Why a route table belongs to the public tier, or undefined when it does not. */
function publicRouteTableReason(
  table: RouteTableState,
  settings: StripInternetRoutesSettings,
): string | undefined {
  return publicTierReason(
    { id: table.RouteTableId, tags: table.Tags ?? [] },
    {
      ids: settings.publicRouteTableIds,
      tag: settings.publicRouteTableTag,
      idsSetting: 'publicRouteTableIds',
      noun: 'route table',
    },
  );
}

interface Finding {
  readonly route: Route;
  readonly destination: RouteDestination;
  readonly target: InternetTarget;
  readonly deletable: boolean;
}

/**
 * The routes of a private route table that lead to the internet: target an internet gateway, a NAT
 * gateway or an egress-only internet gateway, in state `active` or `blackhole` (a blackhole route to a
 * deleted NAT gateway is drift all the same: it is what a new gateway would be wired to). `local`
 * routes are never findings. Propagated routes are found but marked not deletable.
 */
export function findInternetRoutes(table: RouteTableState): Finding[] {
  const findings: Finding[] = [];
  for (const route of table.Routes ?? []) {
    if (route.GatewayId === 'local') continue;
    if (route.State !== 'active' && route.State !== 'blackhole') continue;
    const target = internetTarget(route);
    const destination = routeDestination(route);
    if (!target || !destination) continue;
    findings.push({
      route,
      destination,
      target,
      deletable: route.Origin !== 'EnableVgwRoutePropagation' && route.Origin !== 'CreateRouteTable',
    });
  }
  return findings;
}

/**
 * Plans the deletion of every route of a private route table to an internet gateway, a NAT gateway
 * or an egress-only internet gateway, one `DeleteRoute` per route by its exact destination. Public-tier
 * route tables are never touched. Pure.
 *
 * @example
 * ```ts
 * planStripInternetRoutes(table, { publicRouteTableIds: [], publicRouteTableTag: undefined });
 * // { kind: 'steps', steps: [{ action: 'ec2:DeleteRoute', input: { RouteTableId, DestinationCidrBlock: '0.0.0.0/0' }, … }] }
 * ```
 */
export function planStripInternetRoutes(
  table: RouteTableState,
  settings: StripInternetRoutesSettings,
): Plan<RouteStep> {
  const publicTier = publicRouteTableReason(table, settings);
  if (publicTier) return { kind: 'noop', reason: `public-tier route table, never touched: ${publicTier}` };
  const findings = findInternetRoutes(table);
  if (findings.length === 0) {
    return {
      kind: 'noop',
      reason: 'no route to an internet gateway, NAT gateway or egress-only internet gateway',
    };
  }
  const tableId = table.RouteTableId ?? '';
  const notes = findings
    .filter((f) => !f.deletable)
    .map(
      (f) =>
        `${destinationText(f.destination)} -> ${targetText(f.target)} has origin ${f.route.Origin} and cannot be deleted with DeleteRoute: remove it at its source`,
    );
  const steps: RouteStep[] = findings
    .filter((f) => f.deletable)
    .map((f) => ({
      action: 'ec2:DeleteRoute',
      input: { RouteTableId: tableId, ...f.destination },
      reason: `${destinationText(f.destination)} -> ${targetText(f.target)} (${f.route.State})`,
      before: { route: f.route },
    }));
  if (steps.length === 0) {
    return { kind: 'skip', reason: `internet routes that cannot be deleted: ${notes.join('; ')}`, notes };
  }
  return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
}

/** The inverse of a step: a deleted route is re-created to its original target, and vice versa. */
export function undoRouteStep(step: RouteStep): RouteStep[] {
  const route = step.before.route;
  const destination = routeDestination(route);
  const target = internetTarget(route);
  if (!destination || !target) return [];
  if (step.action === 'ec2:DeleteRoute') {
    return [
      {
        action: 'ec2:CreateRoute',
        input: { RouteTableId: step.input.RouteTableId, ...destination, ...target },
        reason: `undo: re-create ${destinationText(destination)} -> ${targetText(target)}`,
        before: { route },
      },
    ];
  }
  return [
    {
      action: 'ec2:DeleteRoute',
      input: { RouteTableId: step.input.RouteTableId, ...destination },
      reason: `undo: delete the re-created ${destinationText(destination)} -> ${targetText(target)}`,
      before: { route },
    },
  ];
}

/** Why undoing `step` now would conflict: another route took the destination since. Pure. */
export function routeUndoConflict(state: RouteTableState | Gone, step: RouteStep): string | undefined {
  if (state === GONE) return `route table ${step.input.RouteTableId} no longer exists`;
  if (step.action !== 'ec2:DeleteRoute') return undefined;
  const taken = (state.Routes ?? []).find((r) => sameDestination(r, step.before.route));
  if (taken) {
    return `a route to ${destinationText(routeDestination(taken)!)} exists again (${JSON.stringify(taken)}): re-creating the old one would replace nothing`;
  }
  return undefined;
}
