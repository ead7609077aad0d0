import { DeletePublicAccessBlockCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { AirlockError } from '../../shared/errors.js';
import type { RemediationContext } from '../../shared/remediation.js';
import type { S3BlockStep } from './plan.js';

/**
 * Sends exactly one S3 write command for the step: `PutPublicAccessBlock` (the fix, or an undo that
 * puts the previous settings back) or `DeletePublicAccessBlock` (undo for a bucket that had none).
 * Both are authorised by the IAM action `s3:PutBucketPublicAccessBlock`, so the API name decides.
 * `ExpectedBucketOwner` is the event's account, not part of the step: a bucket name re-created by
 * another account between the event and the write is refused by S3 (403).
 */
export async function applyS3BlockStep(step: S3BlockStep, ctx: RemediationContext): Promise<unknown> {
  const s3 = ctx.client(S3Client);
  // the event's account must own the bucket (S3 refuses another owner's bucket of the same name)
  const owner = { ExpectedBucketOwner: ctx.accountId };
  switch (step.api) {
    case 'PutPublicAccessBlock':
      return s3.send(new PutPublicAccessBlockCommand({ ...step.input, ...owner }));
    case 'DeletePublicAccessBlock':
      return s3.send(new DeletePublicAccessBlockCommand({ ...step.input, ...owner }));
  }
  // a step rebuilt from an audit record may name anything: refuse rather than guess
  throw new AirlockError(
    `block-public-s3 does not send ${JSON.stringify((step as { api?: unknown }).api)} (${JSON.stringify((step as { action?: unknown }).action)})`,
  );
}
