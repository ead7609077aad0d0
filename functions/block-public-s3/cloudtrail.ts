import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { bucketKind } from './resource-kind.js';

/**
 * The calls that can make a bucket public, as CloudTrail records them (all name the bucket in
 * `requestParameters.bucketName`):
 *
 * - `PutBucketPolicy`, `PutBucketAcl`: grant access;
 * - `DeleteBucketPublicAccessBlock`, `PutBucketPublicAccessBlock` (the API is `PutPublicAccessBlock`;
 *   CloudTrail names it after the bucket): lift or weaken the block;
 * - `CreateBucket`: a bucket can be created with an ACL and without the block.
 *
 * Not covered here: the account-level block (`s3-control` calls name no bucket) and object ACLs
 * (data events, not delivered as management events); Config's evaluation covers them.
 *
 * @example
 * ```ts
 * export const blockPublicS3 = defineRemediation({ ..., cloudTrail: blockPublicS3CloudTrail });
 * ```
 */
export const blockPublicS3CloudTrail = defineCloudTrailTrigger({
  resourceType: bucketKind.type,
  eventSource: 's3.amazonaws.com',
  eventNames: [
    'PutBucketPolicy',
    'PutBucketAcl',
    'DeleteBucketPublicAccessBlock',
    'PutBucketPublicAccessBlock',
    'CreateBucket',
  ],
  resourceIds: (detail) => idsAt(detail.requestParameters, [['bucketName']]),
});
