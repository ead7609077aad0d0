import { defineRemediation, inputString } from '../../shared/remediation.js';
import { applyS3BlockStep } from './apply.js';
import { blockPublicS3CloudTrail } from './cloudtrail.js';
import { describeBucketPublicAccessBlock } from './describe.js';
import { listBuckets } from './list.js';
import { blockPublicS3Iam } from './permissions.js';
import {
  type BlockPublicS3Settings,
  BlockPublicS3SettingsSchema,
  type BucketState,
  planBlockPublicS3,
  type S3BlockStep,
  s3BlockUndoConflict,
  undoS3BlockStep,
} from './plan.js';
import { bucketKind } from './resource-kind.js';

/**
 * block-public-s3: turns all four settings of a bucket's public access block on, keeping the previous
 * settings (or the fact that there were none) for undo. Never touches bucket policies or ACLs.
 *
 * @example
 * ```ts
 * export const handler = createHandler(blockPublicS3);
 * ```
 */
export const blockPublicS3 = defineRemediation<BucketState, BlockPublicS3Settings, S3BlockStep>({
  id: 'block-public-s3',
  list: listBuckets,
  cloudTrail: blockPublicS3CloudTrail,
  title: "Turn on all four settings of an S3 bucket's public access block",
  resourceKind: bucketKind,
  configRules: {
    managed: [
      {
        identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
        defaultName: 's3-bucket-level-public-access-prohibited',
        resourceTypes: ['AWS::S3::Bucket'],
        trigger: 'change',
      },
      {
        identifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
        defaultName: 's3-bucket-public-read-prohibited',
        resourceTypes: ['AWS::S3::Bucket'],
        trigger: 'change-and-periodic',
      },
      {
        identifier: 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
        defaultName: 's3-bucket-public-write-prohibited',
        resourceTypes: ['AWS::S3::Bucket'],
        trigger: 'change-and-periodic',
      },
    ],
  },
  services: ['s3'],
  iam: blockPublicS3Iam,
  settingsSchema: BlockPublicS3SettingsSchema,
  // NoSuchBucket: the bucket was deleted meanwhile, so nothing in it is public (the verification then
  // finds it gone). NoSuchPublicAccessBlockConfiguration: only an undo's delete can meet it, and it
  // means the bucket already has none.
  alreadyDoneErrors: ['NoSuchBucket', 'NoSuchPublicAccessBlockConfiguration'],
  // a conflicting operation on the bucket's configuration is in progress
  retryLaterErrors: ['OperationAborted'],
  describe: describeBucketPublicAccessBlock,
  plan: planBlockPublicS3,
  apply: applyS3BlockStep,
  undo: undoS3BlockStep,
  targetOf: (step) => inputString(step, 'Bucket'),
  undoConflict: s3BlockUndoConflict,
});
