import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeletePublicAccessBlockCommand,
  GetPublicAccessBlockCommand,
  NoSuchBucket,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { testContext } from '../../test/helpers/context.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import { applyS3BlockStep } from './apply.js';
import { describeBucketPublicAccessBlock } from './describe.js';
import { blockPublicS3 } from './index.js';
import { type BlockConfiguration, FULL_BLOCK, type S3BlockStep } from './plan.js';

const BUCKET = 'airlock-demo-public-assets';
const PARTIAL: BlockConfiguration = {
  BlockPublicAcls: false,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: false,
};

const s3 = mockClient(S3Client);

/** The S3 error of a placebo error recording, as the SDK raises it. */
function recordedError(file: string): S3ServiceException {
  const raw = loadRealWorld<{ status_code: number; data: { Error: { Code: string; Message: string } } }>(
    `api/s3/${file}`,
  );
  return new S3ServiceException({
    name: raw.data.Error.Code,
    $fault: 'client',
    $metadata: { httpStatusCode: raw.status_code },
    message: raw.data.Error.Message,
  });
}
const NO_CONFIGURATION = () =>
  recordedError('placebo__GetPublicAccessBlock__404-NoSuchPublicAccessBlockConfiguration.json');
const ACCESS_DENIED = () => recordedError('placebo__GetPublicAccessBlock__403-AccessDenied.json');
const NO_BUCKET = () =>
  new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'The specified bucket does not exist' });

const event = (rule = 's3-bucket-public-read-prohibited') =>
  complianceEvent({ resourceType: 'AWS::S3::Bucket', resourceId: BUCKET, rule });

function deps(records: AuditRecord[], mode: 'enforce' | 'dry-run' = 'enforce') {
  return createDeps('block-public-s3', {
    env: {},
    settings: { mode, allowedAccounts: ['*'] },
    onRecord: (r) => records.push(r),
  });
}

const writes = () => [
  ...s3.commandCalls(PutPublicAccessBlockCommand),
  ...s3.commandCalls(DeletePublicAccessBlockCommand),
];

beforeEach(() => {
  s3.reset();
});

describe('Function: blockPublicS3 through runPipeline', () => {
  it('puts all four settings on when the bucket has no configuration, and keeps "none" for undo', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand)
      .rejectsOnce(NO_CONFIGURATION())
      .resolves({ PublicAccessBlockConfiguration: { ...FULL_BLOCK } });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(s3.commandCalls(PutPublicAccessBlockCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, PublicAccessBlockConfiguration: FULL_BLOCK, ExpectedBucketOwner: '111122223333' },
    ]);
    expect(s3.commandCalls(GetPublicAccessBlockCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, ExpectedBucketOwner: '111122223333' },
      { Bucket: BUCKET, ExpectedBucketOwner: '111122223333' },
    ]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      remediation: 'block-public-s3',
      before: { bucket: BUCKET, configuration: null },
      verification: { status: 'compliant' },
      steps: [
        {
          action: 's3:PutBucketPublicAccessBlock',
          api: 'PutPublicAccessBlock',
          input: { Bucket: BUCKET, PublicAccessBlockConfiguration: FULL_BLOCK },
          before: { configuration: null },
          undo: [
            {
              action: 's3:PutBucketPublicAccessBlock',
              api: 'DeletePublicAccessBlock',
              input: { Bucket: BUCKET },
            },
          ],
          result: 'applied',
        },
      ],
    });
    // only the public access block was read and written: no bucket policy, no ACL
    expect(s3.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual([
      'GetPublicAccessBlockCommand',
      'PutPublicAccessBlockCommand',
      'GetPublicAccessBlockCommand',
    ]);
  });

  it('keeps a partial configuration exactly for undo', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand)
      .resolvesOnce({ PublicAccessBlockConfiguration: { ...PARTIAL } })
      .resolves({ PublicAccessBlockConfiguration: { ...FULL_BLOCK } });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const records: AuditRecord[] = [];

    // Act
    await runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    expect(records[0]?.steps[0]).toMatchObject({
      before: { configuration: PARTIAL },
      undo: [
        {
          action: 's3:PutBucketPublicAccessBlock',
          api: 'PutPublicAccessBlock',
          input: { Bucket: BUCKET, PublicAccessBlockConfiguration: PARTIAL },
        },
      ],
    });
  });

  it.each(blockPublicS3.configRuleNames)(
    'records NOOP for a fully blocked bucket reported by %s',
    async (rule) => {
      // Prepare
      s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { ...FULL_BLOCK } });
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(event(rule), blockPublicS3, deps(records));

      // Assess
      expect(result).toMatchObject({
        outcome: 'NOOP',
        reason: 'the public access block has all four settings on',
      });
      expect(writes()).toHaveLength(0);
    },
  );

  it('records NOOP and writes nothing when the bucket is gone (NoSuchBucket)', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(NO_BUCKET());
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
    expect(records[0]?.outcome).toBe('NOOP');
    expect(writes()).toHaveLength(0);
  });

  it('counts NoSuchBucket during the put as done: the bucket is gone, nothing in it is public', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejectsOnce(NO_CONFIGURATION()).rejects(NO_BUCKET());
    s3.on(PutPublicAccessBlockCommand).rejects(NO_BUCKET());
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      verification: { status: 'compliant', detail: 'the resource no longer exists' },
      steps: [{ result: 'already-done', error: { name: 'NoSuchBucket' } }],
    });
  });

  it('records FAILED, retryable, and writes nothing when the block cannot be read (AccessDenied)', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(ACCESS_DENIED());
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    await expect(run).rejects.toMatchObject({ retryable: true });
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      error: { name: 'AccessDenied', retryable: true },
    });
    expect(writes()).toHaveLength(0);
  });

  it('records FAILED "cannot act now" when a conflicting operation is in progress (OperationAborted)', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(NO_CONFIGURATION());
    s3.on(PutPublicAccessBlockCommand).rejects(
      new S3ServiceException({
        name: 'OperationAborted',
        $fault: 'client',
        $metadata: { httpStatusCode: 409 },
        message: 'A conflicting conditional operation is currently in progress against this resource.',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    await expect(run).rejects.toMatchObject({ name: 'RemediationFailedError', retryable: true });
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      steps: [{ result: 'failed', error: { name: 'OperationAborted' } }],
    });
    expect(records[0]?.reason).toMatch(/^cannot act now: OperationAborted/);
  });

  it('records FAILED when the block read back is still not complete', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { ...PARTIAL } });
    s3.on(PutPublicAccessBlockCommand).resolves({});
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), blockPublicS3, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      verification: { status: 'non-compliant' },
      steps: [{ result: 'applied' }],
    });
  });

  it('plans in dry-run and writes nothing', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).rejects(NO_CONFIGURATION());
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), blockPublicS3, deps(records, 'dry-run'));

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(records[0]?.steps).toEqual([expect.objectContaining({ result: 'planned' })]);
    expect(writes()).toHaveLength(0);
  });
});

