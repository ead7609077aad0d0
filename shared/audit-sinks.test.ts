import {
  DeleteObjectCommand,
  GetObjectRetentionCommand,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedCloud } from '../cli/sim/cloud.js';
import { sampleRecord } from '../test/helpers/audit-records.js';
import { type AuditRecord, recordKey } from './audit-record.js';
import { SHORT_RETENTION_OUTCOMES, s3Sink } from './audit-sinks.js';
import { parseSettings, settingsFromEnv } from './settings.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const BUCKET = 'airlock-audit';
const TIME = '2026-11-20T10:00:06.000Z';
const DAY = 86_400_000;

function record(outcome: AuditRecord['outcome'], n: number): AuditRecord {
  return sampleRecord({ id: `0190f3a2-7b1c-7def-8abc-0123456789a${n}`, mode: 'enforce', outcome });
}

describe('Function: s3Sink (per-object retention)', () => {
  let s3: AwsClientStub<S3Client>;
  beforeEach(() => {
    s3 = mockClient(S3Client);
  });
  afterEach(() => s3.restore());

  it('gives records that changed nothing their own, shorter compliance-mode retention', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const sink = s3Sink(new S3Client({ region: REGION }), BUCKET, 'audit/', { shortRetentionDays: 30 });

    // Act
    for (const [i, outcome] of ['NOOP', 'PLANNED', 'REJECTED', 'APPLIED', 'FAILED', 'EXEMPT'].entries()) {
      await sink.write(record(outcome as AuditRecord['outcome'], i));
    }

    // Assess
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    const until = new Date(Date.parse(TIME) + 30 * DAY);
    expect(puts.map((p) => [p.ObjectLockMode, p.ObjectLockRetainUntilDate])).toEqual([
      ['COMPLIANCE', until],
      ['COMPLIANCE', until],
      ['COMPLIANCE', until],
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect([...SHORT_RETENTION_OUTCOMES].sort()).toEqual(['NOOP', 'PLANNED', 'REJECTED']);
    expect(puts.every((p) => p.IfNoneMatch === '*' && p.ChecksumAlgorithm === 'SHA256')).toBe(true);
  });

  it('leaves every record to the bucket default retention when no short retention is set', async () => {
    // Prepare
    s3.on(PutObjectCommand).resolves({});
    const sink = s3Sink(new S3Client({ region: REGION }), BUCKET);

    // Act
    await sink.write(record('NOOP', 1));

    // Assess
    const [put] = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(put).not.toHaveProperty('ObjectLockMode');
    expect(put).not.toHaveProperty('ObjectLockRetainUntilDate');
  });

  it('reads the setting from AIRLOCK_AUDIT_SHORT_RETENTION_DAYS, and refuses one that is not a positive whole number', () => {
    // Act
    const settings = parseSettings(settingsFromEnv({ AIRLOCK_AUDIT_SHORT_RETENTION_DAYS: '400' }));

    // Assess
    expect(settings.audit.shortRetentionDays).toBe(400);
    expect(parseSettings(settingsFromEnv({})).audit.shortRetentionDays).toBeUndefined();
    expect(() => parseSettings(settingsFromEnv({ AIRLOCK_AUDIT_SHORT_RETENTION_DAYS: '0' }))).toThrow(
      /shortRetentionDays/,
    );
    expect(() => parseSettings(settingsFromEnv({ AIRLOCK_AUDIT_SHORT_RETENTION_DAYS: 'soon' }))).toThrow(
      /AIRLOCK_AUDIT_SHORT_RETENTION_DAYS/,
    );
  });
});

describe('Function: s3Sink (on the simulated Object Lock bucket)', () => {
  it('keeps an APPLIED record for the bucket default and a NOOP record for the short period, neither deletable before', async () => {
    // Prepare
    let now = Date.parse(TIME);
    const sim = await SimulatedCloud.create(
      {
        accounts: {
          [ACCOUNT]: {
            regions: { [REGION]: {} },
            buckets: {
              [BUCKET]: {
                region: REGION,
                objectLock: {
                  ObjectLockEnabled: 'Enabled',
                  Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
                },
              },
            },
          },
        },
      },
      { dynamodb: false, now: () => now },
    );
    const client = sim.clientFactory({ maxAttempts: 1 }).get(S3Client, { account: ACCOUNT, region: REGION });
    const sink = s3Sink(client, BUCKET, 'audit/', { shortRetentionDays: 30 });
    const noop = record('NOOP', 1);
    const applied = record('APPLIED', 2);
    const key = (r: AuditRecord) => recordKey(r, 'audit/');
    const remove = (r: AuditRecord) =>
      client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key(r) })).then(
        () => 'deleted',
        (e: S3ServiceException) => e.name,
      );

    // Act
    await sink.write(noop);
    await sink.write(applied);
    const retention = async (r: AuditRecord) =>
      (await client.send(new GetObjectRetentionCommand({ Bucket: BUCKET, Key: key(r) }))).Retention;
    const short = await retention(noop);
    const long = await retention(applied);
    const early = [await remove(noop), await remove(applied)];
    now += 31 * DAY;
    const later = [await remove(noop), await remove(applied)];
    await sim.close();

    // Assess
    expect(short).toEqual({ Mode: 'COMPLIANCE', RetainUntilDate: new Date(Date.parse(TIME) + 30 * DAY) });
    expect(long?.Mode).toBe('COMPLIANCE');
    expect(long?.RetainUntilDate?.getTime()).toBe(Date.parse(TIME) + 2555 * DAY);
    expect(early).toEqual(['AccessDenied', 'AccessDenied']);
    expect(later).toEqual(['deleted', 'AccessDenied']);
  });
});
