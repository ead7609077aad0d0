import type {
  AssociateRouteTableCommandInput,
  CreateRouteCommandInput,
  DeleteRouteCommandInput,
  DisassociateRouteTableCommandInput,
  Route,
  RouteTable,
  RouteTableAssociation,
} from '@aws-sdk/client-ec2';
import * as z from 'zod/mini';
import { PublicTierTagSchema, publicTierIdsSchema, publicTierReason } from '../../shared/public-tier.js';
import type { Gone, Plan, Step } from '../../shared/remediation.js';
import { GONE, inputString } from '../../shared/remediation.js';
import '../../shared/zod.js';
import { subnetKind } from '../disable-subnet-public-ip/resource-kind.js';
import { routeTableKind } from './resource-kind.js';

/** The route table as DescribeRouteTables returns it: routes, associations, tags, VPC. */
export type RouteTableState = RouteTable;

export const StripInternetRoutesSettingsSchema = z
  .strictObject({
    /** Route tables of the public tier: their internet routes are legitimate and never touched. */
    publicRouteTableIds: publicTierIdsSchema(routeTableKind),
    /**
     * A tag that marks a public-tier route table, e.g. `{ key: 'airlock:tier', value: 'public' }`. Off
     * (`null`) by default: whoever owns a route table can usually write its tags, so a tag would let the
     * owner of a drifted private table exempt it; only `publicRouteTableIds` counts unless this is set.
     */
    publicRouteTableTag: PublicTierTagSchema,
    /**
     * Subnets of the public tier: the only subnets a public-tier route table may serve. Any other subnet
     * associated with a public-tier table is disassociated (it falls back to the VPC's main table).
     * Required as soon as a public tier is named.
     */
    publicSubnetIds: publicTierIdsSchema(subnetKind),
  })
  .check(
    z.refine((s) => !namesPublicTier(s) || s.publicSubnetIds.length > 0, {
      message:
        'publicSubnetIds is required with publicRouteTableIds or publicRouteTableTag: the subnets the public tier may serve, so that a private subnet joined to a public-tier table is found',
      path: ['publicSubnetIds'],
    }),
  );
export type StripInternetRoutesSettings = z.infer<typeof StripInternetRoutesSettingsSchema>;

/** True when the settings name a public tier (by id or by tag). */
function namesPublicTier(s: {
  readonly publicRouteTableIds: readonly string[];
  readonly publicRouteTableTag?: unknown;
}): boolean {
  return (
    s.publicRouteTableIds.length > 0 ||
    (s.publicRouteTableTag !== undefined && s.publicRouteTableTag !== null)
  );
}

/** The destination of a route: exactly one of the three keys, as DeleteRoute / CreateRoute take it. */
export type RouteDestination =
  | { readonly DestinationCidrBlock: string }
  | { readonly DestinationIpv6CidrBlock: string }
  | { readonly DestinationPrefixListId: string };

/** The internet-facing target of a route, as CreateRoute takes it. */
export type InternetTarget =
  | { readonly GatewayId: string }
  | { readonly NatGatewayId: string }
  | { readonly EgressOnlyInternetGatewayId: string }
  | { readonly CarrierGatewayId: string };

export type DeleteRouteStep = Step<DeleteRouteCommandInput & RouteDestination> & {
  readonly action: 'ec2:DeleteRoute';
  readonly before: { readonly route: Route };
};
export type CreateRouteStep = Step<CreateRouteCommandInput & RouteDestination & InternetTarget> & {
  readonly action: 'ec2:CreateRoute';
  readonly before: { readonly route: Route };
};
/** A subnet's association with a route table, as a step keeps it. */
export interface SubnetAssociation {
  readonly RouteTableAssociationId: string;
  readonly RouteTableId: string;
  readonly SubnetId: string;
}
export type DisassociateStep = Step<
  DisassociateRouteTableCommandInput & { readonly AssociationId: string }
