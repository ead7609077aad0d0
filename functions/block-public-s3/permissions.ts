import { ANY_RESOURCE, type IamFacts } from '../../shared/iam.js';
import type { BlockPublicS3Settings } from './plan.js';

// bucket ARNs name no account: the condition keeps the actions to this account's buckets
const BUCKETS = {
  arns: [{ service: 's3', resource: '*', scope: 'global' as const }],
  accountConditionKey: 's3:ResourceAccount',
};

/**
 * What `list` calls (`airlock scan`, with the operator's credentials, never the function's): listing
 * buckets supports no resource-level permission.
 */
export const blockPublicS3ListActions = ['s3:ListAllMyBuckets'] as const;

/**
 * block-public-s3's IAM facts: one read, one write. Undo puts the previous configuration back, or
 * deletes it (`DeletePublicAccessBlock`, authorised by `s3:PutBucketPublicAccessBlock` too).
 */
export const blockPublicS3Iam: IamFacts<BlockPublicS3Settings> = {
  read: ['s3:GetBucketPublicAccessBlock'],
  write: ['s3:PutBucketPublicAccessBlock'],
  undo: ['s3:PutBucketPublicAccessBlock'],
  resources: {
    's3:GetBucketPublicAccessBlock': BUCKETS,
    's3:PutBucketPublicAccessBlock': BUCKETS,
    's3:ListAllMyBuckets': ANY_RESOURCE,
  },
};
