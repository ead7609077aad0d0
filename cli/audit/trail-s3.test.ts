import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { newRecordId, recordKey, sealRecord } from '../../shared/audit-record.js';
import { s3Sink } from '../../shared/audit-sinks.js';
import { createClientFactory } from '../../shared/clients.js';
import { buildRealTrail, tempDir } from '../../test/helpers/real-trail.js';
import { type SimulatedBucket, simulatedBucket } from '../../test/helpers/simulated-bucket.js';
import { findRecord } from './find-record.js';
import { listTrailKeys, loadS3Records } from './trail-s3.js';
import { verifyS3Trail } from './verify-s3.js';

const BUCKET = 'acme-airlock-audit';
const NOW = Date.parse('2026-11-21T12:00:00Z');
const ec2 = mockClient(EC2Client);
let base: AuditRecord[];

/** The real records, moved to the given days (sealed again: they are valid records of those days). */
function onDay(record: AuditRecord, day: string): AuditRecord {
  const time = `${day}T10:00:00.000Z`;
  const { digest: _d, ...rest } = record;
  return sealRecord({ ...rest, id: newRecordId(Date.parse(time)), time, startedAt: time });
}

beforeAll(async () => {
  base = await buildRealTrail(ec2, join(tempDir(), 'trail.ndjson'));
});

let bucket: SimulatedBucket;
let records: AuditRecord[];
const trail = () => ({ s3: bucket.client(), bucket: BUCKET, prefix: 'audit/' });

beforeEach(async () => {
  bucket = await simulatedBucket(BUCKET);
  records = [
    onDay(base[0]!, '2026-11-01'),
    onDay(base[1]!, '2026-11-19'),
    onDay(base[2]!, '2026-11-20'),
    onDay(base[3]!, '2026-11-21'),
    onDay(base[4]!, '2026-11-21'),
  ];
  const sink = s3Sink(bucket.client(), BUCKET, 'audit/');
  for (const r of records) await sink.write(r);
});
afterEach(() => bucket.close());

const listedPrefixes = () => bucket.inputsOf('ListObjectsV2').map((input) => input.Prefix);

describe('Function: listTrailKeys', () => {
  it('lists only the day partitions a time range needs, one ListObjectsV2 per day', async () => {
    // Act
    const keys = await listTrailKeys(trail(), { since: Date.parse('2026-11-20T00:00:00Z') }, NOW);

    // Assess
    expect(listedPrefixes()).toEqual(['audit/dt=2026-11-20/', 'audit/dt=2026-11-21/']);
    expect(keys.sort()).toEqual([records[2]!, records[3]!, records[4]!].map((r) => recordKey(r)).sort());
  });

  it('narrows to the account partition when the filter names one account', async () => {
    // Act
    await listTrailKeys(
      trail(),
      { since: Date.parse('2026-11-21T00:00:00Z'), accounts: ['444455556666'] },
      NOW,
    );

    // Assess
    expect(listedPrefixes()).toEqual(['audit/dt=2026-11-21/account=444455556666/']);
  });

  it('lists the partitions present first when the range is open, and reads only those in range', async () => {
    // Act
    const keys = await listTrailKeys(trail(), { until: Date.parse('2026-11-19T23:00:00Z') }, NOW);

    // Assess
    expect(listedPrefixes()).toEqual(['audit/', 'audit/dt=2026-11-01/', 'audit/dt=2026-11-19/']);
    expect(keys).toHaveLength(2);
  });
});

describe('Function: loadS3Records', () => {
  it('reads the records the filter needs, across pages', async () => {
    // Act
    const loaded = await loadS3Records(trail(), {}, NOW);

    // Assess
    expect(loaded.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
  });

  it('names the object that is not a record', async () => {
    // Prepare
    await bucket.client().send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'audit/dt=2026-11-21/account=111122223333/region=eu-west-2/junk.json',
        Body: 'not json',
      }),
    );

    // Act
    const error = await loadS3Records(trail(), { since: Date.parse('2026-11-21T00:00:00Z') }, NOW).catch(
      (e) => e,
    );

    // Assess
    expect(String(error.message)).toContain(
      `s3://${BUCKET}/audit/dt=2026-11-21/account=111122223333/region=eu-west-2/junk.json: body is not valid JSON`,
    );
  });
});

