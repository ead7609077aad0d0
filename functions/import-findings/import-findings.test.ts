import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEventDetail } from '../../shared/audit-publish.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { AuditWriteError, EventRejectedError } from '../../shared/errors.js';
import { sampleRecord } from '../../test/helpers/audit-records.js';
import { handler } from './handler.js';

const HOME = '111122223333';
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const PRODUCT = `arn:aws:securityhub:eu-west-2:${HOME}:product/${HOME}/default`;
const context = {
  functionName: 'airlock-import-findings',
  invokedFunctionArn: `arn:aws:lambda:eu-west-2:${HOME}:function:airlock-import-findings`,
  awsRequestId: 'r-1',
} as Context;

const applied = sampleRecord({
  id: '0190f3a2-7b1c-7def-8abc-0123456789a1',
  mode: 'enforce',
  outcome: 'APPLIED',
  rule: 'restricted-ssh',
  account: '444455556666',
  resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
  reason: '1 step applied',
});
const failed = sampleRecord({ ...applied, id: '0190f3a2-7b1c-7def-8abc-0123456789a2', outcome: 'FAILED' });

/** The event EventBridge delivers for a published record (the bus rule's target input). */
function auditEvent(record: AuditRecord, changes: Record<string, unknown> = {}) {
  return {
    version: '0',
    id: 'c0ffee00-0000-4000-8000-000000000001',
    'detail-type': 'airlock audit record',
    source: 'airlock',
    account: HOME,
    time: record.time.replace(/\.\d{3}Z$/, 'Z'),
    region: 'eu-west-2',
    resources: [],
    detail: JSON.parse(JSON.stringify(auditEventDetail(record))),
    ...changes,
  };
}

const hub = mockClient(SecurityHubClient);
beforeEach(() => {
  process.env.AWS_REGION = 'eu-west-2';
  process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'x';
});
afterEach(() => hub.reset());

const imported = () => hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings!);

describe('Function: import-findings handler', () => {
  it('imports an APPLIED record as RESOLVED/PASSED under the account default product', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });

    // Act
    const report = await handler(auditEvent(applied), context);

    // Assess
    expect(report).toEqual({ imported: `airlock/${applied.id}`, record: applied.id });
    const [findings] = imported();
    expect(findings).toHaveLength(1);
    expect(findings![0]).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: `airlock/${applied.id}`,
      ProductArn: PRODUCT,
      GeneratorId: 'airlock/revoke-open-ssh',
      // the importing account: Security Hub refuses another one under the default product
      AwsAccountId: HOME,
      Types: ['Software and Configuration Checks/AWS Security Best Practices'],
      CreatedAt: applied.time,
      UpdatedAt: applied.time,
      Severity: { Label: 'INFORMATIONAL' },
      Resources: [{ Type: 'AwsEc2SecurityGroup', Id: GROUP, Region: 'eu-west-2' }],
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      ProductFields: {
        'airlock/recordId': applied.id,
        'airlock/digest': applied.digest.value,
        'airlock/account': '444455556666',
      },
    });
  });

  it('imports a FAILED record as NEW/FAILED with severity HIGH', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });

    // Act
    await handler(auditEvent(failed), context);

    // Assess
    expect(imported()[0]![0]).toMatchObject({
      Id: `airlock/${failed.id}`,
      Severity: { Label: 'HIGH' },
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
    });
  });

  it('imports the same finding (same id, same content) when a record is delivered twice', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] });

    // Act
    await handler(auditEvent(applied), context);
    await handler(auditEvent(applied, { id: 'c0ffee00-0000-4000-8000-000000000002' }), context);

    // Assess
    const [first, second] = imported();
    expect(second).toEqual(first);
  });

  it('fails the invocation (retried) when Security Hub refuses the finding', async () => {
    // Prepare: BatchImportFindings answers 200 with the refusal in the body
    hub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [
        {
          Id: `airlock/${applied.id}`,
          ErrorCode: 'InvalidAccess',
          ErrorMessage: 'Security Hub is not enabled',
        },
      ],
    });

    // Act
    const run = handler(auditEvent(applied), context);

    // Assess
    await expect(run).rejects.toThrow(AuditWriteError);
    await expect(run).rejects.toThrow('InvalidAccess: Security Hub is not enabled');
  });

  it('skips rollbacks and outcomes that are not APPLIED or FAILED, without a call', async () => {
    // Prepare
    const rollback = sampleRecord({ ...applied, trigger: 'rollback', links: { rollbackOf: failed.id } });
    const noop = sampleRecord({ ...applied, outcome: 'NOOP' });

    // Act
    const reports = [await handler(auditEvent(rollback), context), await handler(auditEvent(noop), context)];

    // Assess
    expect(reports).toEqual([
      { skipped: 'rollback APPLIED', record: applied.id },
      { skipped: 'remediation NOOP', record: applied.id },
    ]);
    expect(imported()).toEqual([]);
  });

  it.each([
    ['another source', { source: 'airlock.forged' }, 'source'],
    ['another detail-type', { 'detail-type': 'airlock audit' }, 'detail-type'],
    ['an event published by another account', { account: '999988887777' }, 'account 999988887777'],
    ['a detail without a digest', { detail: { ...auditEventDetail(applied), digest: undefined } }, 'digest'],
    ['a malformed outcome', { detail: { ...auditEventDetail(applied), outcome: 'FIXED' } }, 'outcome'],
  ])('refuses %s before any call', async (_name, changes, problem) => {
    // Act
    const run = handler(auditEvent(applied, changes), context);

    // Assess
    await expect(run).rejects.toThrow(EventRejectedError);
    await expect(run).rejects.toThrow(problem);
    expect(hub.calls()).toHaveLength(0);
  });
});
