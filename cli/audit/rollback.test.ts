import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { verifyRecordDigest } from '../../shared/audit-record.js';
import { fileSink, s3Sink, writeToSinks } from '../../shared/audit-sinks.js';
import { createClientFactory } from '../../shared/clients.js';
import type { AnyRemediation } from '../../shared/remediation.js';
import { runOnce, sshEvent, tempDir } from '../../test/helpers/real-trail.js';
import {
  GROUP,
  OPEN as OPEN_RULE,
  PRIVATE as PRIVATE_RULE,
  statefulGroup,
} from '../../test/helpers/security-group.js';
import { simulatedBucket } from '../../test/helpers/simulated-bucket.js';
import { findRecord } from './find-record.js';
import { planRollback } from './rollback-plan.js';
import { runRollback } from './rollback-run.js';
import { sinkFor } from './source.js';
import { readTrailFile } from './trail-file.js';
import { verifyChain } from './verify-chain.js';
import { verifyS3Trail } from './verify-s3.js';

const ec2 = mockClient(EC2Client);
const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const target = () => ({
  clients: createClientFactory({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  }),
  logger,
});
const withoutIds = (rules: readonly SecurityGroupRule[]) =>
  rules
    .map(({ SecurityGroupRuleId: _id, ...rest }) => rest)
    .sort((a, b) => (a.CidrIpv4! < b.CidrIpv4! ? -1 : 1));

let trail: string;
let group: ReturnType<typeof statefulGroup>;
let applied: AuditRecord;

beforeEach(async () => {
  ec2.reset();
  trail = join(tempDir(), 'trail.ndjson');
  group = statefulGroup(ec2, [OPEN_RULE, PRIVATE_RULE]);
  applied = await runOnce(trail, sshEvent());
});

