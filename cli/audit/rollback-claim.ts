import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { isRecordId } from '../../shared/audit-record.js';
import { errorCode } from '../../shared/errors.js';
import { cleanPrefix, ownerOf, type S3Trail } from './trail-s3.js';

/**
 * The S3 trail's lock on rolling a record back: one object per original record at a key derived
 * from its id alone, written with `If-None-Match: *` before any undo step is sent. Object Lock stops
 * overwrites, and If-None-Match stops a second claim: a record is rolled back once, by whoever
 * claimed it first, and the next rollback is refused naming them. Outside the `dt=` partitions, so
 * listing and verifying the records never read it.
 */
export interface RollbackClaim {
  readonly schema: 'airlock.rollback-claim/v1';
  /** The id of the record being rolled back. */
  readonly rollbackOf: string;
  readonly operator: string;
  readonly time: string;
}

/** The claim's key: `<prefix>rollback-claims/<original id>.json`. */
export function claimKey(prefix: string, originalId: string): string {
  if (!isRecordId(originalId)) throw new Error(`${JSON.stringify(originalId)} is not a record id`);
  return `${cleanPrefix(prefix)}rollback-claims/${originalId}.json`;
}

/** The claim on rolling back `originalId`, if someone made one. */
export async function readClaim(trail: S3Trail, originalId: string): Promise<RollbackClaim | undefined> {
  try {
    const out = await trail.s3.send(
      new GetObjectCommand({
        Bucket: trail.bucket,
        Key: claimKey(trail.prefix, originalId),
        ...ownerOf(trail),
      }),
    );
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    const value = JSON.parse(text) as Partial<RollbackClaim>;
    return {
      schema: 'airlock.rollback-claim/v1',
      rollbackOf: originalId,
      operator: typeof value.operator === 'string' ? value.operator.slice(0, 200) : '(unknown)',
      time: typeof value.time === 'string' ? value.time.slice(0, 40) : '(unknown)',
    };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'NoSuchKey' || code === 'NotFound') return undefined;
    if (error instanceof SyntaxError) {
      // a claim that is not JSON still claims: someone wrote it first
      return {
        schema: 'airlock.rollback-claim/v1',
        rollbackOf: originalId,
        operator: '(unreadable claim)',
        time: '(unknown)',
      };
    }
    throw error;
  }
}

/** Claims the rollback of a record: true when this call made the claim, false when one already exists. */
export async function writeClaim(trail: S3Trail, claim: RollbackClaim): Promise<boolean> {
  try {
    await trail.s3.send(
      new PutObjectCommand({
        Bucket: trail.bucket,
        Key: claimKey(trail.prefix, claim.rollbackOf),
        Body: JSON.stringify(claim),
        ContentType: 'application/json',
        ChecksumAlgorithm: 'SHA256',
        IfNoneMatch: '*',
        ...ownerOf(trail),
      }),
    );
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'PreconditionFailed' || code === 'ConditionalRequestConflict') return false;
    throw error;
  }
}
