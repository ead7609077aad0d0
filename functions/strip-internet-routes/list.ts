import { EC2Client, paginateDescribeRouteTables } from '@aws-sdk/client-ec2';
import type { ResourceLister } from '../../shared/remediation.js';
import { stripInternetRoutesListActions } from './permissions.js';

/**
 * Every route table of the account in the region (`DescribeRouteTables`, 100 a page, its maximum),
 * for `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const id of listRouteTables.ids(ctx)) console.log(id); // rtb-0123456789abcdef0 …
 * ```
 */
export const listRouteTables: ResourceLister = {
  actions: stripInternetRoutesListActions,
  async *ids(ctx) {
    const pages = paginateDescribeRouteTables({ client: ctx.client(EC2Client), pageSize: 100 }, {});
    for await (const page of pages) {
      for (const table of page.RouteTables ?? []) if (table.RouteTableId) yield table.RouteTableId;
    }
  },
};
