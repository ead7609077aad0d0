import { EC2Client, paginateDescribeSecurityGroups } from '@aws-sdk/client-ec2';
import type { ResourceLister } from '../../shared/remediation.js';
import { revokeOpenSshListActions } from './permissions.js';

/**
 * Every security group of the account in the region (`DescribeSecurityGroups`, 1,000 a page), for
 * `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const id of listSecurityGroups.ids(ctx)) console.log(id); // sg-0123456789abcdef0 …
 * ```
 */
export const listSecurityGroups: ResourceLister = {
  actions: revokeOpenSshListActions,
  async *ids(ctx) {
    const pages = paginateDescribeSecurityGroups({ client: ctx.client(EC2Client), pageSize: 1000 }, {});
    for await (const page of pages) {
      for (const group of page.SecurityGroups ?? []) if (group.GroupId) yield group.GroupId;
    }
  },
};
