import {
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { type Cidr, cidrWithin, parseCidr } from '../../../shared/cidr.js';
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
import { cidrText, isoDate, type SimTag, tagSchema } from './schema-parts.js';

/** Transit gateway route tables, their routes, and the attachments routes may target (EC2). */

const routeAttachmentSchema = z
  .object({
    TransitGatewayAttachmentId: z.string().optional(),
    ResourceId: z.string().optional(),
    ResourceType: z.string().optional(),
  })
  .loose();

const tgwRouteSchema = z
  .object({
    DestinationCidrBlock: cidrText.optional(),
    PrefixListId: z.string().optional(),
    Type: z.enum(['static', 'propagated']),
    State: z.enum(['active', 'blackhole', 'pending', 'deleting', 'deleted']),
    TransitGatewayAttachments: z.array(routeAttachmentSchema).optional(),
  })
  .loose();

const tgwRouteTableSchema = z
  .object({
    TransitGatewayRouteTableId: z.string().regex(/^tgw-rtb-[0-9a-zA-Z]+$/, 'expected tgw-rtb-…'),
    TransitGatewayId: z.string().optional(),
    State: z.string().optional(),
    CreationTime: isoDate.optional(),
    Tags: z.array(tagSchema).optional(),
    Routes: z.array(tgwRouteSchema).default(() => []),
  })
  .loose();

const attachmentSchema = routeAttachmentSchema.extend({ TransitGatewayAttachmentId: z.string() });

/** SDK `TransitGatewayRouteTable` + `Routes` (a static route hides propagated ones for the same destination). */
export type SimTransitGatewayRouteTable = z.output<typeof tgwRouteTableSchema>;
/** SDK `TransitGatewayRoute`. */
export type SimTransitGatewayRoute = z.output<typeof tgwRouteSchema>;
/** What `CreateTransitGatewayRoute` may target. */
export type SimTransitGatewayAttachment = z.output<typeof attachmentSchema>;

const slot = regionSlot({
  transitGatewayRouteTables: z.array(tgwRouteTableSchema).default(() => []),
  transitGatewayAttachments: z.array(attachmentSchema).default(() => []),
});

const clone = <T>(v: T): T => structuredClone(v);

function findTgwTable(ctx: SimCallContext, id: unknown): SimTransitGatewayRouteTable {
  const table = slot.in(ctx).transitGatewayRouteTables.find((t) => t.TransitGatewayRouteTableId === id);
  if (!table) {
    throw new SimApiError(
      'InvalidRouteTableID.NotFound',
      `Transit Gateway Route Table ${id} was deleted or does not exist.`,
    );
  }
  return table;
}

function dest(route: SimTransitGatewayRoute): string {
  return route.DestinationCidrBlock
    ? (parseCidr(route.DestinationCidrBlock)?.text ?? route.DestinationCidrBlock)
    : `pl:${route.PrefixListId}`;
}

/** The routes in effect: a static route (active or blackhole) hides the propagated ones for the same destination. */
export function effectiveTgwRoutes(table: SimTransitGatewayRouteTable): SimTransitGatewayRoute[] {
  const statics = new Set(table.Routes.filter((r) => r.Type === 'static').map(dest));
  return table.Routes.filter((r) => r.Type === 'static' || !statics.has(dest(r)));
}

function describeTransitGatewayRouteTables(ctx: SimCallContext, input: SimInput) {
  let tables = slot.in(ctx).transitGatewayRouteTables;
  if (input.TransitGatewayRouteTableIds?.length) {
    for (const id of input.TransitGatewayRouteTableIds as string[]) findTgwTable(ctx, id);
    tables = tables.filter((t) =>
      (input.TransitGatewayRouteTableIds as string[]).includes(t.TransitGatewayRouteTableId),
    );
  }
  const filtered = applyFilters(tables, input.Filters as Filter[] | undefined, (t, name) => {
    if (name === 'transit-gateway-route-table-id') return [t.TransitGatewayRouteTableId];
    if (name === 'transit-gateway-id') return [t.TransitGatewayId];
    if (name === 'state') return [t.State];
    if (name === 'default-association-route-table') return [String(Boolean(t.DefaultAssociationRouteTable))];
    if (name === 'default-propagation-route-table') return [String(Boolean(t.DefaultPropagationRouteTable))];
    return tagFilter(t.Tags, name);
  });
  const { page, next } = paginate(filtered, input.MaxResults, input.NextToken, 1000);
  return {
    TransitGatewayRouteTables: page.map(({ Routes: _r, ...rest }) => {
      const out: Record<string, unknown> = clone(rest);
      if (rest.CreationTime !== undefined) out.CreationTime = new Date(rest.CreationTime);
      return out;
    }),
    ...(next ? { NextToken: next } : {}),
  };
}

function cidrsOf(values: readonly string[] | undefined, filter: string): Cidr[] {
  return (values ?? []).map((v) => {
    const c = parseCidr(v);
    if (!c) throw new SimApiError('InvalidParameterValue', `Invalid CIDR '${v}' for filter ${filter}`);
    return c;
  });
}

const cidrOf = (r: SimTransitGatewayRoute) =>
  r.DestinationCidrBlock ? parseCidr(r.DestinationCidrBlock) : undefined;

function longestPrefixMatch(routes: SimTransitGatewayRoute[], targets: Cidr[]): SimTransitGatewayRoute[] {
  const best = new Set<SimTransitGatewayRoute>();
  for (const t of targets) {
    let winner: SimTransitGatewayRoute | undefined;
    let prefix = -1;
    for (const r of routes) {
      const c = cidrOf(r);
      if (c && cidrWithin(t, c) && c.prefix > prefix) {
        winner = r;
        prefix = c.prefix;
      }
    }
    if (winner) best.add(winner);
  }
  return routes.filter((r) => best.has(r));
}

const attachmentsOf = (r: SimTransitGatewayRoute) => r.TransitGatewayAttachments ?? [];

/** SearchTransitGatewayRoutes' filters: name -> routes that pass, given the filter's values. */
const SEARCH_FILTERS: Record<
  string,
  (routes: SimTransitGatewayRoute[], values: string[], name: string) => SimTransitGatewayRoute[]
> = {
  'route-search.exact-match': (routes, values, name) => {
    const wanted = cidrsOf(values, name).map((c) => c.text);
    return routes.filter((r) => wanted.includes(cidrOf(r)?.text ?? ''));
  },
  'route-search.subnet-of-match': (routes, values, name) => {
    const outer = cidrsOf(values, name);
    return routes.filter((r) => {
      const c = cidrOf(r);
      return c !== undefined && outer.some((o) => cidrWithin(c, o));
    });
  },
  'route-search.supernet-of-match': (routes, values, name) => {
    const inner = cidrsOf(values, name);
    return routes.filter((r) => {
      const c = cidrOf(r);
      return c !== undefined && inner.some((i) => cidrWithin(i, c));
    });
  },
  'route-search.longest-prefix-match': (routes, values, name) =>
    longestPrefixMatch(routes, cidrsOf(values, name)),
  state: (routes, values) => routes.filter((r) => values.includes(r.State ?? '')),
  type: (routes, values) => routes.filter((r) => values.includes(r.Type ?? '')),
  'prefix-list-id': (routes, values) => routes.filter((r) => values.includes(r.PrefixListId ?? '')),
  'attachment.transit-gateway-attachment-id': (routes, values) =>
    routes.filter((r) => attachmentsOf(r).some((a) => values.includes(a.TransitGatewayAttachmentId ?? ''))),
  'attachment.resource-id': (routes, values) =>
    routes.filter((r) => attachmentsOf(r).some((a) => values.includes(a.ResourceId ?? ''))),
  'attachment.resource-type': (routes, values) =>
    routes.filter((r) => attachmentsOf(r).some((a) => values.includes(a.ResourceType ?? ''))),
};

function searchTransitGatewayRoutes(ctx: SimCallContext, input: SimInput) {
  const table = findTgwTable(ctx, input.TransitGatewayRouteTableId);
  const filters = (input.Filters ?? []) as Filter[];
  if (!filters.length)
    throw new SimApiError('MissingParameter', 'The request must contain the parameter Filters');
  const max = input.MaxResults ?? 1000;
  if (max < 5 || max > 1000) {
    throw new SimApiError('InvalidParameterValue', `MaxResults ${max} is out of range: 5 to 1000.`);
  }
  let routes = effectiveTgwRoutes(table);
  for (const f of filters) {
    const apply = f.Name && Object.hasOwn(SEARCH_FILTERS, f.Name) ? SEARCH_FILTERS[f.Name] : undefined;
    if (!apply) throw new SimApiError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    routes = apply(routes, f.Values ?? [], f.Name!);
  }
  return {
    Routes: clone(routes.slice(0, max)),
    AdditionalRoutesAvailable: routes.length > max,
  };
}

function deleteTransitGatewayRoute(ctx: SimCallContext, input: SimInput) {
  const table = findTgwTable(ctx, input.TransitGatewayRouteTableId);
  const wanted = input.DestinationCidrBlock
    ? (parseCidr(String(input.DestinationCidrBlock))?.text ?? String(input.DestinationCidrBlock))
    : undefined;
  if (!wanted)
    throw new SimApiError('MissingParameter', 'The request must contain the parameter DestinationCidrBlock');
  const matching = table.Routes.filter((r) => r.DestinationCidrBlock && dest(r) === wanted);
  const route = matching.find((r) => r.Type === 'static');
  if (!route) {
    if (matching.length) {
      throw new SimApiError(
        'InvalidParameterValue',
        `Route ${wanted} in ${table.TransitGatewayRouteTableId} is propagated and cannot be deleted; disable the propagation or override it with a static route`,
      );
    }
    throw new SimApiError(
      'InvalidRoute.NotFound',
      `No route found for ${wanted} in Transit Gateway Route Table ${table.TransitGatewayRouteTableId}.`,
    );
  }
  table.Routes = table.Routes.filter((r) => r !== route);
  return { Route: { ...clone(route), State: 'deleted' } };
}

/** An attachment `CreateTransitGatewayRoute` may target: listed, or named by an existing route. */
function knownAttachment(ctx: SimCallContext, id: string) {
  const view = slot.in(ctx);
  return (
    view.transitGatewayAttachments.find((a) => a.TransitGatewayAttachmentId === id) ??
    view.transitGatewayRouteTables
      .flatMap((t) => t.Routes.flatMap(attachmentsOf))
      .find((a) => a.TransitGatewayAttachmentId === id)
  );
}

/** The destination of a static route to create or replace; it needs a target (attachment or blackhole). */
function routeDestination(input: SimInput): Cidr {
  const cidr = parseCidr(String(input.DestinationCidrBlock ?? ''));
  if (!cidr) {
    throw new SimApiError(
      'InvalidParameterValue',
      `Invalid destination CIDR '${input.DestinationCidrBlock}'.`,
    );
  }
  if (!input.Blackhole && !input.TransitGatewayAttachmentId) {
    throw new SimApiError('MissingParameter', 'Either TransitGatewayAttachmentId or Blackhole is required');
  }
  return cidr;
}

/** A static route to `destination`: a blackhole, or active to a known attachment. */
function staticRouteTo(ctx: SimCallContext, destination: string, input: SimInput): SimTransitGatewayRoute {
  if (input.Blackhole) return { DestinationCidrBlock: destination, Type: 'static', State: 'blackhole' };
  const id = String(input.TransitGatewayAttachmentId);
  const known = knownAttachment(ctx, id);
  if (!known) {
    throw new SimApiError(
      'InvalidTransitGatewayAttachmentID.NotFound',
      `Transit Gateway Attachment ${id} was not found.`,
    );
  }
  return {
    DestinationCidrBlock: destination,
    TransitGatewayAttachments: [
      {
        TransitGatewayAttachmentId: id,
        ...(known.ResourceId ? { ResourceId: known.ResourceId } : {}),
        ...(known.ResourceType ? { ResourceType: known.ResourceType } : {}),
      },
    ],
    Type: 'static',
    State: 'active',
  };
}

function createTransitGatewayRoute(ctx: SimCallContext, input: SimInput) {
  const table = findTgwTable(ctx, input.TransitGatewayRouteTableId);
  const cidr = routeDestination(input);
  if (table.Routes.some((r) => r.Type === 'static' && dest(r) === cidr.text)) {
    throw new SimApiError(
      'RouteAlreadyExists',
      `Route ${cidr.text} already exists in Transit Gateway Route Table ${table.TransitGatewayRouteTableId}.`,
    );
  }
  const route = staticRouteTo(ctx, String(input.DestinationCidrBlock), input);
  table.Routes.push(route);
  return { Route: clone(route) };
}

/**
 * Replaces a static route's target (an attachment, or a blackhole) in place. As EC2: a propagated
 * route cannot be replaced (only static routes can), a missing one is `InvalidRoute.NotFound`.
 */
function replaceTransitGatewayRoute(ctx: SimCallContext, input: SimInput) {
  const table = findTgwTable(ctx, input.TransitGatewayRouteTableId);
  const cidr = routeDestination(input);
  const matching = table.Routes.filter((r) => r.DestinationCidrBlock && dest(r) === cidr.text);
  const index = table.Routes.findIndex((r) => r.Type === 'static' && matching.includes(r));
  if (index === -1) {
    if (matching.length) {
      throw new SimApiError(
        'InvalidParameterValue',
        `Route ${cidr.text} in ${table.TransitGatewayRouteTableId} is propagated; only static routes can be replaced`,
      );
    }
    throw new SimApiError(
      'InvalidRoute.NotFound',
      `No route found for ${cidr.text} in Transit Gateway Route Table ${table.TransitGatewayRouteTableId}.`,
    );
  }
  const route = staticRouteTo(ctx, table.Routes[index]!.DestinationCidrBlock!, input);
  table.Routes[index] = route;
  return { Route: clone(route) };
}

function summarizeTable(t: SimTransitGatewayRouteTable) {
  const routes = effectiveTgwRoutes(t);
  const count = (type: string) => routes.filter((x) => x.Type === type).length;
  return {
    kind: 'tgw route table',
    id: t.TransitGatewayRouteTableId,
    detail: `${count('static')} static, ${count('propagated')} propagated route(s) in effect`,
  };
}

// ---------- scenario builders ----------

/** A VPC attachment of a transit gateway, as routes name it and `CreateTransitGatewayRoute` may target. */
export interface AttachmentSpec {
  readonly id: string;
  readonly vpc: string;
}

/** A route of a transit gateway route table, to a VPC attachment. */
export function tgwRoute(
  cidr: string,
  attachment: AttachmentSpec,
  type: 'static' | 'propagated' = 'static',
): SimTransitGatewayRoute {
  return {
    DestinationCidrBlock: cidr,
    TransitGatewayAttachments: [
      { ResourceId: attachment.vpc, TransitGatewayAttachmentId: attachment.id, ResourceType: 'vpc' },
    ],
    Type: type,
    State: 'active',
  };
}

/** A transit gateway route table for a scenario. */
export function tgwRouteTable(spec: {
  readonly id: string;
  readonly transitGateway: string;
  /** The transit gateway's default association and propagation route table (default: the fields are left out). */
  readonly isDefault?: boolean;
  readonly tags?: readonly SimTag[];
  readonly routes: readonly SimTransitGatewayRoute[];
}): SimFragment {
  return slot.fragment((view) => {
    view.transitGatewayRouteTables.push({
      TransitGatewayRouteTableId: spec.id,
      TransitGatewayId: spec.transitGateway,
      State: 'available',
      ...(spec.isDefault ? { DefaultAssociationRouteTable: true, DefaultPropagationRouteTable: true } : {}),
      ...(spec.tags ? { Tags: structuredClone([...spec.tags]) } : {}),
      Routes: structuredClone([...spec.routes]),
    });
  });
}

/** A transit gateway attachment of a VPC, for a scenario. */
export function tgwAttachment(spec: AttachmentSpec): SimFragment {
  return slot.fragment((view) => {
    view.transitGatewayAttachments.push({
      TransitGatewayAttachmentId: spec.id,
      ResourceId: spec.vpc,
      ResourceType: 'vpc',
    });
  });
}

function sampleTransitGateway(): SimFragment[] {
  const attachment = { id: 'tgw-attach-0123456789abcdef0', vpc: 'vpc-0123456789abcdef0' };
  return [
    tgwRouteTable({
      id: 'tgw-rtb-0123456789abcdef0',
      transitGateway: 'tgw-0123456789abcdef0',
      isDefault: true,
      tags: [],
      routes: [
        tgwRoute('100.64.0.0/16', attachment, 'propagated'),
        tgwRoute('10.0.0.0/16', attachment, 'propagated'),
      ],
    }),
    tgwAttachment(attachment),
  ];
}

async function snapshotTransitGateways(read: SimSnapshotReader) {
  const ec2 = read.clients.get(EC2Client, read.scope);
  const tables = await read.attempt('ec2:DescribeTransitGatewayRouteTables', () =>
    read.pages<TransitGatewayRouteTable>(async (NextToken) => {
      const page = await ec2.send(
        new DescribeTransitGatewayRouteTablesCommand({ MaxResults: 1000, NextToken }),
      );
      return { items: page.TransitGatewayRouteTables, next: page.NextToken };
    }),
  );
  const out: SimTransitGatewayRouteTable[] = [];
  for (const t of tables ?? []) {
    const search = await read.attempt('ec2:SearchTransitGatewayRoutes', () =>
      ec2.send(
        new SearchTransitGatewayRoutesCommand({
          TransitGatewayRouteTableId: t.TransitGatewayRouteTableId,
          Filters: [{ Name: 'type', Values: ['static', 'propagated'] }],
          MaxResults: 1000,
        }),
      ),
    );
    if (search?.AdditionalRoutesAvailable) {
      read.warn(
        `ec2:SearchTransitGatewayRoutes: ${t.TransitGatewayRouteTableId} has more than 1000 routes; only 1000 kept`,
      );
    }
    out.push({
      ...read.plain(t),
      TransitGatewayRouteTableId: t.TransitGatewayRouteTableId!,
      Routes: read.plain(search?.Routes ?? []),
    } as SimTransitGatewayRouteTable);
  }
  return tables ? { transitGatewayRouteTables: out } : {};
}

/** The transit gateways kind: route tables with their routes, and attachments. */
export const transitGateways = defineKind('transit gateway route tables', slot, {
  apis: {
    ec2: {
      DescribeTransitGatewayRouteTables: describeTransitGatewayRouteTables,
      SearchTransitGatewayRoutes: searchTransitGatewayRoutes,
      DeleteTransitGatewayRoute: deleteTransitGatewayRoute,
      CreateTransitGatewayRoute: createTransitGatewayRoute,
      ReplaceTransitGatewayRoute: replaceTransitGatewayRoute,
    },
  },
  resourceId: (_api, input) => firstString(input, ['TransitGatewayRouteTableId']),
  summarize: (view) => view.transitGatewayRouteTables.map(summarizeTable),
  sample: sampleTransitGateway,
  snapshot: snapshotTransitGateways,
});
