import { GetObjectRetentionCommand } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../../shared/audit-record.js';
import { recordKey, verifyRecordDigest } from '../../shared/audit-record.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import { describeError, errorCode } from '../../shared/errors.js';
import type { RecordFilter } from './filter.js';
import { matchesFilter } from './filter.js';
import { idTimeProblem } from './find-record.js';
import { checkSignatures, type SignatureSummary, summaryOf } from './signatures.js';
import { cleanPrefix, listTrailKeys, ownerOf, readTrailObject, type S3Trail } from './trail-s3.js';

export interface S3Problem {
  readonly key: string;
  readonly id?: string;
  readonly message: string;
}

export interface S3VerifyReport {
  readonly objects: number;
  readonly problems: readonly S3Problem[];
  /** What the records' signatures say (checked when a verifier is given). */
  readonly signatures: SignatureSummary;
}

export interface S3VerifyOptions {
  /** Checks each record's signature with the key the reader trusts. */
  readonly verifier?: SignatureVerifier;
  /** An unsigned record is a problem (the S3 trail's default), not a note. */
  readonly requireSignature?: boolean;
}

/**
 * Checks the S3 trail object by object: the body is a record whose digest matches its content, the
 * `airlock-digest` metadata equals that digest, the key is the one the sink derives from the record,
 * the record's times agree with its id, and the object is under Object Lock in COMPLIANCE mode with a
 * retain-until date in the future. Across objects: a record id stored more than once (Object Lock
 * stops overwrites, not a second object) is named at every key. With a verifier, each signature is
 * checked with the trusted key: an invalid one is a problem, and so is an unsigned record when
 * signatures are required.
 */
export async function verifyS3Trail(
  trail: S3Trail,
  filter: RecordFilter,
  now: number,
  options: S3VerifyOptions = {},
): Promise<S3VerifyReport> {
  const keys = await listTrailKeys(trail, { ...filter, since: filter.since, until: filter.until }, now);
  const problems: S3Problem[] = [];
  const records: { key: string; record: AuditRecord }[] = [];
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
        records.push({ key, record });
        if (!verifyRecordDigest(record)) add('altered: the body does not match its digest');
        const times = idTimeProblem(record);
        if (times) add(times);
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
        const out = await trail.s3.send(
          new GetObjectRetentionCommand({ Bucket: trail.bucket, Key: key, ...ownerOf(trail) }),
        );
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
  problems.push(...duplicateIds(records));
  const required = options.requireSignature ?? false;
  const verifier = options.verifier;
  const checks = verifier
    ? await checkSignatures(
        records.map((r) => r.record),
        verifier,
      )
    : undefined;
  records.forEach(({ key, record }, i) => {
    const check = checks?.[i];
    if (check?.status === 'invalid')
      problems.push({ key, id: record.id, message: `signature not valid: ${check.reason}` });
    const unsigned = checks ? check?.status === 'unsigned' : !record.signature;
    if (required && unsigned)
      problems.push({ key, id: record.id, message: 'unsigned: a signature is required' });
  });
  const signatures = summaryOf(
    records.map((r) => r.record),
    checks,
    verifier?.source,
  );
  problems.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { objects: checked, problems, signatures };
}

/** Every object whose record id is also stored under another key: each is named, with the others. */
function duplicateIds(records: readonly { key: string; record: AuditRecord }[]): S3Problem[] {
  const byId = new Map<string, string[]>();
  for (const { key, record } of records) byId.set(record.id, [...(byId.get(record.id) ?? []), key]);
  const problems: S3Problem[] = [];
  for (const [id, keys] of byId) {
    if (keys.length < 2) continue;
    for (const key of keys) {
      const others = keys.filter((k) => k !== key);
      problems.push({
        key,
        id,
        message: `duplicate record id: also stored under ${others.join(', ')} (a record id is unique: one of them is forged)`,
      });
    }
  }
  return problems;
}
