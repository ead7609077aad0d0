import { paginateListBuckets, S3Client } from '@aws-sdk/client-s3';
import type { ResourceLister } from '../../shared/remediation.js';
import { blockPublicS3ListActions } from './permissions.js';

/**
 * Every bucket of the account whose region is the context's (`ListBuckets` with `BucketRegion`,
 * 1,000 a page), for `airlock scan`.
 *
 * @example
 * ```ts
 * for await (const name of listBuckets.ids(ctx)) console.log(name); // acme-logs …
 * ```
 */
export const listBuckets: ResourceLister = {
  actions: blockPublicS3ListActions,
  async *ids(ctx) {
    const pages = paginateListBuckets(
      { client: ctx.client(S3Client), pageSize: 1000 },
      { BucketRegion: ctx.region },
    );
    for await (const page of pages) {
      for (const bucket of page.Buckets ?? []) {
        // an endpoint that ignores BucketRegion: keep the region's buckets only
        if (bucket.Name && (!bucket.BucketRegion || bucket.BucketRegion === ctx.region)) yield bucket.Name;
      }
    }
  },
};
