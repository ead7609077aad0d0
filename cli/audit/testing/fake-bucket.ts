import {
  GetObjectCommand,
  GetObjectRetentionCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  body: string;
  metadata: Record<string, string>;
  retention?: { Mode: 'COMPLIANCE' | 'GOVERNANCE'; RetainUntilDate: Date };
}

const s3Error = (name: string, status = 404) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

/**
 * An Object Lock bucket in memory behind a mocked S3 client: PutObject (If-None-Match honoured, the
 * default retention of `retentionDays` in COMPLIANCE mode applied), GetObject, GetObjectRetention,
 * ListObjectsV2 with prefix, delimiter and pagination.
 */
export function fakeObjectLockBucket(retentionDays = 365) {
  const objects = new Map<string, FakeObject>();
  const s3 = mockClient(S3Client);
  s3.on(PutObjectCommand).callsFake(async (input) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) throw s3Error('PreconditionFailed', 412);
    objects.set(input.Key, {
      body: String(input.Body),
      metadata: { ...(input.Metadata ?? {}) },
      retention: { Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.now() + retentionDays * 86_400_000) },
    });
    return {};
  });
  s3.on(GetObjectCommand).callsFake(async (input) => {
    const o = objects.get(input.Key);
    if (!o) throw s3Error('NoSuchKey');
    // the part of the SDK's stream the reader uses
    const Body = { transformToString: async () => o.body } as never;
    return { Body, Metadata: o.metadata };
  });
  s3.on(GetObjectRetentionCommand).callsFake(async (input) => {
    const o = objects.get(input.Key);
    if (!o) throw s3Error('NoSuchKey');
    if (!o.retention) throw s3Error('NoSuchObjectLockConfiguration');
    return { Retention: o.retention };
  });
  s3.on(ListObjectsV2Command).callsFake(async (input) => {
    const prefix = input.Prefix ?? '';
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    if (input.Delimiter) {
      const prefixes = new Set<string>();
      const contents: { Key: string }[] = [];
      for (const k of keys) {
        const rest = k.slice(prefix.length);
        const at = rest.indexOf(input.Delimiter);
        if (at === -1) contents.push({ Key: k });
        else prefixes.add(prefix + rest.slice(0, at + 1));
      }
      return {
        Contents: contents,
        CommonPrefixes: [...prefixes].map((p) => ({ Prefix: p })),
        IsTruncated: false,
      };
    }
    // pages of two keys, to exercise continuation
    const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
    const page = keys.slice(start, start + 2);
    const more = start + 2 < keys.length;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: more,
      ...(more ? { NextContinuationToken: String(start + 2) } : {}),
    };
  });
  return { s3, objects };
}
