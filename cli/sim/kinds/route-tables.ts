import { createHash } from 'node:crypto';
import { DescribeRouteTablesCommand, EC2Client, type RouteTable } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { parseCidr } from '../../../shared/cidr.js';
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
 * VPC route tables (EC2). Their targets (NAT, internet and egress-only internet gateways, VPC endpoints,
 * peering connections, transit gateways) are ids in the routes: the simulator models no gateway itself.
 */

const routeSchema = z
  .object({
    DestinationCidrBlock: cidrText.optional(),
    DestinationIpv6CidrBlock: cidrText.optional(),
    DestinationPrefixListId: z.string().optional(),
    GatewayId: z.string().optional(),
    NatGatewayId: z.string().optional(),
    State: z.string().optional(),
    Origin: z.string().optional(),
    EgressOnlyInternetGatewayId: z.string().optional(),
    TransitGatewayId: z.string().optional(),
    VpcPeeringConnectionId: z.string().optional(),
  })
  .loose()
  .refine(
    (r) => r.DestinationCidrBlock || r.DestinationIpv6CidrBlock || r.DestinationPrefixListId,
    'a route needs DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId',
  );

const associationSchema = z
  .object({
    RouteTableAssociationId: z.string().optional(),
    RouteTableId: z.string().optional(),
    SubnetId: z.string().optional(),
    GatewayId: z.string().optional(),
    Main: z.boolean().optional(),
  })
  .loose();

const routeTableSchema = z
  .object({
    RouteTableId: z.string().regex(/^rtb-[0-9a-zA-Z]+$/, 'expected rtb-…'),
    VpcId: z.string().optional(),
    Routes: z.array(routeSchema).default(() => []),
    Associations: z.array(associationSchema).optional(),
    Tags: z.array(tagSchema).optional(),
    OwnerId: z.string().optional(),
  })
  .loose();

/** SDK `RouteTable`. */
export type SimRouteTable = z.output<typeof routeTableSchema>;
/** SDK `Route`. */
export type SimRoute = z.output<typeof routeSchema>;

const slot = regionSlot({ routeTables: z.array(routeTableSchema).default(() => []) });

const DESTINATIONS = ['DestinationCidrBlock', 'DestinationIpv6CidrBlock', 'DestinationPrefixListId'] as const;
type Destination = { key: (typeof DESTINATIONS)[number]; value: string };

function destinationOf(input: SimInput): Destination {
  const given = DESTINATIONS.filter((k) => input[k]);
  if (given.length !== 1) {
    throw new SimApiError(
      'InvalidParameterCombination',
      'Exactly one of DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId is required',
    );
  }
  const key = given[0]!;
  return { key, value: String(input[key]) };
}

function sameDestination(route: SimRoute, d: Destination): boolean {
  const have = route[d.key];
  if (!have) return false;
  if (d.key === 'DestinationPrefixListId') return have === d.value;
  return (parseCidr(have)?.text ?? have) === (parseCidr(d.value)?.text ?? d.value);
}

function findRouteTable(ctx: SimCallContext, id: unknown): SimRouteTable {
  const table = slot.in(ctx).routeTables.find((t) => t.RouteTableId === id);
  if (!table)
    throw new SimApiError('InvalidRouteTableID.NotFound', `The routeTable ID '${id}' does not exist`);
  return table;
}

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'EgressOnlyInternetGatewayId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'NetworkInterfaceId',
  'InstanceId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'CoreNetworkArn',
  'VpcEndpointId',
] as const;

function tableFilterValues(t: SimRouteTable, name: string): (string | undefined)[] | undefined {
  const routes = t.Routes;
  const assoc = t.Associations ?? [];
  switch (name) {
    case 'route-table-id':
      return [t.RouteTableId];
    case 'vpc-id':
      return [t.VpcId];
    case 'owner-id':
      return [t.OwnerId];
    case 'association.subnet-id':
      return assoc.map((a) => a.SubnetId);
    case 'association.gateway-id':
      return assoc.map((a) => a.GatewayId);
    case 'association.route-table-association-id':
      return assoc.map((a) => a.RouteTableAssociationId);
    case 'association.route-table-id':
      return assoc.map((a) => a.RouteTableId);
    case 'association.main':
      return assoc.map((a) => String(Boolean(a.Main)));
    case 'route.destination-cidr-block':
      return routes.map((r) => r.DestinationCidrBlock);
    case 'route.destination-ipv6-cidr-block':
      return routes.map((r) => r.DestinationIpv6CidrBlock);
    case 'route.destination-prefix-list-id':
      return routes.map((r) => r.DestinationPrefixListId);
    case 'route.gateway-id':
      return routes.map((r) => r.GatewayId);
    case 'route.nat-gateway-id':
      return routes.map((r) => r.NatGatewayId);
    case 'route.egress-only-internet-gateway-id':
      return routes.map((r) => r.EgressOnlyInternetGatewayId);
    case 'route.transit-gateway-id':
      return routes.map((r) => r.TransitGatewayId);
    case 'route.vpc-peering-connection-id':
      return routes.map((r) => r.VpcPeeringConnectionId);
    case 'route.origin':
      return routes.map((r) => r.Origin);
    case 'route.state':
      return routes.map((r) => r.State);
    default:
      return tagFilter(t.Tags, name);
  }
}

