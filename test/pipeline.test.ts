import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { verifyRecordDigest } from '../shared/audit-record.js';
import { createClientFactory } from '../shared/clients.js';
import { createDeps, type DepsOptions } from '../shared/deps.js';
import { AuditWriteError, RemediationFailedError } from '../shared/errors.js';
import { runPipeline } from '../shared/pipeline.js';
import { FAKE_CREDENTIALS, startDynalite } from './helpers/dynalite.js';
import { complianceEvent } from './helpers/events.js';
import { listRealWorld, loadRealWorld } from './helpers/fixtures.js';
import { GROUP, OPEN, PRIVATE, statefulGroup as statefulGroupOn } from './helpers/security-group.js';

const sshEvent = (overrides: Partial<Parameters<typeof complianceEvent>[0]> = {}) =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'restricted-ssh',
    ...overrides,
  });

const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);

const statefulGroup = (initial: SecurityGroupRule[]) => statefulGroupOn(ec2, initial);

function deps(records: AuditRecord[], options: DepsOptions = {}) {
  return createDeps('revoke-open-ssh', {
    env: { AWS_REGION: 'eu-west-2' },
    ...options,
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...(options.settings ?? {}) },
    onRecord: (r) => records.push(r),
  });
}

const totalCalls = () => ec2.calls().length + s3.calls().length + ssm.calls().length;

beforeEach(() => {
  ec2.reset();
  s3.reset();
  ssm.reset();
});

