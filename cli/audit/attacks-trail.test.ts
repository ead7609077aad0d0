import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blockPublicS3 } from '../../functions/block-public-s3/index.js';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import type { AuditRecord, UnsignedAuditRecord } from '../../shared/audit-record.js';
import { newRecordId, recordKey, sealRecord } from '../../shared/audit-record.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import { s3Sink } from '../../shared/audit-sinks.js';
import { createClientFactory } from '../../shared/clients.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import {
  HOME,
  MEMBER,
  REGION,
  remediateSigned,
  signedOrganization,
  silent,
  trustedVerifier,
} from '../../test/helpers/signed-trail.js';
import { type SimulatedBucket, simulatedBucket } from '../../test/helpers/simulated-bucket.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { bucket as simBucket } from '../sim/kinds/s3-buckets.js';
import { securityGroup } from '../sim/kinds/security-groups.js';
import { placeResources, simState } from '../sim/scenario.js';
import { findRecord } from './find-record.js';
import { renderReportHtml } from './report-html.js';
import { computeReportStats, MAX_CHART_DAYS } from './report-stats.js';
import { claimKey, readClaim, writeClaim } from './rollback-claim.js';
import { planRollback } from './rollback-plan.js';
import type { S3Trail } from './trail-s3.js';
import { verifyS3Trail } from './verify-s3.js';

const BUCKET = 'acme-airlock-audit';
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const DAY = 86_400_000;

let genuine: AuditRecord;
let verifier: SignatureVerifier;

beforeAll(async () => {
  // a genuine record, signed by the home account's key as a function writes it
  const sim = await signedOrganization([
    securityGroup({
      id: GROUP,
      name: 'bastion',
      vpc: 'vpc-0123456789abcdef0',
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' }],
    }),
  ]);
  const event = complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'restricted-ssh',
    account: HOME,
    region: REGION,
  });
  genuine = await remediateSigned(sim, revokeOpenSsh, event, join(tempDir(), 'trail.ndjson'));
  verifier = await trustedVerifier(sim);
  await sim.close();
});

let bucket: SimulatedBucket | undefined;
afterEach(async () => {
  await bucket?.close();
  bucket = undefined;
});

async function trailWith(...records: AuditRecord[]): Promise<S3Trail> {
  bucket = await simulatedBucket(BUCKET);
  for (const r of records) await s3Sink(bucket.client(), BUCKET, 'audit/').write(r);
  return { s3: bucket.client(), bucket: BUCKET, prefix: 'audit/', expectedOwner: HOME };
}

/** A copy of a record, changed and sealed again: a valid digest, stored by the sink under its own key. */
function copyOf(record: AuditRecord, change: (r: UnsignedAuditRecord) => UnsignedAuditRecord): AuditRecord {
  const { digest: _d, signature: _s, ...content } = record;
  return sealRecord(change(content));
}

const moved = (days: number) => (r: UnsignedAuditRecord) => ({
  ...r,
  time: new Date(Date.parse(r.time) + days * DAY).toISOString(),
  reason: 'nothing to see here',
});

