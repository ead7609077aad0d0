import {
  GetBucketLocationCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { describeError, errorCode } from '../../../shared/errors.js';
import type { SimCallContext, SimStateCore } from '../context.js';
import { SimApiError } from '../errors.js';
import { accountSlot, defineKind, type SimFragment, type SimInput, type SimSnapshotReader } from '../kind.js';
import { bodyBytes, etag, objectBody, sdkBody, sha256, storedBody } from './s3-bodies.js';
import { isoDate } from './schema-parts.js';

/** S3 buckets (owned by an account, named globally): public access block, Object Lock, objects. */

const objectSchema = z
  .object({
    Key: z.string().min(1),
    /** UTF-8 body; binary bodies use BodyBase64 instead. */
    Body: z.string().optional(),
    BodyBase64: z.string().optional(),
    ContentType: z.string().optional(),
    /** Base64 SHA-256 of the body (computed when absent). */
    ChecksumSHA256: z.string().optional(),
    ETag: z.string().optional(),
    LastModified: isoDate.optional(),
    Metadata: z.record(z.string(), z.string()).optional(),
    Retention: z.object({ Mode: z.enum(['COMPLIANCE', 'GOVERNANCE']), RetainUntilDate: isoDate }).optional(),
  })
  .strict();

const publicAccessBlockSchema = z
  .object({
    BlockPublicAcls: z.boolean().optional(),
    IgnorePublicAcls: z.boolean().optional(),
    BlockPublicPolicy: z.boolean().optional(),
    RestrictPublicBuckets: z.boolean().optional(),
  })
  .strict();

const objectLockSchema = z
  .object({
    ObjectLockEnabled: z.literal('Enabled').optional(),
    Rule: z
      .object({
        DefaultRetention: z
          .object({
            Mode: z.enum(['COMPLIANCE', 'GOVERNANCE']).optional(),
            Days: z.number().int().positive().optional(),
            Years: z.number().int().positive().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const bucketSchema = z
  .object({
    region: z.string().min(1),
    /** Absent or null: none (GetPublicAccessBlock fails NoSuchPublicAccessBlockConfiguration). */
    publicAccessBlock: publicAccessBlockSchema.nullable().optional(),
    /** GetObjectLockConfiguration's `ObjectLockConfiguration`; absent: Object Lock not enabled. */
    objectLock: objectLockSchema.optional(),
    objects: z.array(objectSchema).default(() => []),
  })
  .strict();

export type SimBucket = z.output<typeof bucketSchema>;
export type SimObject = z.output<typeof objectSchema>;
export type PublicAccessBlock = z.output<typeof publicAccessBlockSchema>;

const slot = accountSlot({
  buckets: z
    .record(
      z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,253}[a-zA-Z0-9]$/, 'expected an S3 bucket name'),
      bucketSchema,
    )
    .default(() => ({})),
});

/**
 * Finds a bucket in any account (bucket names are global). With `expectedOwner` (a call's
 * `ExpectedBucketOwner`), a bucket of another account is refused with 403 AccessDenied, as S3 does.
 */
export function findBucket(
  state: SimStateCore,
  name: unknown,
  expectedOwner?: unknown,
): { bucket: SimBucket; owner: string } {
  for (const { account, view } of slot.all(state)) {
    const bucket = view.buckets[String(name)];
    if (!bucket) continue;
    if (expectedOwner !== undefined && expectedOwner !== account) {
      throw new SimApiError('AccessDenied', 'Access Denied', 403);
    }
    return { bucket, owner: account };
  }
  throw new SimApiError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

function locked(o: SimObject, now: number): boolean {
  return o.Retention !== undefined && new Date(o.Retention.RetainUntilDate).getTime() > now;
}

function accessDeniedLocked(): SimApiError {
  return new SimApiError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
}

function findObject(bucket: SimBucket, key: unknown): SimObject | undefined {
  return bucket.objects.find((o) => o.Key === key);
}

function headers(o: SimObject, input: SimInput) {
  const body = objectBody(o);
  return {
    AcceptRanges: 'bytes',
    LastModified: new Date(o.LastModified!),
    ContentLength: body.length,
    ETag: o.ETag,
    ContentType: o.ContentType ?? 'binary/octet-stream',
    ...(input.ChecksumMode === 'ENABLED'
      ? { ChecksumSHA256: o.ChecksumSHA256, ChecksumType: 'FULL_OBJECT' }
      : {}),
    ...(o.Metadata ? { Metadata: { ...o.Metadata } } : {}),
    ...(o.Retention
      ? { ObjectLockMode: o.Retention.Mode, ObjectLockRetainUntilDate: new Date(o.Retention.RetainUntilDate) }
      : {}),
  };
}

function getPublicAccessBlock(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  if (!bucket.publicAccessBlock) {
    throw new SimApiError(
      'NoSuchPublicAccessBlockConfiguration',
      'The public access block configuration was not found',
      404,
      { BucketName: input.Bucket },
    );
  }
  return {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: false,
      IgnorePublicAcls: false,
      BlockPublicPolicy: false,
      RestrictPublicBuckets: false,
      ...bucket.publicAccessBlock,
    },
  };
}

function putPublicAccessBlock(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const c = input.PublicAccessBlockConfiguration;
  if (!c || typeof c !== 'object') {
    throw new SimApiError('MissingRequestBodyError', 'Request Body is empty', 400);
  }
  bucket.publicAccessBlock = {
    BlockPublicAcls: c.BlockPublicAcls === true,
    IgnorePublicAcls: c.IgnorePublicAcls === true,
    BlockPublicPolicy: c.BlockPublicPolicy === true,
    RestrictPublicBuckets: c.RestrictPublicBuckets === true,
  };
  return {};
}

function deletePublicAccessBlock(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  bucket.publicAccessBlock = null;
  return {};
}

async function putObject(ctx: SimCallContext, input: SimInput) {
  // read the body first: every check and the write below then happen without yielding, so
  // concurrent puts of one key cannot both pass If-None-Match
  const body = await bodyBytes(input.Body);
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const key = String(input.Key ?? '');
  if (!key) throw new SimApiError('InvalidArgument', 'Key is required', 400);
  const existing = findObject(bucket, key);
  if (input.IfNoneMatch !== undefined) {
    if (input.IfNoneMatch !== '*') {
      throw new SimApiError(
        'NotImplemented',
        'A header you provided implies functionality that is not implemented',
        501,
      );
    }
    if (existing) {
      throw new SimApiError(
        'PreconditionFailed',
        'At least one of the pre-conditions you specified did not hold',
        412,
        {
          Condition: 'If-None-Match',
        },
      );
    }
  }
  if (existing && locked(existing, ctx.now)) throw accessDeniedLocked();
  const checksum = sha256(body);
  if (input.ChecksumSHA256 && input.ChecksumSHA256 !== checksum) {
    throw new SimApiError(
      'BadDigest',
      'The SHA256 you specified did not match the calculated checksum.',
      400,
    );
  }
  const lockEnabled = bucket.objectLock?.ObjectLockEnabled === 'Enabled';
  if ((input.ObjectLockMode || input.ObjectLockRetainUntilDate) && !lockEnabled) {
    throw new SimApiError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
  }
  let retention: SimObject['Retention'];
  if (input.ObjectLockMode && input.ObjectLockRetainUntilDate) {
    retention = {
      Mode: input.ObjectLockMode,
      RetainUntilDate: new Date(input.ObjectLockRetainUntilDate).toISOString(),
    };
  } else if (lockEnabled && bucket.objectLock?.Rule?.DefaultRetention) {
    const d = bucket.objectLock.Rule.DefaultRetention;
    const until = new Date(ctx.now);
    if (d.Days) until.setUTCDate(until.getUTCDate() + d.Days);
    if (d.Years) until.setUTCFullYear(until.getUTCFullYear() + d.Years);
    retention = { Mode: d.Mode ?? 'COMPLIANCE', RetainUntilDate: until.toISOString() };
  }
  const stored: SimObject = {
    Key: key,
    ...storedBody(body),
    ...(input.ContentType ? { ContentType: String(input.ContentType) } : {}),
    ChecksumSHA256: checksum,
    ETag: etag(body),
    LastModified: new Date(ctx.now).toISOString(),
    ...(input.Metadata ? { Metadata: { ...input.Metadata } } : {}),
    ...(retention ? { Retention: retention } : {}),
  };
  bucket.objects = bucket.objects.filter((o) => o.Key !== key);
  bucket.objects.push(stored);
  return {
    ETag: stored.ETag,
    ...(input.ChecksumSHA256 || input.ChecksumAlgorithm === 'SHA256'
      ? { ChecksumSHA256: checksum, ChecksumType: 'FULL_OBJECT' }
      : {}),
    ServerSideEncryption: 'AES256',
    Size: body.length,
  };
}

function requireObject(bucket: SimBucket, input: SimInput): SimObject {
  const o = findObject(bucket, input.Key);
  if (!o) throw new SimApiError('NoSuchKey', 'The specified key does not exist.', 404, { Key: input.Key });
  return o;
}

function getObject(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const o = requireObject(bucket, input);
  return { ...headers(o, input), Body: sdkBody(objectBody(o)) };
}

function headObject(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const o = findObject(bucket, input.Key);
  // HEAD responses carry no body: the SDK reports a bare 404 as NotFound
  if (!o) throw new SimApiError('NotFound', 'Not Found', 404);
  return headers(o, input);
}

function listObjectsV2(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const prefix = String(input.Prefix ?? '');
  const maxKeys = input.MaxKeys === undefined ? 1000 : Math.min(1000, Math.max(0, Number(input.MaxKeys)));
  let after = String(input.StartAfter ?? '');
  if (input.ContinuationToken) {
    try {
      after = Buffer.from(String(input.ContinuationToken), 'base64url').toString('utf8');
    } catch {
      throw new SimApiError('InvalidArgument', 'The continuation token provided is incorrect', 400);
    }
  }
  const keys = bucket.objects
    .filter((o) => o.Key.startsWith(prefix) && o.Key > after)
    .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
  const delimiter = input.Delimiter ? String(input.Delimiter) : undefined;
  const contents: SimObject[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (const o of keys) {
    let common: string | undefined;
    if (delimiter) {
      const at = o.Key.indexOf(delimiter, prefix.length);
      if (at !== -1) common = o.Key.slice(0, at + delimiter.length);
    }
    if (common && prefixes.includes(common)) {
      last = o.Key;
      continue;
    }
    if (contents.length + prefixes.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (common) prefixes.push(common);
    else contents.push(o);
    last = o.Key;
  }
  return {
    Name: input.Bucket,
    Prefix: prefix,
    MaxKeys: maxKeys,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: truncated,
    ...(input.StartAfter ? { StartAfter: input.StartAfter } : {}),
    ...(input.ContinuationToken ? { ContinuationToken: input.ContinuationToken } : {}),
    ...(delimiter ? { Delimiter: delimiter } : {}),
    ...(truncated ? { NextContinuationToken: Buffer.from(last, 'utf8').toString('base64url') } : {}),
    ...(contents.length
      ? {
          Contents: contents.map((o) => ({
            Key: o.Key,
            LastModified: new Date(o.LastModified!),
            ETag: o.ETag,
            ChecksumAlgorithm: ['SHA256'],
            ChecksumType: 'FULL_OBJECT',
            Size: objectBody(o).length,
            StorageClass: 'STANDARD',
          })),
        }
      : {}),
    ...(prefixes.length ? { CommonPrefixes: prefixes.map((p) => ({ Prefix: p })) } : {}),
  };
}

function getObjectRetention(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  if (bucket.objectLock?.ObjectLockEnabled !== 'Enabled') {
    throw new SimApiError('InvalidRequest', 'Bucket is missing Object Lock Configuration', 400);
  }
  const o = requireObject(bucket, input);
  if (!o.Retention) {
    throw new SimApiError(
      'NoSuchObjectLockConfiguration',
      'The specified object does not have a ObjectLock configuration',
      404,
    );
  }
  return { Retention: { Mode: o.Retention.Mode, RetainUntilDate: new Date(o.Retention.RetainUntilDate) } };
}

function getObjectLockConfiguration(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  if (!bucket.objectLock) {
    throw new SimApiError(
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
      404,
      { BucketName: input.Bucket },
    );
  }
  return { ObjectLockConfiguration: structuredClone(bucket.objectLock) };
}

function deleteObject(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  const o = findObject(bucket, input.Key);
  if (!o) return {};
  const bypass = o.Retention?.Mode === 'GOVERNANCE' && input.BypassGovernanceRetention === true;
  if (locked(o, ctx.now) && !bypass) throw accessDeniedLocked();
  bucket.objects = bucket.objects.filter((x) => x !== o);
  return {};
}

function listBuckets(ctx: SimCallContext, input: SimInput) {
  const own = Object.entries(slot.of(ctx.state, ctx.account)?.buckets ?? {})
    .filter(([, b]) => !input.BucketRegion || b.region === input.BucketRegion)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    Buckets: own.map(([name, b]) => ({ Name: name, BucketRegion: b.region, CreationDate: new Date(0) })),
    Owner: { ID: ctx.account },
  };
}

function getBucketLocation(ctx: SimCallContext, input: SimInput) {
  const { bucket } = findBucket(ctx.state, input.Bucket, input.ExpectedBucketOwner);
  return { LocationConstraint: bucket.region === 'us-east-1' ? undefined : bucket.region };
}

/** Fills in what a stored object derives from its body (checksum, ETag, dates). */
function normalizeObject(o: SimObject, now: number): void {
  const body = objectBody(o);
  o.ChecksumSHA256 ??= sha256(body);
  o.ETag ??= etag(body);
  o.LastModified ??= new Date(now).toISOString();
}

// ---------- scenario builders ----------

const allFour = (on: boolean): PublicAccessBlock => ({
  BlockPublicAcls: on,
  IgnorePublicAcls: on,
  BlockPublicPolicy: on,
  RestrictPublicBuckets: on,
});

/**
 * A bucket for a scenario, in the region it is placed in.
 *
 * @example
 * ```ts
 * bucket('airlock-audit', { publicAccessBlock: 'all', objectLockDays: 365 });
 * ```
 */
export function bucket(
  name: string,
  spec: {
    /** `none`: no configuration at all (null); `all`/`off`: the four settings all true / all false. */
    readonly publicAccessBlock: 'none' | 'all' | 'off';
    /** Object Lock enabled with a default COMPLIANCE retention of this many days. */
    readonly objectLockDays?: number;
  },
): SimFragment {
  return slot.fragment((view, where) => {
    view.buckets[name] = {
      region: where.region,
      publicAccessBlock: spec.publicAccessBlock === 'none' ? null : allFour(spec.publicAccessBlock === 'all'),
      ...(spec.objectLockDays
        ? {
            objectLock: {
              ObjectLockEnabled: 'Enabled',
              Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: spec.objectLockDays } },
            },
          }
        : {}),
      objects: [],
    };
  });
}

function summarizeBucket(name: string, b: SimBucket) {
  const pab = b.publicAccessBlock;
  const on = pab ? Object.values(pab).filter((v) => v === true).length : 0;
  const retention = b.objectLock?.Rule?.DefaultRetention;
  const lock = retention
    ? ` ${retention.Mode} ${retention.Days ?? ''}${retention.Days ? 'd' : ''}${retention.Years ? `${retention.Years}y` : ''}`
    : '';
  return {
    kind: 's3 bucket',
    id: name,
    region: b.region,
    detail: [
      pab ? `public access block ${on}/4 on` : 'no public access block',
      b.objectLock ? `object lock${lock}` : '',
      `${b.objects.length} object(s)`,
    ]
      .filter(Boolean)
      .join(', '),
  };
}

/** The region of a listed bucket: as listed, else asked (undefined when that fails). */
async function regionOf(
  read: SimSnapshotReader,
  s3: S3Client,
  listed: { Name?: string; BucketRegion?: string },
) {
  if (listed.BucketRegion) return listed.BucketRegion;
  const location = await read.attempt('s3:GetBucketLocation', () =>
    s3.send(new GetBucketLocationCommand({ Bucket: listed.Name })),
  );
  return location ? (location.LocationConstraint ?? 'us-east-1') : undefined;
}

/** A bucket's settings (no objects); a missing configuration is not a failure. */
async function readBucket(read: SimSnapshotReader, s3: S3Client, name: string): Promise<SimBucket> {
  const out: SimBucket = { region: read.scope.region, publicAccessBlock: null, objects: [] };
  try {
    const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: name }));
    out.publicAccessBlock = read.plain(pab.PublicAccessBlockConfiguration ?? null);
  } catch (error) {
    if (errorCode(error) !== 'NoSuchPublicAccessBlockConfiguration') {
      read.warn(`s3:GetPublicAccessBlock ${name}: ${describeError(error).name}`);
    }
  }
  try {
    const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: name }));
    if (lock.ObjectLockConfiguration)
      out.objectLock = read.plain(lock.ObjectLockConfiguration) as SimBucket['objectLock'];
  } catch (error) {
    if (errorCode(error) !== 'ObjectLockConfigurationNotFoundError') {
      read.warn(`s3:GetObjectLockConfiguration ${name}: ${describeError(error).name}`);
    }
  }
  return out;
}

