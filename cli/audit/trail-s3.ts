import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../../shared/audit-record.js';
import { describeError } from '../../shared/errors.js';
import { CliError, ExitCode } from '../errors.js';
import type { RecordFilter } from './filter.js';
import { daysBetween } from './time-range.js';
import { recordShapeProblem } from './trail-file.js';

export type S3ReadPort = Pick<S3Client, 'send'>;

/** Where the audit trail lives in S3: the bucket and the key prefix the sink writes under. */
export interface S3Trail {
  readonly s3: S3ReadPort;
  readonly bucket: string;
  /** As the sink uses it: `audit/` by default. */
  readonly prefix: string;
  /** The account that must own the bucket (`ExpectedBucketOwner` on every call): S3 refuses another owner's. */
  readonly expectedOwner?: string;
}

/** The `ExpectedBucketOwner` member of a call on the trail's bucket, when an owner is expected. */
export function ownerOf(trail: S3Trail): { ExpectedBucketOwner?: string } {
  return trail.expectedOwner ? { ExpectedBucketOwner: trail.expectedOwner } : {};
}

/** One object of the trail, read: its key, body parsed (or why not), and its user metadata. */
export interface S3TrailObject {
  readonly key: string;
  readonly record?: AuditRecord;
  readonly problem?: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** The prefix as the sink cleans it (`recordKey`). */
export function cleanPrefix(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9/_-]/g, '').replace(/\/*$/, '/');
}

/** The longest span listed day by day; beyond it the day partitions are listed first. */
const MAX_DAYS_BY_NAME = 92;

async function listKeys(trail: S3Trail, prefix: string, delimiter?: string) {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let token: string | undefined;
  do {
    const out = await trail.s3.send(
      new ListObjectsV2Command({
        Bucket: trail.bucket,
        ...ownerOf(trail),
        Prefix: prefix,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    for (const p of out.CommonPrefixes ?? []) if (p.Prefix) prefixes.push(p.Prefix);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return { keys, prefixes };
}

/**
 * The day partitions (`dt=YYYY-MM-DD/`) the filter needs. With both ends of the time range known and
 * a short span, they are named directly; otherwise the partitions present are listed (one call with
 * a delimiter) and those outside the range dropped.
 */
export async function partitionsFor(trail: S3Trail, filter: RecordFilter, now: number): Promise<string[]> {
  const base = cleanPrefix(trail.prefix);
  const until = filter.until ?? now;
  if (filter.since !== undefined && until - filter.since <= MAX_DAYS_BY_NAME * 86_400_000) {
    return daysBetween(filter.since, until).map((d) => `${base}dt=${d}/`);
  }
  const { prefixes } = await listKeys(trail, base, '/');
  const first = filter.since === undefined ? undefined : new Date(filter.since).toISOString().slice(0, 10);
  const last = filter.until === undefined ? undefined : new Date(filter.until).toISOString().slice(0, 10);
  return prefixes.filter((p) => {
    const day = /dt=(\d{4}-\d{2}-\d{2})\/$/.exec(p)?.[1];
    if (!day) return false;
    return (first === undefined || day >= first) && (last === undefined || day <= last);
  });
}

/** The object keys of the trail the filter needs (narrowed to one account partition when it names one). */
export async function listTrailKeys(trail: S3Trail, filter: RecordFilter, now: number): Promise<string[]> {
  const partitions = await partitionsFor(trail, filter, now);
  const accounts = filter.accounts?.length === 1 ? filter.accounts : undefined;
  const keys: string[] = [];
  for (const partition of partitions) {
    const prefix = accounts ? `${partition}account=${accounts[0]}/` : partition;
    keys.push(...(await listKeys(trail, prefix)).keys.filter((k) => k.endsWith('.json')));
  }
  return keys;
}

/** Reads one object: body parsed as a record, metadata kept; a broken body is a problem, not a throw. */
export async function readTrailObject(trail: S3Trail, key: string): Promise<S3TrailObject> {
  const out = await trail.s3.send(
    new GetObjectCommand({ Bucket: trail.bucket, Key: key, ...ownerOf(trail) }),
  );
  const metadata = out.Metadata ?? {};
  const text = (await out.Body?.transformToString('utf8')) ?? '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { key, metadata, problem: `body is not valid JSON (${(error as Error).message})` };
  }
  const shape = recordShapeProblem(value);
  if (shape) return { key, metadata, problem: `body is not an audit record: ${shape}` };
  return { key, metadata, record: value as AuditRecord };
}

/** Reads many objects, a few at a time. */
export async function readTrailObjects(trail: S3Trail, keys: readonly string[]): Promise<S3TrailObject[]> {
  const out: S3TrailObject[] = new Array(keys.length);
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const index = next++;
      out[index] = await readTrailObject(trail, keys[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, keys.length) }, worker));
  return out;
}

/**
 * The objects of the S3 trail the filter needs, each with its key; an object that is not a record is
 * bad input, named by key; an unreadable bucket fails, naming the flags to check.
 */
export async function loadS3Objects(
  trail: S3Trail,
  filter: RecordFilter,
  now: number,
): Promise<(S3TrailObject & { record: AuditRecord })[]> {
  let objects: S3TrailObject[];
  try {
    objects = await readTrailObjects(trail, await listTrailKeys(trail, filter, now));
  } catch (error) {
    const e = describeError(error);
    throw new CliError(
      `cannot read the audit trail in s3://${trail.bucket}/${cleanPrefix(trail.prefix)}: ${e.name}: ${e.message} (check --bucket, --prefix, --region, --profile and your credentials)`,
      ExitCode.FAILED,
      { cause: error },
    );
  }
  const bad = objects.find((o) => o.problem);
  if (bad) {
    throw new CliError(
      `s3://${trail.bucket}/${bad.key}: ${bad.problem}; run \`airlock audit verify --bucket ${trail.bucket}\` for every problem`,
      ExitCode.BAD_INPUT,
    );
  }
  return objects as (S3TrailObject & { record: AuditRecord })[];
}

/** The records of the S3 trail the filter needs; an object that is not a record is bad input, named by key. */
export async function loadS3Records(
  trail: S3Trail,
  filter: RecordFilter,
  now: number,
): Promise<AuditRecord[]> {
  return (await loadS3Objects(trail, filter, now)).map((o) => o.record);
}