describe('Attack: a second object with an existing record id in the S3 trail', () => {
  it('verify names both keys of a duplicated id, and the copy whose times disagree with its id; its signature does not hold', async () => {
    // Prepare: Object Lock stops overwrites, not a new object under another day's partition
    const copy = { ...copyOf(genuine, moved(1)), signature: genuine.signature! };
    const trail = await trailWith(genuine, copy);

    // Act
    const report = await verifyS3Trail(trail, {}, Date.now(), { verifier, requireSignature: true });

    // Assess
    const copyKey = recordKey(copy);
    expect(copyKey).not.toBe(recordKey(genuine));
    const messages = report.problems.map((p) => `${p.key}: ${p.message}`);
    expect(messages).toContain(
      `${recordKey(genuine)}: duplicate record id: also stored under ${copyKey} (a record id is unique: one of them is forged)`,
    );
    expect(messages).toContainEqual(
      expect.stringMatching(`^${copyKey}: the record's time .* is not within a day after it started`),
    );
    expect(messages).toContainEqual(expect.stringMatching(`^${copyKey}: signature not valid`));
    expect(report.problems.filter((p) => p.key === recordKey(genuine)).map((p) => p.message)).toEqual([
      `duplicate record id: also stored under ${copyKey} (a record id is unique: one of them is forged)`,
    ]);
  });

  it('verify flags the moved copy even when its day is verified alone (its times disagree with its id)', async () => {
    // Prepare
    const copy = copyOf(genuine, moved(5));
    const trail = await trailWith(genuine, copy);
    const day = Date.parse(`${copy.time.slice(0, 10)}T00:00:00Z`);

    // Act
    const report = await verifyS3Trail(trail, { since: day, until: day + DAY - 1 }, Date.now(), {
      verifier,
      requireSignature: true,
    });

    // Assess
    expect(report.objects).toBe(1);
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^the record's time .* is not within a day after it started/),
      'unsigned: a signature is required',
    ]);
  });

  it('the lookup behind `rollback ID --bucket` refuses an ambiguous id instead of taking the last one found', async () => {
    // Prepare
    const copy = copyOf(genuine, (r) => ({
      ...r,
      time: new Date(Date.parse(r.startedAt) + DAY - 1000).toISOString(),
    }));
    const trail = await trailWith(genuine, copy);
    const source = { kind: 's3' as const, trail, clients: createClientFactory() };

    // Act
    const error = await findRecord(source, genuine.id).catch((e: Error) => e);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(
      `record id ${genuine.id} appears 2 times in s3://${BUCKET}/audit/`,
    );
    expect((error as Error).message).toContain('nothing is done');
  });

  it('flags a copy stored under a key its content does not give, and the lookup refuses it', async () => {
    // Prepare: the genuine record is absent; only a copy under a made-up key of the right day
    const trail = await trailWith();
    const key = recordKey(genuine).replace(`${genuine.id}.json`, 'evidence.json');
    await bucket!.client().send(
      new (await import('@aws-sdk/client-s3')).PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: JSON.stringify(genuine),
        Metadata: { 'airlock-digest': genuine.digest.value },
      }),
    );

    // Act
    const report = await verifyS3Trail(trail, {}, Date.now(), { verifier, requireSignature: true });
    const error = await findRecord({ kind: 's3', trail, clients: createClientFactory() }, genuine.id).catch(
      (e: Error) => e,
    );

    // Assess
    expect(report.problems.map((p) => p.message)).toEqual([
      `stored under the wrong key: expected ${recordKey(genuine)}`,
    ]);
    expect((error as Error).message).toContain(`cannot be trusted: it is stored under ${key}`);
  });
});

describe('Attack: a record forged by someone who can write the S3 trail', () => {
  it('passes the digest, key and retention checks but not the signature: unsigned, or a genuine signature copied onto it', async () => {
    // Prepare: a new record, sealed with airlock's own function, written with airlock's own sink
    const now = Date.now();
    const forged = copyOf(genuine, (r) => ({
      ...r,
      id: newRecordId(now),
      startedAt: new Date(now).toISOString(),
      time: new Date(now + 1000).toISOString(),
      resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0b0b0b0b0b0b0b0b1' },
    }));
    const copied = {
      ...copyOf(forged, (r) => ({
        ...r,
        id: newRecordId(now + 1),
        startedAt: new Date(now + 1).toISOString(),
      })),
      signature: genuine.signature!,
    };
    const trail = await trailWith(genuine, forged, copied);

    // Act
    const report = await verifyS3Trail(trail, {}, Date.now(), { verifier, requireSignature: true });

    // Assess
    expect(report.signatures.valid).toBe(1);
    expect(report.problems).toEqual(
      [
        { key: recordKey(forged), id: forged.id, message: 'unsigned: a signature is required' },
        {
          key: recordKey(copied),
          id: copied.id,
          message: expect.stringMatching(
            /^signature not valid: the signature does not verify with the KMS key/,
          ),
        },
      ].sort((a, b) => (a.key < b.key ? -1 : 1)),
    );
  });
});

