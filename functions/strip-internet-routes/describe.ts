import { DescribeRouteTablesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import type { RouteTableState } from './plan.js';

/**
 * Reads the route table live (DescribeRouteTables by id): routes, associations, tags, VPC.
 * `InvalidRouteTableID.NotFound` (or an empty answer) is GONE.
 */
export async function describeRouteTable(
  routeTableId: string,
  ctx: RemediationContext,
): Promise<RouteTableState | Gone> {
  const ec2 = ctx.client(EC2Client);
  try {
    const out = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }));
    const table = (out.RouteTables ?? []).find((t) => t.RouteTableId === routeTableId);
    return table ?? GONE;
  } catch (error) {
    if (errorCode(error) === 'InvalidRouteTableID.NotFound') return GONE;
    throw error;
  }
}