function describeRouteTables(ctx: SimCallContext, input: SimInput) {
  let tables = slot.in(ctx).routeTables;
  if (input.RouteTableIds?.length) {
    for (const id of input.RouteTableIds as string[]) findRouteTable(ctx, id);
    tables = tables.filter((t) => (input.RouteTableIds as string[]).includes(t.RouteTableId));
  }
  const filtered = applyFilters(tables, input.Filters as Filter[] | undefined, tableFilterValues);
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return { RouteTables: structuredClone(page), ...(next ? { NextToken: next } : {}) };
}

function deleteRoute(ctx: SimCallContext, input: SimInput) {
  const table = findRouteTable(ctx, input.RouteTableId);
  const d = destinationOf(input);
  const route = table.Routes.find((r) => sameDestination(r, d));
  if (!route) {
    throw new SimApiError(
      'InvalidRoute.NotFound',
      `There is no route defined for '${d.value}' in the route table. Use DescribeRouteTables to see the routes in this route table.`,
    );
  }
  if (route.GatewayId === 'local' || route.Origin === 'CreateRouteTable') {
    throw new SimApiError(
      'InvalidParameterValue',
      `cannot remove local route ${d.value} in route table ${table.RouteTableId}`,
    );
  }
  if (route.Origin === 'EnableVgwRoutePropagation') {
    throw new SimApiError(
      'InvalidParameterValue',
      `route ${d.value} in route table ${table.RouteTableId} is propagated by a virtual private gateway and cannot be deleted`,
    );
  }
  table.Routes = table.Routes.filter((r) => r !== route);
  return {};
}

function createRoute(ctx: SimCallContext, input: SimInput) {
  const table = findRouteTable(ctx, input.RouteTableId);
  const d = destinationOf(input);
  if (d.key !== 'DestinationPrefixListId' && !parseCidr(d.value)) {
    throw new SimApiError(
      'InvalidParameterValue',
      `Value (${d.value}) for parameter destinationCidrBlock is invalid.`,
    );
  }
  const targets = ROUTE_TARGETS.filter((k) => input[k]);
  if (targets.length !== 1) {
    throw new SimApiError('InvalidParameterCombination', 'Exactly one route target is required');
  }
  if (table.Routes.some((r) => sameDestination(r, d))) {
    throw new SimApiError('RouteAlreadyExists', `The route identified by ${d.value} already exists.`);
  }
  const target = targets[0]!;
  table.Routes.push({ [d.key]: d.value, [target]: input[target], Origin: 'CreateRoute', State: 'active' });
  return { Return: true };
}

/** Every table of the region with the association, or undefined. */
function tableWithAssociation(ctx: SimCallContext, associationId: unknown) {
  return slot
    .in(ctx)
    .routeTables.find((t) => (t.Associations ?? []).some((a) => a.RouteTableAssociationId === associationId));
}

function disassociateRouteTable(ctx: SimCallContext, input: SimInput) {
  const table = tableWithAssociation(ctx, input.AssociationId);
  const association = table?.Associations?.find((a) => a.RouteTableAssociationId === input.AssociationId);
  if (!table || !association) {
    throw new SimApiError(
      'InvalidAssociationID.NotFound',
      `The association ID '${String(input.AssociationId)}' does not exist`,
    );
  }
  if (association.Main) {
    throw new SimApiError(
      'InvalidParameterValue',
      `cannot disassociate the main route table association ${String(input.AssociationId)}`,
    );
  }
  table.Associations = (table.Associations ?? []).filter((a) => a !== association);
  return {};
}

function associateRouteTable(ctx: SimCallContext, input: SimInput) {
  const table = findRouteTable(ctx, input.RouteTableId);
  const subnet = input.SubnetId;
  if (typeof subnet !== 'string') {
    throw new SimApiError('MissingParameter', 'The request must contain the parameter subnetId or gatewayId');
  }
  const taken = slot
    .in(ctx)
    .routeTables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnet));
  if (taken) {
    throw new SimApiError(
      'Resource.AlreadyAssociated',
      `the specified association for route table ${taken.RouteTableId} conflicts with an existing association`,
    );
  }
  const count = slot.in(ctx).routeTables.reduce((n, t) => n + (t.Associations?.length ?? 0), 0);
  const AssociationId = `rtbassoc-${createHash('sha256').update(`${table.RouteTableId}/${subnet}/${count}`).digest('hex').slice(0, 17)}`;
  table.Associations = [
    ...(table.Associations ?? []),
    {
      RouteTableAssociationId: AssociationId,
      RouteTableId: table.RouteTableId,
      SubnetId: subnet,
      Main: false,
    },
  ];
  return { AssociationId, AssociationState: { State: 'associated' } };
}

