import { EC2Client, paginateDescribeSubnets } from '@aws-sdk/client-ec2';
import type { ResourceLister } from '../../shared/remediation.js';
import { disableSubnetPublicIpListActions } from './permissions.js';

/**
 * Every subnet of the account in the region (`DescribeSubnets`, 1,000 a page, its maximum), for
 * `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const id of listSubnets.ids(ctx)) console.log(id); // subnet-0123456789abcdef0 …
 * ```
 */
export const listSubnets: ResourceLister = {
  actions: disableSubnetPublicIpListActions,
  async *ids(ctx) {
    const pages = paginateDescribeSubnets({ client: ctx.client(EC2Client), pageSize: 1000 }, {});
    for await (const page of pages) {
      for (const subnet of page.Subnets ?? []) if (subnet.SubnetId) yield subnet.SubnetId;
    }
  },
};