/** The region's buckets (settings only, no objects). */
async function snapshotBuckets(read: SimSnapshotReader) {
  const buckets: Record<string, SimBucket> = {};
  const s3 = read.clients.get(S3Client, read.scope);
  await read.attempt('s3:ListBuckets', async () => {
    const listed = await s3.send(new ListBucketsCommand({}));
    for (const b of listed.Buckets ?? []) {
      if (!b.Name || (await regionOf(read, s3, b)) !== read.scope.region) continue;
      buckets[b.Name] = await readBucket(read, s3, b.Name);
    }
  });
  return { buckets };
}

/** The S3 buckets kind. */
export const s3Buckets = defineKind('S3 buckets', slot, {
  apis: {
    s3: {
      ListBuckets: listBuckets,
      GetBucketLocation: getBucketLocation,
      GetPublicAccessBlock: getPublicAccessBlock,
      PutPublicAccessBlock: putPublicAccessBlock,
      DeletePublicAccessBlock: deletePublicAccessBlock,
      PutObject: putObject,
      GetObject: getObject,
      HeadObject: headObject,
      ListObjectsV2: listObjectsV2,
      GetObjectRetention: getObjectRetention,
      GetObjectLockConfiguration: getObjectLockConfiguration,
      DeleteObject: deleteObject,
    },
  },
  resourceId: (_api, input) => (input.Key ? `${input.Bucket}/${input.Key}` : String(input.Bucket ?? '')),
  load: (view, now) => {
    for (const b of Object.values(view.buckets)) for (const o of b.objects) normalizeObject(o, now);
  },
  check: (placed) => {
    const owners = new Map<string, string>();
    for (const { account, view } of placed) {
      for (const name of Object.keys(view.buckets)) {
        const other = owners.get(name);
        if (other) {
          return `accounts.${account}.buckets.${name}: bucket name already owned by ${other} (bucket names are global)`;
        }
        owners.set(name, account);
      }
    }
    return undefined;
  },
  summarize: (view) => Object.entries(view.buckets).map(([name, b]) => summarizeBucket(name, b)),
  sample: () => [
    bucket('airlock-sample-public-bucket', { publicAccessBlock: 'off' }),
    bucket('airlock-sample-audit', { publicAccessBlock: 'all', objectLockDays: 365 }),
  ],
  snapshot: snapshotBuckets,
});
