import {
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import { errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import type { RemovePodCidrTgwRoutesSettings, TgwRouteTableState } from './plan.js';

export type Ec2Port = Pick<EC2Client, 'send'>;

/** The two searches per pod CIDR: the routes inside it, and the routes that hold it (reported). */
export const ROUTE_SEARCH_FILTERS = [
  'route-search.subnet-of-match',
  'route-search.supernet-of-match',
] as const;

const routeKey = (r: TransitGatewayRoute) =>
  `${r.Type}|${r.DestinationCidrBlock ?? `pl:${r.PrefixListId ?? ''}`}|${r.State}|${(r.TransitGatewayAttachments ?? []).map((a) => a.TransitGatewayAttachmentId).join(',')}`;

/**
 * Searches the routes of a transit gateway route table around each pod CIDR
 * (`SearchTransitGatewayRoutes`, `MaxResults` 1000, one search per filter and CIDR) and notes the
 * searches whose answer was cut. The planner filters by CIDR again: the server-side filter is not
 * trusted alone.
 */
export async function searchPodCidrRoutes(
  ec2: Ec2Port,
  routeTable: TransitGatewayRouteTable,
  podCidrs: readonly string[],
): Promise<TgwRouteTableState> {
  const routes = new Map<string, TransitGatewayRoute>();
  const additionalRoutesAvailable: string[] = [];
  for (const cidr of podCidrs) {
    for (const filter of ROUTE_SEARCH_FILTERS) {
      const out = await ec2.send(
        new SearchTransitGatewayRoutesCommand({
          TransitGatewayRouteTableId: routeTable.TransitGatewayRouteTableId,
          Filters: [{ Name: filter, Values: [cidr] }],
          MaxResults: 1000,
        }),
      );
      for (const route of out.Routes ?? []) routes.set(routeKey(route), route);
      if (out.AdditionalRoutesAvailable) additionalRoutesAvailable.push(`${filter} ${cidr}`);
    }
  }
  return { routeTable, routes: [...routes.values()], additionalRoutesAvailable };
}

/**
 * Reads the transit gateway route table live (DescribeTransitGatewayRouteTables by id), then its
 * routes around the pod CIDRs. `InvalidRouteTableID.NotFound`, an empty answer, or a table that is
 * being deleted is GONE.
 */
export async function describeTgwRouteTable(
  routeTableId: string,
  ctx: RemediationContext,
  settings: RemovePodCidrTgwRoutesSettings,
): Promise<TgwRouteTableState | Gone> {
  const ec2 = ctx.client(EC2Client);
  let table: TransitGatewayRouteTable | undefined;
  try {
    const out = await ec2.send(
      new DescribeTransitGatewayRouteTablesCommand({ TransitGatewayRouteTableIds: [routeTableId] }),
    );
    table = (out.TransitGatewayRouteTables ?? []).find((t) => t.TransitGatewayRouteTableId === routeTableId);
  } catch (error) {
    if (errorCode(error) === 'InvalidRouteTableID.NotFound') return GONE;
    throw error;
  }
  if (!table || table.State === 'deleted' || table.State === 'deleting') return GONE;
  return searchPodCidrRoutes(ec2, table, settings.podCidrs);
}
