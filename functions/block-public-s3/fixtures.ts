// Test support: what the registry-wide tests and plan.test.ts generate block-public-s3's cases from.
import fc from 'fast-check';
import type { RemediationFixtures } from '../../test/helpers/remediation-fixtures.js';
import type { BlockConfiguration, BucketState } from './plan.js';

export const bucketName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,40}[a-z0-9]$/);
export const configuration: fc.Arbitrary<BlockConfiguration> = fc.record({
  BlockPublicAcls: fc.boolean(),
  IgnorePublicAcls: fc.boolean(),
  BlockPublicPolicy: fc.boolean(),
  RestrictPublicBuckets: fc.boolean(),
});
/** Any bucket: each of the four settings on or off, or no configuration at all. */
export const bucketState: fc.Arbitrary<BucketState> = fc.record({
  bucket: bucketName,
  configuration: fc.option(configuration, { nil: null }),
});

export const fixtures: RemediationFixtures<BucketState> = {
  state: bucketState,
  settings: fc.constant({}),
  validIds: ['abc', 'logs.example.com', 'a'.repeat(63), 'payments-2026'],
  lookAlikeIds: [
    'Payments',
    'ab',
    'a'.repeat(64),
    '-bucket',
    'bucket-',
    'my_bucket',
    'logs..example',
    '192.168.1.1',
    'xn--bucket',
    'sthree-bucket',
    'bucket-s3alias',
    'bucket--ol-s3',
  ],
  cloudTrailEvents: [
    { file: 's3__PutBucketPublicAccessBlock__panther.json', resourceId: 'austin-panther' },
    { file: 's3__PutBucketPolicy.json', resourceId: 'payments-ledger-exports' },
    { file: 's3__PutBucketAcl.json', resourceId: 'payments-ledger-exports' },
    { file: 's3__DeleteBucketPublicAccessBlock.json', resourceId: 'payments-ledger-exports' },
    { file: 's3__CreateBucket.json', resourceId: 'payments-ledger-exports' },
  ],
};
