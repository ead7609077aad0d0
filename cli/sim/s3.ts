import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { SimCallContext } from './context.js';
import { SimApiError } from './errors.js';
import type { SimBucket, SimObject, SimState } from './state.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Input = Record<string, any>;

/** Finds a bucket in any account (bucket names are global). */
export function findBucket(state: SimState, name: unknown): { bucket: SimBucket; owner: string } {
  for (const [owner, account] of Object.entries(state.accounts)) {
    const bucket = account.buckets[String(name)];
    if (bucket) return { bucket, owner };
  }
  throw new SimApiError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
}

export function objectBody(o: SimObject): Buffer {
  if (o.BodyBase64 !== undefined) return Buffer.from(o.BodyBase64, 'base64');
  return Buffer.from(o.Body ?? '', 'utf8');
}

/** Fills in what a stored object derives from its body (checksum, ETag, dates). */
export function normalizeObject(o: SimObject, now: number): void {
  const body = objectBody(o);
  o.ChecksumSHA256 ??= createHash('sha256').update(body).digest('base64');
  o.ETag ??= `"${createHash('md5').update(body).digest('hex')}"`;
  o.LastModified ??= new Date(now).toISOString();
}

async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  if (
    body instanceof Readable ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  ) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  throw new SimApiError('InvalidArgument', 'The simulated account cannot read this Body type');
}

/** A GetObject body as the SDK returns it: a Node stream with the SDK's transform helpers. */
function sdkBody(bytes: Buffer) {
  const stream = Readable.from([bytes]);
  return Object.assign(stream, {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async (encoding: BufferEncoding = 'utf-8') => bytes.toString(encoding),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])),
  });
}

function isUtf8(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
}

function locked(o: SimObject, now: number): boolean {
  return o.Retention !== undefined && Date.parse(o.Retention.RetainUntilDate) > now;
}

function accessDeniedLocked(): SimApiError {
  return new SimApiError('AccessDenied', 'Access Denied because object protected by object lock.', 403);
}

function findObject(bucket: SimBucket, key: unknown): SimObject | undefined {
  return bucket.objects.find((o) => o.Key === key);
}

function headers(o: SimObject, input: Input) {
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

function getPublicAccessBlock(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
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

function putPublicAccessBlock(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
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

function deletePublicAccessBlock(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
  bucket.publicAccessBlock = null;
  return {};
}

async function putObject(ctx: SimCallContext, input: Input) {
  // read the body first: every check and the write below then happen without yielding, so
  // concurrent puts of one key cannot both pass If-None-Match
  const body = await bodyBytes(input.Body);
  const { bucket } = findBucket(ctx.state, input.Bucket);
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
  const checksum = createHash('sha256').update(body).digest('base64');
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
    ...(isUtf8(body) ? { Body: body.toString('utf8') } : { BodyBase64: body.toString('base64') }),
    ...(input.ContentType ? { ContentType: String(input.ContentType) } : {}),
    ChecksumSHA256: checksum,
    ETag: `"${createHash('md5').update(body).digest('hex')}"`,
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

function requireObject(bucket: SimBucket, input: Input): SimObject {
  const o = findObject(bucket, input.Key);
  if (!o) throw new SimApiError('NoSuchKey', 'The specified key does not exist.', 404, { Key: input.Key });
  return o;
}

function getObject(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
  const o = requireObject(bucket, input);
  return { ...headers(o, input), Body: sdkBody(objectBody(o)) };
}

function headObject(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
  const o = findObject(bucket, input.Key);
  // HEAD responses carry no body: the SDK reports a bare 404 as NotFound
  if (!o) throw new SimApiError('NotFound', 'Not Found', 404);
  return headers(o, input);
}

function listObjectsV2(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
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

function getObjectRetention(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
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

function getObjectLockConfiguration(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
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

function deleteObject(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
  const o = findObject(bucket, input.Key);
  if (!o) return {};
  const bypass = o.Retention?.Mode === 'GOVERNANCE' && input.BypassGovernanceRetention === true;
  if (locked(o, ctx.now) && !bypass) throw accessDeniedLocked();
  bucket.objects = bucket.objects.filter((x) => x !== o);
  return {};
}

function listBuckets(ctx: SimCallContext, input: Input) {
  const own = Object.entries(ctx.state.accounts[ctx.account]?.buckets ?? {})
    .filter(([, b]) => !input.BucketRegion || b.region === input.BucketRegion)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    Buckets: own.map(([name, b]) => ({ Name: name, BucketRegion: b.region, CreationDate: new Date(0) })),
    Owner: { ID: ctx.account },
  };
}

function getBucketLocation(ctx: SimCallContext, input: Input) {
  const { bucket } = findBucket(ctx.state, input.Bucket);
  return { LocationConstraint: bucket.region === 'us-east-1' ? undefined : bucket.region };
}

/** The simulated S3 APIs, by API name. */
export const S3_APIS: Record<string, (ctx: SimCallContext, input: Input) => unknown> = {
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
};