describe('Function: applyS3BlockStep', () => {
  const ctx = testContext('block-public-s3');

  it('sends DeletePublicAccessBlock for the undo of a bucket that had no configuration', async () => {
    // Prepare
    s3.on(DeletePublicAccessBlockCommand).resolves({});
    const [undo] = blockPublicS3.undo({
      action: 's3:PutBucketPublicAccessBlock',
      api: 'PutPublicAccessBlock',
      input: { Bucket: BUCKET, PublicAccessBlockConfiguration: { ...FULL_BLOCK } },
      reason: 'test',
      before: { configuration: null },
    });

    // Act
    await applyS3BlockStep(undo!, ctx);

    // Assess
    expect(s3.commandCalls(DeletePublicAccessBlockCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, ExpectedBucketOwner: '111122223333' },
    ]);
    expect(s3.calls()).toHaveLength(1);
  });

  it('refuses a step it does not know, sending nothing', async () => {
    // Prepare
    const step = {
      action: 's3:PutBucketPolicy',
      api: 'DeleteBucketPolicy',
      input: { Bucket: BUCKET },
      reason: 'rebuilt from an altered record',
      before: { configuration: null },
    } as unknown as S3BlockStep;

    // Act
    const run = applyS3BlockStep(step, ctx);

    // Assess
    await expect(run).rejects.toThrow('block-public-s3 does not send "DeleteBucketPolicy"');
    expect(s3.calls()).toHaveLength(0);
  });

  it('reads a response without a configuration as "none"', async () => {
    // Prepare
    s3.on(GetPublicAccessBlockCommand).resolves({});

    // Act
    const state = await describeBucketPublicAccessBlock(BUCKET, ctx);

    // Assess
    expect(state).toEqual({ bucket: BUCKET, configuration: null });
  });
});

describe('Function: block-public-s3 sources', () => {
  it('import no S3 command but the public access block ones (never a bucket policy or ACL)', () => {
    // Prepare
    const folder = dirname(fileURLToPath(import.meta.url));
    const sources = readdirSync(folder)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(folder, f), 'utf8'))
      .join('\n');

    // Act
    const commands = new Set(sources.match(/\b[A-Z][A-Za-z]+Command\b/g) ?? []);

    // Assess
    expect([...commands].sort()).toEqual([
      'DeletePublicAccessBlockCommand',
      'GetPublicAccessBlockCommand',
      'PutPublicAccessBlockCommand',
    ]);
  });
});
