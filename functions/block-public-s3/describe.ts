import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { errorCode } from '../../shared/errors.js';
import { GONE, type Gone, type RemediationContext } from '../../shared/remediation.js';
import { type BucketState, normalizeConfiguration } from './plan.js';

export type S3Port = Pick<S3Client, 'send'>;

/**
 * Reads the bucket's public access block live (GetPublicAccessBlock). No configuration at all
 * (`NoSuchPublicAccessBlockConfiguration`) is kept as `configuration: null`; a deleted bucket
 * (`NoSuchBucket`) is GONE. Anything else (AccessDenied, a redirect to another region) is thrown;
 * `ExpectedBucketOwner` is the event's account, so a bucket of that name owned by any other account
 * (deleted and re-created between the event and the read) is AccessDenied, never read.
 */
export async function describeBucketPublicAccessBlock(
  bucket: string,
  ctx: RemediationContext,
): Promise<BucketState | Gone> {
  const s3: S3Port = ctx.client(S3Client);
  try {
    // the event's account must own the bucket: a name re-created by another account meanwhile is refused by S3
    const out = await s3.send(
      new GetPublicAccessBlockCommand({ Bucket: bucket, ExpectedBucketOwner: ctx.accountId }),
    );
    const configuration = out.PublicAccessBlockConfiguration;
    return { bucket, configuration: configuration ? normalizeConfiguration(configuration) : null };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'NoSuchPublicAccessBlockConfiguration') return { bucket, configuration: null };
    if (code === 'NoSuchBucket') return GONE;
    throw error;
  }
}
