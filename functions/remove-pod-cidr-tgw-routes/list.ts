import { EC2Client, paginateDescribeTransitGatewayRouteTables } from '@aws-sdk/client-ec2';
import type { ResourceLister } from '../../shared/remediation.js';
import { removePodCidrTgwRoutesListActions } from './permissions.js';

/**
 * Every transit gateway route table of the account in the region that is not being deleted
 * (`DescribeTransitGatewayRouteTables`, 1,000 a page), for `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const id of listTgwRouteTables.ids(ctx)) console.log(id); // tgw-rtb-0123456789abcdef0 …
 * ```
 */
export const listTgwRouteTables: ResourceLister = {
  actions: removePodCidrTgwRoutesListActions,
  async *ids(ctx) {
    const pages = paginateDescribeTransitGatewayRouteTables(
      { client: ctx.client(EC2Client), pageSize: 1000 },
      {},
    );
    for await (const page of pages) {
      for (const table of page.TransitGatewayRouteTables ?? []) {
        const gone = table.State === 'deleted' || table.State === 'deleting';
        if (table.TransitGatewayRouteTableId && !gone) yield table.TransitGatewayRouteTableId;
      }
    }
  },
};
