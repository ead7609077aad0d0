import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  DeletePublicAccessBlockCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { loadRealWorld } from '../../../test/helpers/fixtures.js';
import { SimulatedCloud } from '../cloud.js';
import type { SimStateInput } from '../state.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const NOW = Date.parse('2026-01-15T10:00:00Z');

async function s3With(buckets: NonNullable<SimStateInput['accounts'][string]['buckets']>) {
  const sim = await SimulatedCloud.create(
    { accounts: { [ACCOUNT]: { buckets, regions: { [REGION]: {} } } } },
    { dynamodb: false, now: () => NOW },
  );
  const s3 = sim.clientFactory({ maxAttempts: 1 }).get(S3Client, { account: ACCOUNT, region: REGION });
  return { sim, s3 };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e) => e as S3ServiceException & { $metadata: { httpStatusCode?: number } });

const LOCKED = {
  region: REGION,
  objectLock: {
    ObjectLockEnabled: 'Enabled' as const,
    Rule: { DefaultRetention: { Mode: 'COMPLIANCE' as const, Days: 30 } },
  },
};

describe('Function: simulated S3', () => {
  describe('public access block', () => {
    it('fails like the recorded 404 when a bucket has no public access block', async () => {
      // Prepare
      const recorded = loadRealWorld<{
        status_code: number;
        data: { Error: { Code: string; Message: string } };
      }>('api/s3/placebo__GetPublicAccessBlock__404-NoSuchPublicAccessBlockConfiguration.json');
      const { sim, s3 } = await s3With({ 'open-bucket': { region: REGION } });

      // Act
      const error = await errorOf(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'open-bucket' })));
      await sim.close();

      // Assess
      expect(error).toBeInstanceOf(S3ServiceException);
      expect(error?.name).toBe(recorded.data.Error.Code);
      expect(error?.message).toBe(recorded.data.Error.Message);
      expect(error?.$metadata.httpStatusCode).toBe(recorded.status_code);
    });

    it('puts, reads back and deletes the public access block', async () => {
      // Prepare
      const recorded = loadRealWorld<{ data: { PublicAccessBlockConfiguration: Record<string, boolean> } }>(
        'api/s3/placebo__GetPublicAccessBlock__all-true.json',
      );
      const { sim, s3 } = await s3With({ 'open-bucket': { region: REGION, publicAccessBlock: null } });

      // Act
      await s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: 'open-bucket',
          PublicAccessBlockConfiguration: recorded.data.PublicAccessBlockConfiguration,
        }),
      );
      const read = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'open-bucket' }));
      await s3.send(new DeletePublicAccessBlockCommand({ Bucket: 'open-bucket' }));
      const gone = await errorOf(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'open-bucket' })));
      await sim.close();

      // Assess
      expect(read.PublicAccessBlockConfiguration).toEqual(recorded.data.PublicAccessBlockConfiguration);
      expect(gone?.name).toBe('NoSuchPublicAccessBlockConfiguration');
      expect(sim.changes().map((c) => c.api)).toEqual([
        's3:PutPublicAccessBlock',
        's3:DeletePublicAccessBlock',
      ]);
    });

    it('raises the modeled NoSuchBucket for a bucket that does not exist', async () => {
      // Prepare
      const { sim, s3 } = await s3With({});

      // Act
      const error = await errorOf(s3.send(new GetPublicAccessBlockCommand({ Bucket: 'no-such-bucket' })));
      await sim.close();

      // Assess
      expect(error).toBeInstanceOf(NoSuchBucket);
      expect(error?.$metadata.httpStatusCode).toBe(404);
    });
  });

  describe('objects', () => {
    it('stores the body with its SHA-256 checksum and returns it', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ data: { region: REGION } });
      const body = '{"schema":"airlock.audit/v1"}';
      const sha = createHash('sha256').update(body).digest('base64');

      // Act
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'data',
          Key: 'a/1.json',
          Body: body,
          ChecksumSHA256: sha,
          ContentType: 'application/json',
        }),
      );
      const got = await s3.send(
        new GetObjectCommand({ Bucket: 'data', Key: 'a/1.json', ChecksumMode: 'ENABLED' }),
      );
      const text = await got.Body?.transformToString();
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'a/1.json' }));
      await sim.close();

      // Assess
      expect(put.ChecksumSHA256).toBe(sha);
      expect(text).toBe(body);
      expect(got.ChecksumSHA256).toBe(sha);
      expect(got.ContentType).toBe('application/json');
      expect(head.ContentLength).toBe(Buffer.byteLength(body));
      expect(sim.state().accounts[ACCOUNT]?.buckets.data?.objects[0]).toMatchObject({
        Key: 'a/1.json',
        Body: body,
        ChecksumSHA256: sha,
      });
    });

    it('refuses a put with If-None-Match * when the key exists (412 PreconditionFailed)', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ data: { region: REGION, objects: [{ Key: 'k', Body: 'first' }] } });

      // Act
      const error = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'second', IfNoneMatch: '*' })),
      );
      const created = await s3.send(
        new PutObjectCommand({ Bucket: 'data', Key: 'k2', Body: 'new', IfNoneMatch: '*' }),
      );
      const kept = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
      const text = await kept.Body?.transformToString();
      await sim.close();

      // Assess
      expect(error?.name).toBe('PreconditionFailed');
      expect(error?.$metadata.httpStatusCode).toBe(412);
      expect(created.ETag).toBeDefined();
      expect(text).toBe('first');
    });

    it('lets exactly one of several concurrent If-None-Match puts of one key succeed', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ data: { region: REGION } });

      // Act
      const results = await Promise.allSettled(
        [1, 2, 3, 4, 5].map((n) =>
          s3.send(
            new PutObjectCommand({ Bucket: 'data', Key: 'once', Body: `writer ${n}`, IfNoneMatch: '*' }),
          ),
        ),
      );
      await sim.close();

      // Assess
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
      expect(reasons).toEqual([
        'PreconditionFailed',
        'PreconditionFailed',
        'PreconditionFailed',
        'PreconditionFailed',
      ]);
    });

    it('gives new objects the bucket default retention and never overwrites or deletes a locked object', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ audit: LOCKED });
      await s3.send(new PutObjectCommand({ Bucket: 'audit', Key: 'r/1.json', Body: 'record' }));

      // Act
      const retention = await s3.send(new GetObjectRetentionCommand({ Bucket: 'audit', Key: 'r/1.json' }));
      const overwrite = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'audit', Key: 'r/1.json', Body: 'tampered' })),
      );
      const remove = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: 'audit', Key: 'r/1.json' })));
      const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'audit' }));
      const kept = await (
        await s3.send(new GetObjectCommand({ Bucket: 'audit', Key: 'r/1.json' }))
      ).Body?.transformToString();
      await sim.close();

      // Assess
      expect(retention.Retention).toEqual({
        Mode: 'COMPLIANCE',
        RetainUntilDate: new Date('2026-02-14T10:00:00Z'),
      });
      expect(overwrite?.name).toBe('AccessDenied');
      expect(overwrite?.$metadata.httpStatusCode).toBe(403);
      expect(remove?.name).toBe('AccessDenied');
      expect(lock.ObjectLockConfiguration).toEqual(LOCKED.objectLock);
      expect(kept).toBe('record');
    });

    it('deletes an object whose retention has expired, and an unlocked one', async () => {
      // Prepare
      const { sim, s3 } = await s3With({
        audit: {
          ...LOCKED,
          objects: [
            {
              Key: 'old',
              Body: 'x',
              Retention: { Mode: 'COMPLIANCE', RetainUntilDate: '2025-01-01T00:00:00Z' },
            },
            { Key: 'free', Body: 'y' },
          ],
        },
      });

      // Act
      await s3.send(new DeleteObjectCommand({ Bucket: 'audit', Key: 'old' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'audit', Key: 'free' }));
      const list = await s3.send(new ListObjectsV2Command({ Bucket: 'audit' }));
      await sim.close();

      // Assess
      expect(list.KeyCount).toBe(0);
      expect(list.Contents).toBeUndefined();
    });

    it('raises NoSuchKey on GetObject and NotFound on HeadObject for a missing key', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ data: { region: REGION } });

      // Act
      const get = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'missing' })));
      const head = await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'missing' })));
      await sim.close();

      // Assess
      expect(get).toBeInstanceOf(NoSuchKey);
      expect(head?.name).toBe('NotFound');
      expect(head?.$metadata.httpStatusCode).toBe(404);
    });

    it('lists keys in order with Prefix, StartAfter, MaxKeys and continuation tokens', async () => {
      // Prepare
      const keys = ['2026/01/01/a', '2026/01/01/b', '2026/01/02/c', '2026/01/03/d', '2025/12/31/z', 'other'];
      const { sim, s3 } = await s3With({
        data: { region: REGION, objects: keys.map((Key) => ({ Key, Body: Key })) },
      });

      // Act
      const first = await s3.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: '2026/', MaxKeys: 2 }));
      const second = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'data',
          Prefix: '2026/',
          MaxKeys: 2,
          ContinuationToken: first.NextContinuationToken,
        }),
      );
      const after = await s3.send(new ListObjectsV2Command({ Bucket: 'data', StartAfter: '2026/01/02/c' }));
      const days = await s3.send(
        new ListObjectsV2Command({ Bucket: 'data', Prefix: '2026/01/', Delimiter: '/' }),
      );
      await sim.close();

      // Assess
      expect(first.Contents?.map((o) => o.Key)).toEqual(['2026/01/01/a', '2026/01/01/b']);
      expect(first.IsTruncated).toBe(true);
      expect(second.Contents?.map((o) => o.Key)).toEqual(['2026/01/02/c', '2026/01/03/d']);
      expect(second.IsTruncated).toBe(false);
      expect(second.NextContinuationToken).toBeUndefined();
      expect(after.Contents?.map((o) => o.Key)).toEqual(['2026/01/03/d', 'other']);
      expect(days.CommonPrefixes?.map((p) => p.Prefix)).toEqual([
        '2026/01/01/',
        '2026/01/02/',
        '2026/01/03/',
      ]);
    });

    it('reports a bucket without Object Lock as such', async () => {
      // Prepare
      const { sim, s3 } = await s3With({ data: { region: REGION, objects: [{ Key: 'k', Body: 'v' }] } });

      // Act
      const config = await errorOf(s3.send(new GetObjectLockConfigurationCommand({ Bucket: 'data' })));
      const retention = await errorOf(s3.send(new GetObjectRetentionCommand({ Bucket: 'data', Key: 'k' })));
      await sim.close();

      // Assess
      expect(config?.name).toBe('ObjectLockConfigurationNotFoundError');
      expect(retention?.name).toBe('InvalidRequest');
    });
  });
});
