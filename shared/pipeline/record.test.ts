import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { type AuditRecord, verifyRecordDigest } from '../audit-record.js';
import type { AuditSink } from '../audit-sinks.js';
import { AuditWriteError, EventRejectedError, RemediationFailedError } from '../errors.js';
import { VERSION } from '../version.js';
import { buildRecord, type Run, recordStage } from './record.js';
import type { Subject } from './subject.js';
import { endWith, failWith, rejectWith, type Verdict } from './verdict.js';

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const ACTOR = { type: 'function', name: 'airlock-revoke-open-ssh' } as const;

/** A run that started at T0 and ends 42 ms later. */
const run = (): Run => ({ remediation: 'revoke-open-ssh', started: T0, now: () => T0 + 42 });

const subject: Subject = {
  trigger: 'cloudtrail',
  event: { id: 'e-1', source: 'aws.ec2', detailType: 'AWS API Call via CloudTrail' },
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0123456789abcdef0' },
  where: { rule: 'cloudtrail:AuthorizeSecurityGroupIngress', account: '111122223333', region: 'eu-west-2' },
  notes: ['the call also named "sg-0fedcba9876543210": this event acts on "sg-0123456789abcdef0" only'],
};

const step = {
  action: 'ec2:RevokeSecurityGroupIngress',
  api: 'RevokeSecurityGroupIngress',
  input: { GroupId: 'sg-0123456789abcdef0', SecurityGroupRuleIds: ['sgr-0aaaaaaaaaaaaaaaa'] },
  reason: 'tcp 22 open to 0.0.0.0/0',
  undo: [],
  result: 'applied' as const,
};

/** A sink that keeps what it is given, or fails. */
function sink(fail = false): AuditSink & { readonly written: AuditRecord[] } {
  const written: AuditRecord[] = [];
  return {
    name: 'memory',
    written,
    write: async (record: AuditRecord) => {
      if (fail) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
      written.push(record);
    },
  };
}

const deps = (sinks: AuditSink[], onRecord?: (r: AuditRecord) => void) => ({
  actor: ACTOR,
  sinks,
  logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  ...(onRecord ? { onRecord } : {}),
});

describe('Function: buildRecord', () => {
  it('builds the sealed record once, from the subject and the verdict', () => {
    // Prepare
    const verdict = endWith(
      { notes: ['plan note'], before: { rules: 1 } },
      'APPLIED',
      '1 step(s) applied, verified compliant',
      [step],
      { verification: { status: 'compliant' } },
    );

    // Act
    const record = buildRecord(run(), subject, 'enforce', verdict, ACTOR);

    // Assess
    expect(record).toMatchObject({
      schema: 'airlock.audit/v1',
      startedAt: '2026-11-30T10:00:00.000Z',
      time: '2026-11-30T10:00:00.042Z',
      durationMs: 42,
      actor: { ...ACTOR, version: VERSION },
      trigger: 'cloudtrail',
      event: subject.event,
      remediation: 'revoke-open-ssh',
      resource: subject.resource,
      mode: 'enforce',
      rule: 'cloudtrail:AuthorizeSecurityGroupIngress',
      account: '111122223333',
      region: 'eu-west-2',
      before: { rules: 1 },
      verification: { status: 'compliant' },
      outcome: 'APPLIED',
      reason: '1 step(s) applied, verified compliant',
      steps: [step],
      notes: [...subject.notes, 'plan note'],
    });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(record).not.toHaveProperty('error');
    expect(record).not.toHaveProperty('exemption');
    expect(verifyRecordDigest(record)).toBe(true);
  });

  it('records the error behind a FAILED verdict, and the reason when nothing was thrown', () => {
    // Prepare
    const thrown = failWith(
      { notes: [] },
      'could not read the resource',
      Object.assign(new Error('slow down'), { name: 'Throttling' }),
    );
    const nothingThrown = failWith({ notes: [] }, 'still non-compliant after apply', undefined);

    // Act
    const a = buildRecord(run(), subject, 'enforce', thrown, ACTOR);
    const b = buildRecord(run(), subject, 'enforce', nothingThrown, ACTOR);

    // Assess
    expect([a.reason, a.error]).toEqual([
      'could not read the resource: Throttling: slow down',
      { name: 'Throttling', message: 'slow down', retryable: true },
    ]);
    expect([b.reason, b.error]).toEqual([
      'still non-compliant after apply',
      { name: 'RemediationFailed', message: 'still non-compliant after apply', retryable: true },
    ]);
  });

  it('keeps no before when nothing was read, and the state before when it was', () => {
    const unread = buildRecord(run(), subject, 'dry-run', rejectWith(new EventRejectedError('bad')), ACTOR);
    const read = buildRecord(
      run(),
      subject,
      'dry-run',
      endWith({ notes: [], before: null }, 'NOOP', 'ok'),
      ACTOR,
    );
    expect(unread).not.toHaveProperty('before');
    expect(read.before).toBeNull();
  });
});

describe('Function: recordStage', () => {
  it('writes the record to every sink, hands it to onRecord and returns the result', async () => {
    // Prepare
    const a = sink();
    const b = sink();
    const seen: AuditRecord[] = [];

    // Act
    const result = await recordStage(
      run(),
      subject,
      'enforce',
      endWith({ notes: [] }, 'NOOP', 'nothing to do'),
      deps([a, b], (r) => seen.push(r)),
    );

    // Assess
    expect(result).toEqual({ recordId: seen[0]?.id, outcome: 'NOOP', reason: 'nothing to do' });
    expect(a.written).toEqual(seen);
    expect(b.written).toEqual(seen);
  });

  it('throws RemediationFailedError after writing a FAILED record, so that the event is retried', async () => {
    // Prepare
    const memory = sink();
    const cause = Object.assign(new Error('slow down'), { name: 'Throttling' });
    const verdict: Verdict = failWith({ notes: [] }, 'could not read the resource', cause);

    // Act
    const written = recordStage(run(), subject, 'enforce', verdict, deps([memory]));

    // Assess
    await expect(written).rejects.toBeInstanceOf(RemediationFailedError);
    await expect(written).rejects.toMatchObject({
      message: 'could not read the resource: Throttling: slow down',
      recordId: memory.written[0]?.id,
      retryable: true,
      cause,
    });
    expect(memory.written.map((r) => r.outcome)).toEqual(['FAILED']);
  });

  it('throws AuditWriteError naming the sink when a record cannot be written, and reports nothing', async () => {
    // Prepare
    const seen: AuditRecord[] = [];

    // Act
    const written = recordStage(
      run(),
      subject,
      'enforce',
      endWith({ notes: [] }, 'NOOP', 'x'),
      deps([sink(true)], (r) => seen.push(r)),
    );

    // Assess
    await expect(written).rejects.toBeInstanceOf(AuditWriteError);
    await expect(written).rejects.toThrow(/could not be written to memory \(AccessDenied\)/);
    expect(seen).toEqual([]);
  });
});

describe('Function: rejectWith', () => {
  it('keeps the reason of a rejection and explains any other error as unreadable input', () => {
    expect(rejectWith(new EventRejectedError('event is not valid JSON')).reason).toBe(
      'event is not valid JSON',
    );
    expect(rejectWith(new RangeError('Maximum call stack size exceeded')).reason).toBe(
      'event could not be read: Maximum call stack size exceeded',
    );
  });
});