describe('Function: planRollback + runRollback', () => {
  it('restores the revoked rule with one write per undo step and records APPLIED, linked to the original', async () => {
    // Prepare
    expect(applied.outcome).toBe('APPLIED');
    expect(group.rules()).toEqual([PRIVATE_RULE]);
    ec2.resetHistory();

    // Act
    const plan = await planRollback(applied, target());
    const result = await runRollback(plan, { mode: 'apply', force: false, operator: 'alice' });
    await fileSink(trail).write(result.record);

    // Assess
    expect(plan.refusals).toEqual([]);
    expect(withoutIds(group.rules())).toEqual(withoutIds([OPEN_RULE, PRIVATE_RULE]));
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(result.record).toMatchObject({
      trigger: 'rollback',
      mode: 'enforce',
      outcome: 'APPLIED',
      links: { rollbackOf: applied.id },
      actor: { type: 'operator', name: 'alice' },
      resource: { id: GROUP },
      steps: [
        {
          action: 'ec2:AuthorizeSecurityGroupIngress',
          result: 'applied',
          input: {
            GroupId: GROUP,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          },
          undo: [{ action: 'ec2:RevokeSecurityGroupIngress', input: applied.steps[0]!.input }],
        },
      ],
    });
    expect(verifyRecordDigest(result.record)).toBe(true);
    const written = await readTrailFile(trail);
    expect(written.entries.map((e) => e.record.id)).toEqual([applied.id, result.record.id]);
    expect(verifyChain(written).problems).toEqual([]);
  });

  it('plans without writing anything and records PLANNED', async () => {
    // Prepare
    ec2.resetHistory();

    // Act
    const result = await runRollback(await planRollback(applied, target()), {
      mode: 'plan',
      force: false,
      operator: 'alice',
    });

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(result.record.mode).toBe('plan');
    expect(result.record.steps.map((s) => s.result)).toEqual(['planned']);
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(group.rules()).toEqual([PRIVATE_RULE]);
  });

  it('counts an "already done" error as done (the rule is already back)', async () => {
    // Prepare
    group.set([OPEN_RULE, PRIVATE_RULE]);

    // Act
    const result = await runRollback(await planRollback(applied, target()), {
      mode: 'apply',
      force: false,
      operator: 'alice',
    });

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(result.record.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'InvalidPermission.Duplicate' },
    });
  });

  it('records FAILED with the error when an undo step fails', async () => {
    // Prepare
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(
      new EC2ServiceException({
        name: 'RulesPerSecurityGroupLimitExceeded',
        $fault: 'client',
        $metadata: {},
        message: 'limit',
      }),
    );

    // Act
    const result = await runRollback(await planRollback(applied, target()), {
      mode: 'apply',
      force: false,
      operator: 'alice',
    });

    // Assess
    expect(result.outcome).toBe('FAILED');
    expect(result.reason).toContain('RulesPerSecurityGroupLimitExceeded');
    expect(result.record.steps[0]!.result).toBe('failed');
  });

  it('refuses when the resource is gone, and writes nothing', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
    ec2.on(DescribeSecurityGroupsCommand).rejects(
      new EC2ServiceException({
        name: 'InvalidGroup.NotFound',
        $fault: 'client',
        $metadata: {},
        message: 'gone',
      }),
    );
    ec2.resetHistory();

    // Act
    const plan = await planRollback(applied, target());
    const result = await runRollback(plan, { mode: 'apply', force: false, operator: 'alice' });

    // Assess
    expect(plan.refusals).toEqual([`the resource ${GROUP} no longer exists`]);
    expect(result.outcome).toBe('FAILED');
    expect(result.reason).toMatch(
      /^rollback refused: the resource .* no longer exists \(use --force to override\)$/,
    );
    expect(result.record.steps.map((s) => s.result)).toEqual(['not-run']);
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('refuses a record that is not APPLIED, and one whose digest does not verify', async () => {
    // Prepare
    const noop = await runOnce(trail, sshEvent({ id: 'second' }));
    const altered = { ...applied, reason: 'edited' };

    // Act
    const a = await planRollback(noop, target());
    const b = await planRollback(altered, target());

    // Assess
    expect(noop.outcome).toBe('NOOP');
    expect(a.refusals).toContain(
      'the record is NOOP, not APPLIED: only an applied remediation is rolled back',
    );
    expect(b.refusals[0]).toMatch(/digest does not verify/);
  });

  it('refuses when the remediation says the resource changed in a way that conflicts, unless forced', async () => {
    // Prepare
    const conflicting: AnyRemediation = {
      ...revokeOpenSsh,
      undoConflict: (state) =>
        state !== undefined && typeof state === 'object' && (state as { rules: unknown[] }).rules.length === 0
          ? undefined
          : 'the group was changed since: a rule now allows 10.0.0.0/8',
    };
    const lookup = (id: string) => (id === revokeOpenSsh.id ? conflicting : undefined);

    // Act
    const plan = await planRollback(applied, target(), {}, lookup);
    const refused = await runRollback(plan, { mode: 'apply', force: false, operator: 'alice' });
    const forced = await runRollback(plan, { mode: 'apply', force: true, operator: 'alice' });

    // Assess
    expect(plan.refusals).toEqual([
      'step 1 (ec2:RevokeSecurityGroupIngress): the group was changed since: a rule now allows 10.0.0.0/8',
    ]);
    expect(refused.outcome).toBe('FAILED');
    expect(forced.outcome).toBe('APPLIED');
    expect(forced.record.notes[0]).toMatch(/^forced past: step 1/);
    expect(withoutIds(group.rules())).toEqual(withoutIds([OPEN_RULE, PRIVATE_RULE]));
  });

  it('refuses a second rollback of the same record', async () => {
    // Prepare
    const first = await runRollback(await planRollback(applied, target()), {
      mode: 'apply',
      force: false,
      operator: 'alice',
    });

    // Act
    const plan = await planRollback(applied, target(), { rolledBackBy: [first.record] });

    // Assess
    expect(plan.refusals).toContain(
      `the record was already rolled back by ${first.record.id} at ${first.record.time}`,
    );
    expect(readFileSync(trail, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('reads the record from the S3 trail and writes the rollback record there too', async () => {
    // Prepare
    const bucket = await simulatedBucket('acme-airlock-audit');
    const s3 = bucket.client();
    await s3Sink(s3, bucket.name).write(applied);
    const source = {
      kind: 's3' as const,
      trail: { s3, bucket: 'acme-airlock-audit', prefix: 'audit/' },
      clients: target().clients,
    };

    // Act
    const record = await findRecord(source, applied.id);
    const result = await runRollback(await planRollback(record, target()), {
      mode: 'apply',
      force: false,
      operator: 'alice',
    });
    const failures = await writeToSinks([sinkFor(source)], result.record);
    const report = await verifyS3Trail(source.trail, {}, Date.now());
    await bucket.close();

    // Assess
    expect(record).toEqual(applied);
    expect(result.outcome).toBe('APPLIED');
    expect(failures).toEqual([]);
    expect(report).toMatchObject({ objects: 2, problems: [] });
  });
});
