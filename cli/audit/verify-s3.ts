import { GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import { recordKey, verifyRecordDigest } from '../../shared/audit-record.js';
import { describeError, errorCode } from '../../shared/errors.js';
import type { RecordFilter } from './filter.js';
import { matchesFilter } from './filter.js';
import { cleanPrefix, listTrailKeys, readTrailObject, type S3Trail } from './trail-s3.js';

export interface S3Problem {
  readonly key: string;
  readonly id?: string;
  readonly message: string;
}

export interface S3VerifyReport {
  readonly objects: number;
  readonly problems: readonly S3Problem[];
}

/**
 * Checks the S3 trail object by object: the body is a record whose digest matches its content, the
 * `airlock-digest` metadata equals that digest, the key is the one the sink derives from the record,
 * and the object is under Object Lock in COMPLIANCE mode with a retain-until date in the future.
 */
export async function verifyS3Trail(
  trail: S3Trail,
  filter: RecordFilter,
  now: number,
): Promise<S3VerifyReport> {
  const keys = await listTrailKeys(trail, { ...filter, since: filter.since, until: filter.until }, now);
  const problems: S3Problem[] = [];
  let checked = 0;
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      const object = await readTrailObject(trail, key);
      if (object.record && !matchesFilter(object.record, filter)) continue;
      checked++;
      const id = object.record?.id;
      const add = (message: string) => problems.push({ key, ...(id ? { id } : {}), message });
      if (!object.record) {
        add(object.problem ?? 'unreadable');
      } else {
        const record = object.record;
        if (!verifyRecordDigest(record)) add('altered: the body does not match its digest');
        const meta = object.metadata['airlock-digest'];
        if (meta === undefined) add('no airlock-digest metadata');
        else if (meta !== record.digest.value) {
          add(
            `metadata airlock-digest ${meta.slice(0, 12)}… differs from the body's ${record.digest.value.slice(0, 12)}…`,
          );
        }
        let expected: string | undefined;
        try {
          expected = recordKey(record, cleanPrefix(trail.prefix));
        } catch (error) {
          add(`record id is not valid: ${describeError(error).message}`);
        }
        if (expected !== undefined && expected !== key)
          add(`stored under the wrong key: expected ${expected}`);
      }
      try {
        const out = await trail.s3.send(new GetObjectRetentionCommand({ Bucket: trail.bucket, Key: key }));
        const mode = out.Retention?.Mode;
        const until = out.Retention?.RetainUntilDate;
        if (mode !== 'COMPLIANCE') add(`Object Lock retention mode is ${mode ?? 'not set'}, not COMPLIANCE`);
        if (!until) add('no Object Lock retain-until date');
        else if (new Date(until).getTime() <= now) {
          add(`Object Lock retention ended on ${new Date(until).toISOString()}: the object can be deleted`);
        }
      } catch (error) {
        const code = errorCode(error);
        add(
          code === 'NoSuchObjectLockConfiguration' || code === 'InvalidRequest'
            ? `no Object Lock retention (${code}): the object is not protected`
            : `Object Lock retention could not be read: ${describeError(error).name}: ${describeError(error).message}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { objects: checked, problems };
}