describe('Attack: rolling back from S3 a record that was already rolled back', () => {
  it('claims the rollback once (If-None-Match on a key derived from the id): a second claim fails and the next plan is refused', async () => {
    // Prepare
    const trail = await trailWith(genuine);
    const claim = {
      schema: 'airlock.rollback-claim/v1' as const,
      rollbackOf: genuine.id,
      operator: 'alice',
      time: '2026-11-21T10:00:00.000Z',
    };

    // Act
    const first = await writeClaim(trail, claim);
    const second = await writeClaim(trail, { ...claim, operator: 'mallory' });
    const found = await readClaim(trail, genuine.id);
    const sim = await SimulatedCloud.create(undefined, { dynamodb: false });
    const plan = await planRollback(
      genuine,
      { clients: sim.clientFactory(), logger: silent },
      { claim: found! },
    );
    await sim.close();

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(claimKey('audit/', genuine.id)).toBe(`audit/rollback-claims/${genuine.id}.json`);
    expect(found).toMatchObject({ operator: 'alice', time: '2026-11-21T10:00:00.000Z' });
    expect(plan.refusals).toContain(
      'a rollback of the record was already started by alice at 2026-11-21T10:00:00.000Z (s3 claim)',
    );
  });
});

describe('Attack: a bucket name re-created by another account between the event and the action', () => {
  it('block-public-s3 acts only on a bucket the event’s account owns (ExpectedBucketOwner): another owner’s is FAILED, untouched', async () => {
    // Prepare: the event says MEMBER; the bucket of that name now belongs to HOME
    const state = simState();
    placeResources(state, { account: HOME, region: REGION }, [
      simBucket('shared-name-assets', { publicAccessBlock: 'none' }),
    ]);
    placeResources(state, { account: MEMBER, region: REGION }, []);
    const sim = await SimulatedCloud.create(state, { dynamodb: false });
    const event = complianceEvent({
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'shared-name-assets',
      rule: 's3-bucket-level-public-access-prohibited',
      account: MEMBER,
      region: REGION,
    });
    const deps = createDeps('block-public-s3', {
      env: {},
      clients: sim.clientFactory({ maxAttempts: 1 }),
      settings: { mode: 'enforce', allowedAccounts: ['*'] },
      logger: silent,
    });

    // Act
    const result = await runPipeline(event, blockPublicS3, deps).catch((e: unknown) => e);

    // Assess
    expect(result).toBeInstanceOf(RemediationFailedError);
    expect((result as Error).message).toContain('AccessDenied');
    expect(sim.state().accounts[HOME]!.buckets['shared-name-assets']!.publicAccessBlock).toBeNull();
    expect(sim.writes()).toEqual({});
    await sim.close();
  });

  it('the audit sink writes only to a bucket the home account owns: another owner’s bucket fails the audit write', async () => {
    // Prepare
    bucket = await simulatedBucket(BUCKET);
    const sink = s3Sink(bucket.client(), BUCKET, 'audit/', { expectedOwner: MEMBER });

    // Act
    const write = sink.write(genuine);

    // Assess
    await expect(write).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(bucket.inputsOf('PutObject')[0]).toMatchObject({ ExpectedBucketOwner: MEMBER });
  });
});

describe('Attack: records dated 0001-01-01 and 9999-12-31 in the trail', () => {
  it('the report draws at most a bounded number of days, within the records’ real span, and names what it leaves out', () => {
    // Prepare: sealed records (valid digests) with absurd dates
    const at = (time: string) => copyOf(genuine, (r) => ({ ...r, time, startedAt: time }));
    const records = [at('0001-01-01T00:00:00.000Z'), genuine, at('9999-12-31T23:59:59.000Z')];
    const now = Date.parse(genuine.time) + 3 * DAY;

    // Act
    const stats = computeReportStats(records, now);
    const html = renderReportHtml(stats, { source: 'trail.ndjson' });

    // Assess
    expect(stats.total).toBe(3);
    expect(stats.byDay.length).toBeLessThanOrEqual(MAX_CHART_DAYS);
    expect(stats.byDay.at(-1)!.day).toBe(genuine.time.slice(0, 10));
    expect(stats.byDay.reduce((n, d) => n + d.total, 0)).toBe(1);
    expect(stats.chartNote).toMatch(/^2 record\(s\) dated outside the days drawn/);
    expect(stats.chartNote).toContain('0001-01-01T00:00:00.000Z');
    expect(stats.chartNote).toContain('9999-12-31T23:59:59.000Z');
    expect(html).toContain('id="chart-note"');
    expect(html.match(/<g class="bar"/g)?.length).toBe(stats.byDay.length);
  });
});