> & {
  readonly action: 'ec2:DisassociateRouteTable';
  readonly before: { readonly association: SubnetAssociation };
};
/** Undo only: the subnet joins the table again (the operator's rollback). */
export type AssociateStep = Step<AssociateRouteTableCommandInput & { readonly RouteTableId: string }> & {
  readonly action: 'ec2:AssociateRouteTable';
  readonly before: { readonly association: SubnetAssociation };
};
export type RouteStep = DeleteRouteStep | CreateRouteStep | DisassociateStep | AssociateStep;

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
 * (`nat-…`), an egress-only internet gateway (`eigw-…`) or a carrier gateway (`cagw-…`, a Wavelength
 * zone's way to the carrier network and the internet). Undefined for every other target: `local`,
 * gateway endpoints (`vpce-…`), virtual private gateways, peering, transit gateways, instances, ENIs.
 */
export function internetTarget(route: Route): InternetTarget | undefined {
  if (route.GatewayId?.startsWith('igw-')) return { GatewayId: route.GatewayId };
  if (route.NatGatewayId?.startsWith('nat-')) return { NatGatewayId: route.NatGatewayId };
  if (route.EgressOnlyInternetGatewayId?.startsWith('eigw-')) {
    return { EgressOnlyInternetGatewayId: route.EgressOnlyInternetGatewayId };
  }
  if (route.CarrierGatewayId?.startsWith('cagw-')) return { CarrierGatewayId: route.CarrierGatewayId };
  return undefined;
}

function targetText(t: InternetTarget): string {
  if ('GatewayId' in t) return t.GatewayId;
  if ('NatGatewayId' in t) return t.NatGatewayId;
  if ('CarrierGatewayId' in t) return t.CarrierGatewayId;
  return t.EgressOnlyInternetGatewayId;
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

/** An association in use (associating or associated; an answer without a state counts). */
function inUse(a: RouteTableAssociation): boolean {
  const state = a.AssociationState?.State;
  return state === undefined || state === 'associating' || state === 'associated';
}

/** The table's associations with subnets that are not of the public tier. */
export function strayAssociations(
  table: RouteTableState,
  settings: StripInternetRoutesSettings,
): SubnetAssociation[] {
  return (table.Associations ?? []).flatMap((a) =>
    inUse(a) &&
    a.Main !== true &&
    a.SubnetId &&
    a.RouteTableAssociationId &&
    !settings.publicSubnetIds.includes(a.SubnetId)
      ? [
          {
            RouteTableAssociationId: a.RouteTableAssociationId,
            RouteTableId: table.RouteTableId ?? a.RouteTableId ?? '',
            SubnetId: a.SubnetId,
          },
        ]
      : [],
  );
}

/** The internet targets of the findings, in words: `igw-…, nat-…`. */
function targetsText(findings: readonly Finding[]): string {
  return [...new Set(findings.map((f) => targetText(f.target)))].join(', ');
}

/**
 * A public-tier table keeps its internet routes, but it may serve only public-tier subnets: a private
 * subnet joined to it (or the table made the VPC's main table) reaches the internet all the same.
 * Each subnet it serves that is not in `publicSubnetIds` is disassociated (it falls back to the main
 * table); a public-tier main table cannot be fixed by the function (`skip`).
 */
function planPublicTier(
  table: RouteTableState,
  settings: StripInternetRoutesSettings,
  why: string,
): Plan<RouteStep> {
  const findings = findInternetRoutes(table);
  const untouched = `public-tier route table, never touched: ${why}`;
  if (findings.length === 0) return { kind: 'noop', reason: untouched };
  const tableId = table.RouteTableId ?? '';
  const main = (table.Associations ?? []).some((a) => a.Main === true && inUse(a));
  const notes = main
    ? [
        `${tableId} is the VPC's main route table: every subnet without a table of its own reaches ${targetsText(findings)} through it; make a private table the main one (ReplaceRouteTableAssociation)`,
      ]
    : [];
  const steps: DisassociateStep[] = strayAssociations(table, settings).map((association) => ({
    action: 'ec2:DisassociateRouteTable',
    input: { AssociationId: association.RouteTableAssociationId },
    reason: `${association.SubnetId} is not a public-tier subnet (publicSubnetIds) but is served by public-tier table ${tableId}, which routes to ${targetsText(findings)}`,
    before: { association },
  }));
  if (steps.length > 0) return { kind: 'steps', steps, ...(notes.length ? { notes } : {}) };
  if (main) return { kind: 'skip', reason: notes[0] ?? '', notes };
  return { kind: 'noop', reason: `${untouched}; it serves public-tier subnets only` };
}

/**
 * Plans the deletion of every route of a private route table to an internet gateway, a NAT gateway
 * or an egress-only internet gateway, one `DeleteRoute` per route by its exact destination. A
 * public-tier route table keeps its routes, but every subnet it serves outside the public tier is
 * disassociated. Pure.
 *
 * @example
 * ```ts
 * planStripInternetRoutes(table, { publicRouteTableIds: [], publicRouteTableTag: undefined, publicSubnetIds: [] });
 * // { kind: 'steps', steps: [{ action: 'ec2:DeleteRoute', input: { RouteTableId, DestinationCidrBlock: '0.0.0.0/0' }, … }] }
 * ```
 */
export function planStripInternetRoutes(
  table: RouteTableState,
  settings: StripInternetRoutesSettings,
): Plan<RouteStep> {
  const publicTier = publicRouteTableReason(table, settings);
  if (publicTier) return planPublicTier(table, settings, publicTier);
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

/** The route table a step acts on: the one its input or, for a disassociation, its association names. */
export function routeStepTable(step: Pick<Step, 'action' | 'input' | 'before'>): string | undefined {
  if (step.action !== 'ec2:DisassociateRouteTable') return inputString(step, 'RouteTableId');
  const table = (step.before as { association?: { RouteTableId?: unknown } } | undefined)?.association
    ?.RouteTableId;
  return typeof table === 'string' ? table : undefined;
}

/**
 * The inverse of a step: a deleted route is re-created to its original target, and vice versa; a
 * disassociated subnet joins the table again (its new association has a new id, so re-joining has no
 * inverse here).
 */
export function undoRouteStep(step: RouteStep): RouteStep[] {
  if (step.action === 'ec2:DisassociateRouteTable') {
    const { association } = step.before;
    return [
      {
        action: 'ec2:AssociateRouteTable',
        input: { RouteTableId: association.RouteTableId, SubnetId: association.SubnetId },
        reason: `undo: associate ${association.SubnetId} with ${association.RouteTableId} again`,
        before: { association },
      },
    ];
  }
  if (step.action === 'ec2:AssociateRouteTable') return [];
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
  if (state === GONE) return `route table ${routeStepTable(step)} no longer exists`;
  if (step.action === 'ec2:DisassociateRouteTable') {
    const { SubnetId } = step.before.association;
    const back = (state.Associations ?? []).some((a) => a.SubnetId === SubnetId && inUse(a));
    return back
      ? `${SubnetId} is associated with ${state.RouteTableId} again: nothing to re-associate`
      : undefined;
  }
  if (step.action !== 'ec2:DeleteRoute') return undefined;
  const taken = (state.Routes ?? []).find((r) => sameDestination(r, step.before.route));
  if (taken) {
    return `a route to ${destinationText(routeDestination(taken)!)} exists again (${JSON.stringify(taken)}): re-creating the old one would replace nothing`;
  }
  return undefined;
}
