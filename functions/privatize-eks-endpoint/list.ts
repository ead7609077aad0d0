import { EKSClient, paginateListClusters } from '@aws-sdk/client-eks';
import type { ResourceLister } from '../../shared/remediation.js';
import { privatizeEksEndpointListActions } from './permissions.js';

/**
 * Every EKS cluster of the account in the region (`ListClusters`, 100 a page, its maximum), for
 * `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const name of listClusters.ids(ctx)) console.log(name); // payments …
 * ```
 */
export const listClusters: ResourceLister = {
  actions: privatizeEksEndpointListActions,
  async *ids(ctx) {
    const pages = paginateListClusters({ client: ctx.client(EKSClient), pageSize: 100 }, {});
    for await (const page of pages) yield* page.clusters ?? [];
  },
};