function summarizeTable(t: SimRouteTable) {
  const gateways = t.Routes.map(
    (x) =>
      x.NatGatewayId ??
      x.EgressOnlyInternetGatewayId ??
      (x.GatewayId?.startsWith('igw-') ? x.GatewayId : undefined),
  ).filter(Boolean);
  return {
    kind: 'route table',
    id: t.RouteTableId,
    detail: `${t.Routes.length} route(s)${gateways.length ? `, to ${gateways.join(', ')}` : ''}`,
  };
}

// ---------- scenario builders ----------

/** A route's target: exactly one of the SDK's target fields (`{ NatGatewayId: 'nat-…' }`). */
export type RouteTarget = Partial<Record<(typeof ROUTE_TARGETS)[number], string>>;

/** The local route of a VPC's CIDR (cannot be deleted). */
export function localRoute(cidr: string): SimRoute {
  return { DestinationCidrBlock: cidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
}

/** A route made by CreateRoute: to a CIDR (IPv4 or IPv6) or a prefix list (`pl-…`). */
export function route(destination: string, target: RouteTarget): SimRoute {
  const key = destination.startsWith('pl-')
    ? 'DestinationPrefixListId'
    : destination.includes(':')
      ? 'DestinationIpv6CidrBlock'
      : 'DestinationCidrBlock';
  return { [key]: destination, ...target, Origin: 'CreateRoute', State: 'active' };
}

/**
 * A route table for a scenario; its owner is the account it is placed in.
 *
 * @example
 * ```ts
 * routeTable({ id: 'rtb-0abc…', vpc, routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { NatGatewayId: 'nat-…' })] });
 * ```
 */
export function routeTable(spec: {
  readonly id: string;
  readonly vpc?: string;
  /** Subnet associations: `{ id: 'rtbassoc-…', subnet: 'subnet-…' }`, or the VPC's main table: `{ id, main: true }`. */
  readonly associations?: readonly {
    readonly id: string;
    readonly subnet?: string;
    readonly main?: boolean;
  }[];
  readonly routes: readonly SimRoute[];
  readonly tags?: readonly SimTag[];
}): SimFragment {
  return slot.fragment((view, where) => {
    view.routeTables.push({
      RouteTableId: spec.id,
      ...(spec.vpc !== undefined ? { VpcId: spec.vpc } : {}),
      OwnerId: where.account,
      Associations: (spec.associations ?? []).map((a) => ({
        RouteTableAssociationId: a.id,
        RouteTableId: spec.id,
        ...(a.subnet ? { SubnetId: a.subnet } : {}),
        Main: a.main === true,
      })),
      Routes: structuredClone([...spec.routes]),
      ...(spec.tags ? { Tags: structuredClone([...spec.tags]) } : {}),
    });
  });
}

async function snapshotRouteTables(read: SimSnapshotReader) {
  const ec2 = read.clients.get(EC2Client, read.scope);
  const tables = await read.attempt('ec2:DescribeRouteTables', () =>
    read.pages<RouteTable>(async (NextToken) => {
      const page = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: 100, NextToken }));
      return { items: page.RouteTables, next: page.NextToken };
    }),
  );
  return tables ? { routeTables: read.plain(tables) as SimRouteTable[] } : {};
}

/** The route tables kind. */
export const routeTables = defineKind('route tables', slot, {
  apis: {
    ec2: {
      DescribeRouteTables: describeRouteTables,
      DeleteRoute: deleteRoute,
      CreateRoute: createRoute,
      DisassociateRouteTable: disassociateRouteTable,
      AssociateRouteTable: associateRouteTable,
    },
  },
  // DisassociateRouteTable names only the association: its table is the resource
  resourceId: (_api, input, ctx) =>
    firstString(input, ['RouteTableId']) ||
    (ctx && tableWithAssociation(ctx, input.AssociationId)?.RouteTableId) ||
    firstString(input, ['AssociationId']),
  summarize: (view) => view.routeTables.map(summarizeTable),
  sample: () => [
    routeTable({
      id: 'rtb-0abcdef0123456789',
      vpc: 'vpc-0123456789abcdef0',
      associations: [{ id: 'rtbassoc-0000000000000001', subnet: 'subnet-0private00000001' }],
      routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { NatGatewayId: 'nat-0123456789abcdef0' })],
      tags: [{ Key: 'tier', Value: 'private' }],
    }),
  ],
  snapshot: snapshotRouteTables,
});