describe('Function: findRecord (S3)', () => {
  it('reads only the partitions of the day the id was made and the next', async () => {
    // Prepare
    const wanted = records[2]!;

    // Act
    const found = await findRecord({ kind: 's3', trail: trail(), clients: createClientFactory() }, wanted.id);

    // Assess
    expect(found).toEqual(wanted);
    expect(listedPrefixes()).toEqual(['audit/dt=2026-11-20/', 'audit/dt=2026-11-21/']);
  });

  it('says the record is not in the bucket', async () => {
    // Act
    const error = await findRecord(
      { kind: 's3', trail: trail(), clients: createClientFactory() },
      newRecordId(Date.parse('2026-11-10T00:00:00Z')),
    ).catch((e: Error) => e);

    // Assess
    expect((error as Error).message).toMatch(/^no record .* in s3:\/\/acme-airlock-audit\/audit\/$/);
  });
});

describe('Function: verifyS3Trail', () => {
  it('passes a trail written by the S3 sink into an Object Lock bucket', async () => {
    // Act
    const report = await verifyS3Trail(trail(), {}, NOW);

    // Assess
    expect(report).toMatchObject({ objects: 5, problems: [] });
    expect(report.signatures).toMatchObject({ valid: 0, unchecked: 0, invalid: [] });
    expect(report.signatures.unsigned).toHaveLength(5);
  });

  it('names each object whose body, metadata, key or retention is wrong', async () => {
    // Prepare
    const key = (i: number) => recordKey(records[i]!);
    const moved = key(2).replace('region=eu-west-2', 'region=us-east-1');
    await bucket.tamper((objects) => {
      const at = (k: string) => objects.find((o) => o.Key === k)!;
      at(key(0)).Body = JSON.stringify({ ...records[0]!, outcome: 'NOOP' });
      at(key(1)).Metadata!['airlock-digest'] = 'a'.repeat(64);
      at(key(2)).Key = moved;
      at(key(3)).Retention = {
        Mode: 'GOVERNANCE',
        RetainUntilDate: new Date(NOW + 86_400_000).toISOString(),
      };
      at(key(4)).Retention = { Mode: 'COMPLIANCE', RetainUntilDate: new Date(NOW - 1000).toISOString() };
    });

    // Act
    const report = await verifyS3Trail(trail(), {}, NOW);

    // Assess
    const byKey = (k: string) => report.problems.filter((p) => p.key === k).map((p) => p.message);
    expect(byKey(key(0))).toEqual(['altered: the body does not match its digest']);
    expect(byKey(key(1))[0]).toMatch(/^metadata airlock-digest aaaaaaaaaaaa… differs/);
    expect(byKey(moved)).toEqual([`stored under the wrong key: expected ${key(2)}`]);
    expect(byKey(key(3))).toEqual(['Object Lock retention mode is GOVERNANCE, not COMPLIANCE']);
    expect(byKey(key(4))[0]).toMatch(/^Object Lock retention ended on 2026-11-21T11:59:59.000Z/);
    expect(report.problems.every((p) => p.id)).toBe(true);
  });

  it('names an object without Object Lock retention', async () => {
    // Prepare
    await bucket.tamper((objects) => {
      delete objects.find((o) => o.Key === recordKey(records[0]!))!.Retention;
    });

    // Act
    const report = await verifyS3Trail(trail(), {}, NOW);

    // Assess
    expect(report.problems).toEqual([
      {
        key: recordKey(records[0]!),
        id: records[0]!.id,
        message: 'no Object Lock retention (NoSuchObjectLockConfiguration): the object is not protected',
      },
    ]);
  });
});