describe('Function: runPipeline', () => {
  it('revokes the open rule, verifies, and writes one sealed APPLIED record', async () => {
    // Prepare
    const group = statefulGroup([OPEN, PRIVATE]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(sshEvent(), revokeOpenSsh, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(group.rules()).toEqual([PRIVATE]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: [OPEN.SecurityGroupRuleId],
    });
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({
      schema: 'airlock.audit/v1',
      outcome: 'APPLIED',
      mode: 'enforce',
      trigger: 'config',
      remediation: 'revoke-open-ssh',
      account: '111122223333',
      region: 'eu-west-2',
      rule: 'restricted-ssh',
      resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
      verification: { status: 'compliant' },
    });
    expect(record.steps[0]).toMatchObject({
      api: 'RevokeSecurityGroupIngress',
      result: 'applied',
      before: { revoked: [{ rule: OPEN }] },
      undo: [{ api: 'AuthorizeSecurityGroupIngress' }],
    });
    expect(verifyRecordDigest(record)).toBe(true);
  });

  it('writes nothing and records PLANNED in dry-run mode', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(
      sshEvent(),
      revokeOpenSsh,
      deps(records, { settings: { mode: 'dry-run' } }),
    );

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(records[0]?.steps.map((s) => s.result)).toEqual(['planned']);
  });

  it('obeys a per-remediation kill switch over a global enforce', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(
      sshEvent(),
      revokeOpenSsh,
      deps(records, {
        settings: { mode: 'enforce', remediations: { 'revoke-open-ssh': { mode: 'dry-run' } } },
      }),
    );

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('records NOOP with the reason for a COMPLIANT evaluation, with zero AWS calls', async () => {
    const records: AuditRecord[] = [];
    const result = await runPipeline(sshEvent({ compliance: 'COMPLIANT' }), revokeOpenSsh, deps(records));
    expect(result).toMatchObject({
      outcome: 'NOOP',
      reason: 'evaluation is COMPLIANT: nothing to remediate',
    });
    expect(totalCalls()).toBe(0);
  });

  it('records NOOP when the group is already compliant', async () => {
    statefulGroup([PRIVATE]);
    const result = await runPipeline(sshEvent(), revokeOpenSsh, deps([]));
    expect(result.outcome).toBe('NOOP');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('records NOOP when the group was deleted meanwhile', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    ec2.on(DescribeSecurityGroupsCommand).rejects(
      new EC2ServiceException({
        name: 'InvalidGroup.NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'gone',
      }),
    );

    // Act
    const result = await runPipeline(sshEvent(), revokeOpenSsh, deps([]));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
  });

  it('counts a rule already revoked by someone else as done', async () => {
    // Prepare: the rule disappears between describe and revoke
    let described = 0;
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .callsFake(async () => ({ SecurityGroupRules: described++ === 0 ? [OPEN] : [] }));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(
      new EC2ServiceException({
        name: 'InvalidSecurityGroupRuleId.NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'gone',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(sshEvent(), revokeOpenSsh, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]?.result).toBe('already-done');
  });

  it('re-authorises the remainder of a range before revoking when the setting says so', async () => {
    // Prepare
    const wide = { ...OPEN, FromPort: 0, ToPort: 65535 };
    let rules: SecurityGroupRule[] = [wide];
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async () => ({ SecurityGroupRules: rules }));
    ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(async (input) => {
      const p = input.IpPermissions[0];
      rules = [
        ...rules,
        { ...OPEN, SecurityGroupRuleId: `sgr-0${p.FromPort}`, FromPort: p.FromPort, ToPort: p.ToPort },
      ];
      return { Return: true };
    });
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async () => {
      rules = rules.filter((r) => r !== wide);
      return { Return: true };
    });

    // Act
    const result = await runPipeline(
      sshEvent(),
      revokeOpenSsh,
      deps([], {
        settings: {
          remediations: { 'revoke-open-ssh': { settings: { portRangePolicy: 'reauthorize-remainder' } } },
        },
      }),
    );

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(rules.map((r) => [r.FromPort, r.ToPort])).toEqual([
      [0, 21],
      [23, 65535],
    ]);
  });

  it('fails (retryable) with a FAILED record when the revoke is throttled, then applies once on the retry', async () => {
    // Prepare: the first invocation is throttled past the SDK's retries, Lambda retries the event
    const group = statefulGroup([OPEN]);
    ec2.on(RevokeSecurityGroupIngressCommand).rejectsOnce(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: { httpStatusCode: 503 },
        message: 'slow down',
      }),
    );
    const records: AuditRecord[] = [];
    const d = deps(records);

    // Act
    const first = runPipeline(sshEvent(), revokeOpenSsh, d);
    await expect(first).rejects.toBeInstanceOf(RemediationFailedError);
    const retried = statefulGroup(group.rules());
    const second = await runPipeline(sshEvent(), revokeOpenSsh, d);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['FAILED', 'APPLIED']);
    expect(records[0]?.error).toMatchObject({ name: 'RequestLimitExceeded', retryable: true });
    expect(second.outcome).toBe('APPLIED');
    expect(retried.rules()).toEqual([]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
  });

  it('fails the invocation when the audit record cannot be written', async () => {
    // Prepare
    statefulGroup([OPEN]);
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'denied',
      }),
    );

    // Act
    const run = runPipeline(
      sshEvent(),
      revokeOpenSsh,
      deps([], { settings: { audit: { bucket: 'airlock-audit-111122223333' } } }),
    );

    // Assess
    await expect(run).rejects.toBeInstanceOf(AuditWriteError);
    await expect(run).rejects.toThrow(/s3 \(AccessDenied\)/);
  });

  it('writes each record to S3 once, under a date-partitioned key, never overwriting', async () => {
    // Prepare
    statefulGroup([OPEN]);
    s3.on(PutObjectCommand).resolves({});

    // Act
    await runPipeline(
      sshEvent(),
      revokeOpenSsh,
      deps([], { settings: { audit: { bucket: 'airlock-audit-111122223333' } } }),
    );

    // Assess
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'airlock-audit-111122223333',
      IfNoneMatch: '*',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(put?.Key).toMatch(
      /^audit\/dt=\d{4}-\d{2}-\d{2}\/account=111122223333\/region=eu-west-2\/[0-9a-f-]{36}\.json$/,
    );
  });

  it('appends records to a local NDJSON trail', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const file = join(await mkdtemp(join(tmpdir(), 'airlock-')), 'trail.ndjson');

    // Act
    await runPipeline(sshEvent(), revokeOpenSsh, deps([], { settings: { audit: { file } } }));
    await runPipeline(
      sshEvent({ compliance: 'COMPLIANT' }),
      revokeOpenSsh,
      deps([], { settings: { audit: { file } } }),
    );

    // Assess
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.outcome)).toEqual(['APPLIED', 'NOOP']);
    expect(lines.every((l) => /^[0-9a-f]{64}$/.test(l.chain))).toBe(true);
  });

  describe('exemptions', () => {
    const register = (expires: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify([
        {
          id: 'EX-104',
          resourceId: GROUP,
          remediation: 'revoke-open-ssh',
          account: '111122223333',
          region: 'eu-west-2',
          reason: 'bastion migration CHG-8812',
          approvedBy: 'secops-lead@example.com',
          expires,
          ...extra,
        },
      ]);
    const withRegister = (records: AuditRecord[], onUnreadable: 'act' | 'stop' = 'act') =>
      deps(records, { settings: { exemptions: { parameter: '/airlock/exemptions', onUnreadable } } });

    it('records EXEMPT and writes nothing for a valid exemption', async () => {
      // Prepare
      statefulGroup([OPEN]);
      const expires = new Date(Date.now() + 7 * 86400_000).toISOString();
      ssm
        .on(GetParameterCommand)
        .resolves({ Parameter: { Name: '/airlock/exemptions', Value: register(expires) } });
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(sshEvent(), revokeOpenSsh, withRegister(records));

      // Assess
      expect(result.outcome).toBe('EXEMPT');
      expect(records[0]?.exemption).toMatchObject({
        id: 'EX-104',
        approvedBy: 'secops-lead@example.com',
        expires,
      });
      expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    });

    it('acts on an expired exemption and says so', async () => {
      // Prepare
      statefulGroup([OPEN]);
      ssm
        .on(GetParameterCommand)
        .resolves({ Parameter: { Name: '/airlock/exemptions', Value: register('2020-01-01T00:00:00Z') } });
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(sshEvent(), revokeOpenSsh, withRegister(records));

      // Assess
      expect(result.outcome).toBe('APPLIED');
      expect(records[0]?.notes).toContain('exemption "EX-104" expired on 2020-01-01T00:00:00Z: ignored');
    });

    it('ignores an exemption longer than the maximum and a malformed one, and says so', async () => {
      // Prepare
      statefulGroup([OPEN]);
      const far = new Date(Date.now() + 400 * 86400_000).toISOString();
      const value = JSON.stringify([
        ...JSON.parse(register(far)),
        { id: 'EX-9', resourceId: GROUP, reason: 'x' },
      ]);
      ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/airlock/exemptions', Value: value } });
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(sshEvent(), revokeOpenSsh, withRegister(records));

      // Assess
      expect(result.outcome).toBe('APPLIED');
      expect(records[0]?.notes.join('\n')).toMatch(/EX-104" runs longer than the 90-day maximum: ignored/);
      expect(records[0]?.notes.join('\n')).toMatch(/EX-9" is malformed/);
    });

    it('fails closed when the register cannot be read: acts, and records why', async () => {
      statefulGroup([OPEN]);
      ssm.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
      const records: AuditRecord[] = [];
      const result = await runPipeline(sshEvent(), revokeOpenSsh, withRegister(records, 'act'));
      expect(result.outcome).toBe('APPLIED');
      expect(records[0]?.notes.join('\n')).toMatch(/exemption register could not be read/);
    });

    it('stops (FAILED, retryable) when the register cannot be read and settings say stop', async () => {
      statefulGroup([OPEN]);
      ssm.on(GetParameterCommand).rejects(new Error('AccessDeniedException'));
      const records: AuditRecord[] = [];
      await expect(
        runPipeline(sshEvent(), revokeOpenSsh, withRegister(records, 'stop')),
      ).rejects.toBeInstanceOf(RemediationFailedError);
      expect(records[0]?.outcome).toBe('FAILED');
      expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    });
  });

  it('suppresses writes to resources past the blast radius until reset', async () => {
    // Prepare
    const d = deps([], { settings: { blastRadius: { maxWrites: 2, windowSeconds: 300 } } });
    const outcomes: string[] = [];
    const group = (i: number) => `sg-0123456789abcde${i}0`;

    // Act
    for (let i = 0; i < 4; i++) {
      statefulGroupOn(ec2, [{ ...OPEN, GroupId: group(i) }], group(i));
      outcomes.push(
        (
          await runPipeline(
            sshEvent({ resourceId: group(i), orderingTimestamp: `2026-11-20T10:0${i}:00.000Z` }),
            revokeOpenSsh,
            d,
          )
        ).outcome,
      );
    }
    await d.breaker.reset({ remediation: 'revoke-open-ssh', account: '111122223333' });
    statefulGroupOn(ec2, [{ ...OPEN, GroupId: group(4) }], group(4));
    outcomes.push(
      (
        await runPipeline(
          sshEvent({ resourceId: group(4), orderingTimestamp: '2026-11-20T10:09:00.000Z' }),
          revokeOpenSsh,
          d,
        )
      ).outcome,
    );

    // Assess
    expect(outcomes).toEqual(['APPLIED', 'APPLIED', 'SUPPRESSED', 'SUPPRESSED', 'APPLIED']);
  });

  describe('bad input', () => {
    const hostile: [string, unknown][] = [
      ['path traversal in the resource id', sshEvent({ resourceId: '../../../etc/passwd' })],
      ['a shell metacharacter resource id', sshEvent({ resourceId: 'sg-0123$(reboot)' })],
      ['a 1 MB resource id', sshEvent({ resourceId: `sg-${'a'.repeat(1024 * 1024)}` })],
      ['a control character in the id', sshEvent({ resourceId: 'sg-01234567\u0000' })],
      ['a unicode look-alike id', sshEvent({ resourceId: 'sg-0123456789abcdeｆ0' })],
      [
        'another resource type',
        sshEvent({ resourceType: 'AWS::EC2::Instance', resourceId: 'i-0123456789abcdef0' }),
      ],
      ['a rule it does not act on', sshEvent({ rule: 'vpc-flow-logs-enabled' })],
      ['a wrong account id', sshEvent({ account: '12345' })],
      ['a string detail', { ...sshEvent(), detail: 'NON_COMPLIANT' }],
      ['a numeric resource id', { ...sshEvent(), detail: { ...sshEvent().detail, resourceId: 12 } }],
      [
        'a missing evaluation result',
        { ...sshEvent(), detail: { ...sshEvent().detail, newEvaluationResult: null } },
      ],
      [
        'an inconsistent qualifier',
        { ...sshEvent(), detail: { ...sshEvent().detail, resourceId: 'sg-0fedcba9876543210' } },
      ],
      ['malformed JSON', '{"detail-type": "Config Rules Compliance Change",'],
      ['null', null],
      ['an array', [sshEvent()]],
      ['a number', 42],
      [
        'a deeply nested payload',
        (() => {
          let o: Record<string, unknown> = {};
          const root = o;
          for (let i = 0; i < 5000; i++) {
            o.a = {};
            o = o.a as Record<string, unknown>;
          }
          return { ...sshEvent(), extra: root };
        })(),
      ],
      [
        'a prototype-polluting payload',
        JSON.parse(`{"__proto__": {"polluted": true}, "detail-type": "Config Rules Compliance Change"}`),
      ],
    ];

    it.each(hostile)('rejects %s with a reason, zero AWS calls and no crash', async (_name, event) => {
      // Prepare
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(event, revokeOpenSsh, deps(records));

      // Assess
      expect(result.outcome).toBe('REJECTED');
      expect(result.reason.length).toBeGreaterThan(10);
      expect(totalCalls()).toBe(0);
      expect(records).toHaveLength(1);
      expect(JSON.stringify(records[0]).length).toBeLessThan(20_000);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each(
      [
        ...listRealWorld('events/config-rules-compliance-change').map(
          (f) => `events/config-rules-compliance-change/${f}`,
        ),
        ...listRealWorld('events/other-eventbridge').map((f) => `events/other-eventbridge/${f}`),
        ...listRealWorld('events/config-configuration-item-change').map(
          (f) => `events/config-configuration-item-change/${f}`,
        ),
        ...listRealWorld('events/config-rule-lambda-invocation').map(
          (f) => `events/config-rule-lambda-invocation/${f}`,
        ),
        ...listRealWorld('events/sns-wrapped').map((f) => `events/sns-wrapped/${f}`),
      ].map((f) => [f]),
    )('rejects or ignores the unrelated real event %s without any AWS call', async (file) => {
      // Prepare
      const event = loadRealWorld(file);

      // Act
      const result = await runPipeline(event, revokeOpenSsh, deps([]));

      // Assess
      expect(['REJECTED', 'NOOP']).toContain(result.outcome);
      expect(totalCalls()).toBe(0);
    });

    it('rejects a malformed event without reading the settings', async () => {
      // Prepare: settings that cannot be read (a cold Parameter Store cache, throttled)
      const records: AuditRecord[] = [];
      let reads = 0;
      const d = {
        ...deps(records),
        settings: async () => {
          reads++;
          throw new Error('ThrottlingException');
        },
      };

      // Act
      const result = await runPipeline({ ...sshEvent(), detail: 'NON_COMPLIANT' }, revokeOpenSsh, d);

      // Assess
      expect(result.outcome).toBe('REJECTED');
      expect(reads).toBe(0);
      expect(records[0]).toMatchObject({ outcome: 'REJECTED', mode: 'dry-run', steps: [], notes: [] });
      expect(totalCalls()).toBe(0);
    });

    it('reads the settings before rejecting what they decide (a rule name they do not accept)', async () => {
      // Prepare
      const records: AuditRecord[] = [];
      const base = deps(records);
      let reads = 0;
      const d = {
        ...base,
        settings: async () => {
          reads++;
          return base.settings();
        },
      };

      // Act
      const result = await runPipeline(sshEvent({ rule: 'vpc-flow-logs-enabled' }), revokeOpenSsh, d);

      // Assess
      expect(result.outcome).toBe('REJECTED');
      expect(result.reason).toMatch(
        /^Config rule "vpc-flow-logs-enabled" is not one that revoke-open-ssh acts on/,
      );
      expect(reads).toBe(1);
      expect(records[0]?.mode).toBe('enforce');
    });

    it('explains a non-Config event in words', async () => {
      const result = await runPipeline(
        loadRealWorld('events/other-eventbridge/ec2-instance-state-change__with-replay-name.json'),
        revokeOpenSsh,
        deps([]),
      );
      expect(result.reason).toBe(
        'detail-type "EC2 Instance State-change Notification" is not "Config Rules Compliance Change": airlock only acts on Config compliance changes',
      );
    });
  });
});

describe('Function: runPipeline with idempotency on a real DynamoDB (dynalite)', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.close();
  });
  afterEach(() => ec2.reset());

  const idempotentDeps = (records: AuditRecord[]) =>
    deps(records, {
      clients: createClientFactory({ endpoints: { dynamodb: db.endpoint }, credentials: FAKE_CREDENTIALS }),
      settings: { table: db.table },
    });

  it('writes once for a duplicated event and returns the first result to the duplicate', async () => {
    // Prepare
    const group = statefulGroup([OPEN]);
    const records: AuditRecord[] = [];
    const d = idempotentDeps(records);
    const event = sshEvent({ orderingTimestamp: '2026-11-21T08:00:00.000Z' });

    // Act
    const first = await runPipeline(event, revokeOpenSsh, d);
    const reopened = statefulGroup([OPEN]); // the rule is back: only idempotency can stop a second write now
    const second = await runPipeline(structuredClone(event), revokeOpenSsh, idempotentDeps(records));

    // Assess
    expect(first.outcome).toBe('APPLIED');
    expect(group.rules()).toEqual([]);
    expect(second).toEqual(first);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(reopened.rules()).toEqual([OPEN]);
    expect(records).toHaveLength(1);
  });

  it('handles a new evaluation of the same resource as a new event', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const d = idempotentDeps([]);
    await runPipeline(sshEvent({ orderingTimestamp: '2026-11-21T09:00:00.000Z' }), revokeOpenSsh, d);
    statefulGroup([OPEN]);

    // Act
    const again = await runPipeline(
      sshEvent({ orderingTimestamp: '2026-11-21T09:30:00.000Z' }),
      revokeOpenSsh,
      d,
    );

    // Assess
    expect(again.outcome).toBe('APPLIED');
  });

  it('lets a failed invocation be retried (the in-progress record is released)', async () => {
    // Prepare
    statefulGroup([OPEN]);
    ec2.on(RevokeSecurityGroupIngressCommand).rejectsOnce(
      new EC2ServiceException({
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
        message: 'oops',
      }),
    );
    const records: AuditRecord[] = [];
    const d = idempotentDeps(records);
    const event = sshEvent({ orderingTimestamp: '2026-11-21T10:00:00.000Z' });

    // Act
    await expect(runPipeline(event, revokeOpenSsh, d)).rejects.toBeInstanceOf(RemediationFailedError);
    statefulGroup([OPEN]);
    const retry = await runPipeline(event, revokeOpenSsh, d);

    // Assess
    expect(retry.outcome).toBe('APPLIED');
    expect(records.map((r) => r.outcome)).toEqual(['FAILED', 'APPLIED']);
  });

  it('counts the blast radius in the table across containers', async () => {
    // Prepare
    const settings = { table: db.table, blastRadius: { maxWrites: 1, windowSeconds: 300 } };
    const mk = () =>
      deps([], {
        clients: createClientFactory({ endpoints: { dynamodb: db.endpoint }, credentials: FAKE_CREDENTIALS }),
        settings: { ...settings, allowedAccounts: ['222233334444'] },
      });
    const other = 'sg-0123456789abcdef1';
    statefulGroup([OPEN]);
    const a = await runPipeline(
      sshEvent({ account: '222233334444', orderingTimestamp: '2026-11-21T11:00:00.000Z' }),
      revokeOpenSsh,
      mk(),
    );
    statefulGroupOn(ec2, [{ ...OPEN, GroupId: other }], other);

    // Act
    const b = await runPipeline(
      sshEvent({ account: '222233334444', resourceId: other, orderingTimestamp: '2026-11-21T11:01:00.000Z' }),
      revokeOpenSsh,
      mk(),
    );
    const status = await mk().breaker.status();

    // Assess
    expect([a.outcome, b.outcome]).toEqual(['APPLIED', 'SUPPRESSED']);
    expect(status).toContainEqual(
      expect.objectContaining({ remediation: 'revoke-open-ssh', account: '222233334444', tripped: true }),
    );
  });
});
