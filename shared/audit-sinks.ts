import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord } from './audit-record.js';
import { recordKey } from './audit-record.js';
import { type AuditSigner, signRecord } from './audit-signer.js';
import { sha256Hex } from './canonical-json.js';
import { describeError } from './errors.js';

/** Where audit records go. A sink that throws fails the invocation: no action without its record. */
export interface AuditSink {
  readonly name: string;
  write(record: AuditRecord): Promise<void>;
}

/** The structured log line (Powertools Logger): every record, whatever the other sinks. */
export function logSink(logger: Logger): AuditSink {
  return {
    name: 'log',
    async write(record) {
      logger.info('audit record', { audit: record });
    },
  };
}

export type S3Port = Pick<S3Client, 'send'>;

/** The outcomes of records that changed nothing: they may be kept for less time than the others. */
export const SHORT_RETENTION_OUTCOMES: ReadonlySet<string> = new Set(['NOOP', 'PLANNED', 'REJECTED']);

export interface S3SinkOptions {
  /**
   * Object Lock retention, in days from the record's time, of records that changed nothing
   * ({@link SHORT_RETENTION_OUTCOMES}): set per object in compliance mode. Unset, or for any other
   * outcome, the bucket's default retention applies.
   */
  readonly shortRetentionDays?: number;
  /** The account that must own the bucket (`ExpectedBucketOwner`): S3 refuses anyone else's. */
  readonly expectedOwner?: string;
}

const DAY_MS = 86_400_000;

/**
 * One immutable S3 object per record, under a date-partitioned key, written so that an Object Lock
 * bucket keeps it: a SHA-256 content checksum that S3 verifies, and `If-None-Match: *` so that an
 * existing record is never overwritten. The bucket's default retention (compliance mode) applies,
 * except to records that changed nothing when `shortRetentionDays` is set. With `expectedOwner`
 * (the home account) S3 refuses a bucket of that name owned by anyone else.
 *
 * @example
 * ```ts
 * const sink = s3Sink(s3, 'airlock-audit-…', 'audit/', { shortRetentionDays: 400, expectedOwner: '111122223333' });
 * ```
 */
export function s3Sink(
  s3: S3Port,
  bucket: string,
  prefix = 'audit/',
  options: S3SinkOptions = {},
): AuditSink {
  return {
    name: 's3',
    async write(record) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          ...(options.expectedOwner ? { ExpectedBucketOwner: options.expectedOwner } : {}),
          Key: recordKey(record, prefix),
          Body: JSON.stringify(record),
          ContentType: 'application/json',
          ChecksumAlgorithm: 'SHA256',
          IfNoneMatch: '*',
          Metadata: { 'airlock-digest': record.digest.value, 'airlock-schema': record.schema },
          ...shortRetention(record, options.shortRetentionDays),
        }),
      );
    },
  };
}

function shortRetention(record: AuditRecord, days: number | undefined) {
  if (!days || !SHORT_RETENTION_OUTCOMES.has(record.outcome)) return {};
  return {
    ObjectLockMode: 'COMPLIANCE' as const,
    ObjectLockRetainUntilDate: new Date(Date.parse(record.time) + days * DAY_MS),
  };
}

/** The chain value a local trail starts from. */
export const CHAIN_GENESIS = '0'.repeat(64);

/** The chain link of a record: SHA-256 over the previous link and this record's digest. */
export function chainLink(previous: string, digest: string): string {
  return sha256Hex(`${previous}${digest}`);
}

async function lastChain(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return CHAIN_GENESIS;
    throw error;
  }
  const lines = text.trimEnd().split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const parsed = JSON.parse(line) as { chain?: string };
    if (typeof parsed.chain === 'string') return parsed.chain;
    break;
  }
  return CHAIN_GENESIS;
}

/** One writer per trail file in a process: appends are serialised so the chain follows file order. */
const fileWriters = new Map<string, AuditSink>();

/**
 * A local NDJSON trail for offline runs. Each line is the record plus `chain`, a hash chain over
 * the digests in file order, so that a removed, inserted or reordered record is detected.
 * Every sink for the same file in a process shares one writer.
 */
export function fileSink(path: string): AuditSink {
  const key = resolve(path);
  const existing = fileWriters.get(key);
  if (existing) return existing;
  const sink = createFileSink(key);
  fileWriters.set(key, sink);
  return sink;
}

function createFileSink(path: string): AuditSink {
  // the chain of the last line this writer appended, and the file's size right after
  let queue: Promise<unknown> = Promise.resolve();
  let last: { chain: string; size: number } | undefined;
  const sizeOf = (p: string) =>
    stat(p).then(
      (s) => s.size,
      () => -1,
    );
  return {
    name: 'file',
    write(record) {
      const run = async () => {
        // start from our own last link unless the file changed under us (deleted, rotated, written by another process)
        const previous = last && (await sizeOf(path)) === last.size ? last.chain : await lastChain(path);
        const chain = chainLink(previous, record.digest.value);
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, `${JSON.stringify({ ...record, chain })}\n`, 'utf8');
        last = { chain, size: await sizeOf(path) };
      };
      const next = queue.then(run, run);
      queue = next.catch(() => {
        last = undefined;
      });
      return next;
    },
  };
}

/** Writes a record to every sink; collects the failures. */
export async function writeToSinks(
  sinks: readonly AuditSink[],
  record: AuditRecord,
): Promise<{ sink: string; error: ReturnType<typeof describeError> }[]> {
  const failures: { sink: string; error: ReturnType<typeof describeError> }[] = [];
  await Promise.all(
    sinks.map(async (sink) => {
      try {
        await sink.write(record);
      } catch (error) {
        failures.push({ sink: sink.name, error: describeError(error) });
      }
    }),
  );
  return failures;
}

/**
 * The same sinks, writing each record signed: one `kms:Sign` per record, shared by all of them (the
 * record object handed to every sink is signed once). A signature that cannot be made (KMS
 * unreachable, access denied) fails each of these sinks, so the audit write fails and the
 * invocation is retried, as for any failed audit write.
 *
 * @example
 * ```ts
 * const sinks = [logSink(logger), ...signedSinks(kmsSigner(kms, 'alias/airlock-audit'), [s3Sink(s3, bucket)])];
 * ```
 */
export function signedSinks(signer: AuditSigner, sinks: readonly AuditSink[]): AuditSink[] {
  const signed = new WeakMap<AuditRecord, Promise<AuditRecord>>();
  const sign = (record: AuditRecord): Promise<AuditRecord> => {
    let pending = signed.get(record);
    if (!pending) {
      pending = signRecord(record, signer);
      signed.set(record, pending);
    }
    return pending;
  };
  return sinks.map((sink) => ({
    name: sink.name,
    write: async (record) => sink.write(await sign(record)),
  }));
}
