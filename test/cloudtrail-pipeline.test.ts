import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../functions/registry.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { verifyRecordDigest } from '../shared/audit-record.js';
import { createClientFactory } from '../shared/clients.js';
import { createDeps, type DepsOptions } from '../shared/deps.js';
import { runPipeline } from '../shared/pipeline.js';
import { FAKE_CREDENTIALS, startDynalite } from './helpers/dynalite.js';
import { complianceEvent } from './helpers/events.js';
import { loadFixture } from './helpers/fixtures.js';
import { remediationFixtures } from './helpers/remediation-fixtures.js';
import { GROUP, OPEN, PRIVATE, statefulGroup as statefulGroupOn } from './helpers/security-group.js';

const OWN_ROLE = 'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh';

type CloudTrailEvent = Record<string, unknown> & { detail: Record<string, unknown> };
const fixture = (name: string) => structuredClone(loadFixture<CloudTrailEvent>(`cloudtrail/${name}`));
const authorize = () => fixture('ec2__AuthorizeSecurityGroupIngress.json');
/** Every other remediation with a fast path, with the first event its folder lists. */
const FAILED_CALL_CASES = await Promise.all(
  REMEDIATIONS.filter((r) => r.cloudTrail && r !== revokeOpenSsh).map(async (r) => {
    const [first] = (await remediationFixtures(r.id)).cloudTrailEvents ?? [];
    if (!first) throw new Error(`${r.id} has a CloudTrail trigger but lists no recorded event`);
    return [r.id, r, first.file] as const;
  }),
);

const ec2 = mockClient(EC2Client);
const s3 = mockClient(S3Client);
const ssm = mockClient(SSMClient);
const eks = mockClient(EKSClient);
const totalCalls = () => ec2.calls().length + s3.calls().length + ssm.calls().length + eks.calls().length;

const statefulGroup = (initial: SecurityGroupRule[]) => statefulGroupOn(ec2, initial);

function deps(records: AuditRecord[], options: DepsOptions = {}) {
  return createDeps('revoke-open-ssh', {
    env: { AWS_REGION: 'eu-west-2', ...(options.env ?? {}) },
    ...options,
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...(options.settings ?? {}) },
    onRecord: (r) => records.push(r),
  });
}

beforeEach(() => {
  ec2.reset();
  s3.reset();
  ssm.reset();
  eks.reset();
});

describe('Function: runPipeline on CloudTrail events (the fast path)', () => {
  it('remediates on the API call, records who made it, and a later Config event for the group ends NOOP', async () => {
    // Prepare
    const group = statefulGroup([OPEN, PRIVATE]);
    const records: AuditRecord[] = [];
    const d = deps(records);

    // Act
    const fast = await runPipeline(authorize(), revokeOpenSsh, d);
    const late = await runPipeline(
      complianceEvent({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: GROUP, rule: 'restricted-ssh' }),
      revokeOpenSsh,
      d,
    );

    // Assess
    expect(fast.outcome).toBe('APPLIED');
    expect(group.rules()).toEqual([PRIVATE]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: [OPEN.SecurityGroupRuleId],
    });
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      trigger: 'cloudtrail',
      rule: 'cloudtrail:AuthorizeSecurityGroupIngress',
      resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
      verification: { status: 'compliant' },
      event: {
        detailType: 'AWS API Call via CloudTrail',
        source: 'aws.ec2',
        evaluationTime: '2026-11-20T10:00:00Z#6c2d9f0e-1111-4a2b-9c3d-000000000003',
        apiCall: {
          eventSource: 'ec2.amazonaws.com',
          eventName: 'AuthorizeSecurityGroupIngress',
          eventId: '6c2d9f0e-1111-4a2b-9c3d-000000000003',
          principal: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/alice',
          principalType: 'AssumedRole',
          issuer: 'arn:aws:iam::111122223333:role/PlatformAdmin',
          sourceIp: '198.51.100.24',
        },
      },
    });
    expect(records[0]?.event.apiCall).not.toHaveProperty('resourceIds');
    expect(verifyRecordDigest(records[0]!)).toBe(true);
    expect(late.outcome).toBe('NOOP');
    expect(records[1]).toMatchObject({ outcome: 'NOOP', trigger: 'config' });
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
  });

  it('plans only, from a CloudTrail event, in dry-run mode', async () => {
    statefulGroup([OPEN]);
    const result = await runPipeline(authorize(), revokeOpenSsh, deps([], { settings: { mode: 'dry-run' } }));
    expect(result.outcome).toBe('PLANNED');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
  });

  it('records NOOP with zero AWS calls for a call that failed', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(
      fixture('ec2__AuthorizeSecurityGroupIngress__failed.json'),
      revokeOpenSsh,
      deps(records),
    );

    // Assess
    expect(result).toMatchObject({
      outcome: 'NOOP',
      reason: 'the call failed (Client.UnauthorizedOperation): nothing changed',
    });
    expect(totalCalls()).toBe(0);
    expect(records[0]).toMatchObject({
      trigger: 'cloudtrail',
      resource: { id: GROUP },
      event: { apiCall: { errorCode: 'Client.UnauthorizedOperation' } },
    });
  });

  it('records NOOP with zero AWS calls for a failed call that names no group', async () => {
    // Prepare
    const event = fixture('ec2__AuthorizeSecurityGroupIngress__failed.json');
    event.detail.requestParameters = null;

    // Act
    const result = await runPipeline(event, revokeOpenSsh, deps([]));

    // Assess
    expect(result.outcome).toBe('NOOP');
    expect(totalCalls()).toBe(0);
  });

  it.each([
    ['its role ARN', { settings: { ownPrincipals: [OWN_ROLE] } }],
    [
      'its role ARN from AIRLOCK_OWN_PRINCIPALS',
      {
        env: {
          AIRLOCK_OWN_PRINCIPALS:
            'arn:aws:iam::111122223333:role/x, arn:aws:iam::111122223333:role/airlock-revoke-open-ssh',
        },
      },
    ],
  ] as [string, DepsOptions][])(
    'records NOOP with zero AWS calls for a call airlock made itself, known by %s',
    async (_name, options) => {
      // Prepare
      statefulGroup([OPEN]);
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(
        fixture('ec2__AuthorizeSecurityGroupIngress__airlock-own-role.json'),
        revokeOpenSsh,
        deps(records, options),
      );

      // Assess
      expect(result.outcome).toBe('NOOP');
      expect(result.reason).toMatch(
        /^made by airlock itself \(arn:aws:iam::111122223333:role\/airlock-revoke-open-ssh\)/,
      );
      expect(totalCalls()).toBe(0);
      expect(records[0]?.event.apiCall?.sourceIp).toBe('10.20.1.17');
    },
  );

  it("reads the group for airlock's own call when ownPrincipals does not name it", async () => {
    // Prepare
    statefulGroup([PRIVATE]);

    // Act
    const result = await runPipeline(
      fixture('ec2__AuthorizeSecurityGroupIngress__airlock-own-role.json'),
      revokeOpenSsh,
      deps([], { settings: { ownPrincipals: ['arn:aws:iam::111122223333:role/someone-else'] } }),
    );

    // Assess
    expect(result.outcome).toBe('NOOP');
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand).length).toBeGreaterThan(0);
  });

  it('acts on the first group a call names and notes the others', async () => {
    // Prepare
    statefulGroup([OPEN]);
    const event = authorize();
    const items = (
      event.detail.responseElements as { securityGroupRuleSet: { items: { groupId: string }[] } }
    ).securityGroupRuleSet.items;
    items.push({ ...items[0]!, groupId: 'sg-0fedcba9876543210' });
    const records: AuditRecord[] = [];

    // Act
    await runPipeline(event, revokeOpenSsh, deps(records));

    // Assess
    expect(records[0]?.resource.id).toBe(GROUP);
    expect(records[0]?.notes).toContain(
      'the call also named "sg-0fedcba9876543210": this event acts on "sg-0123456789abcdef0" only',
    );
  });

  it('rejects CloudTrail events for a remediation without a trigger, with zero AWS calls', async () => {
    const { cloudTrail: _c, ...withoutTrigger } = revokeOpenSsh;
    const records: AuditRecord[] = [];
    const result = await runPipeline(authorize(), withoutTrigger, deps(records));
    expect(result.outcome).toBe('REJECTED');
    expect(result.reason).toMatch(/no CloudTrail trigger/);
    expect(records[0]?.trigger).toBe('cloudtrail');
    expect(totalCalls()).toBe(0);
  });

  it('rejects a call from an account outside the allowlist, even a failed one', async () => {
    const result = await runPipeline(
      fixture('ec2__AuthorizeSecurityGroupIngress__failed.json'),
      revokeOpenSsh,
      deps([], { settings: { allowedAccounts: ['444455556666'] } }),
    );
    expect(result).toMatchObject({
      outcome: 'REJECTED',
      reason: "account 111122223333 is not in this deployment's allowlist",
    });
    expect(totalCalls()).toBe(0);
  });

  it.each(FAILED_CALL_CASES)(
    'ends a failed call NOOP with zero AWS calls for %s too',
    async (_id, remediation, file) => {
      // Prepare
      const event = fixture(file);
      event.detail.errorCode = 'AccessDenied';
      event.detail.errorMessage = 'Access Denied';
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(event, remediation, deps(records));

      // Assess
      expect(result).toMatchObject({
        outcome: 'NOOP',
        reason: 'the call failed (AccessDenied): nothing changed',
      });
      expect(records[0]).toMatchObject({
        trigger: 'cloudtrail',
        resource: { type: remediation.resourceType },
      });
      expect(records[0]?.resource.id).toBeDefined();
      expect(totalCalls()).toBe(0);
    },
  );

  describe('hostile CloudTrail events', () => {
    const withRequest = (requestParameters: unknown, responseElements: unknown = null) => {
      const e = authorize();
      e.detail.requestParameters = requestParameters;
      e.detail.responseElements = responseElements;
      return e;
    };
    const deep = (() => {
      let o: Record<string, unknown> = {};
      const root = o;
      for (let i = 0; i < 5000; i++) {
        o.a = {};
        o = o.a as Record<string, unknown>;
      }
      return root;
    })();
    const hostile: [string, () => unknown][] = [
      ['huge requestParameters', () => withRequest({ groupId: GROUP, padding: 'x'.repeat(300 * 1024) })],
      [
        'a huge JSON string',
        () => JSON.stringify(withRequest({ groupId: GROUP, padding: 'x'.repeat(300 * 1024) })),
      ],
      ['path traversal in the group id', () => withRequest({ groupId: '../../../etc/passwd' })],
      [
        'path traversal in the response only',
        () =>
          withRequest(
            { groupName: 'default' },
            { securityGroupRuleSet: { items: [{ groupId: 'sg-../../x' }] } },
          ),
      ],
      ['a shell metacharacter group id', () => withRequest({ groupId: 'sg-0123$(reboot)' })],
      ['a unicode look-alike group id', () => withRequest({ groupId: 'sg-0123456789abcdeｆ0' })],
      ['a group id that is an object', () => withRequest({ groupId: { $ne: null } })],
      ['requestParameters that are an array', () => withRequest([GROUP])],
      ['a deeply nested request with a bad id', () => withRequest({ groupId: 'sg-x', deep })],
      [
        'a 1 MB user agent',
        () => ({ ...authorize(), detail: { ...authorize().detail, userAgent: 'u'.repeat(1024 * 1024) } }),
      ],
      [
        'an event id with a path',
        () => ({ ...authorize(), detail: { ...authorize().detail, eventID: '../x' } }),
      ],
      ['a region that is not one', () => ({ ...authorize(), region: 'eu-west-2/../x' })],
      ['a detail that is a string', () => ({ ...authorize(), detail: 'AuthorizeSecurityGroupIngress' })],
      [
        'a prototype-polluting payload',
        () => JSON.parse(`{"__proto__": {"polluted": true}, "detail-type": "AWS API Call via CloudTrail"}`),
      ],
    ];

    it.each(hostile)('rejects %s with a reason, zero AWS calls and a small record', async (_name, event) => {
      // Prepare
      statefulGroup([OPEN]);
      ec2.resetHistory();
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(event(), revokeOpenSsh, deps(records));

      // Assess
      expect(result.outcome).toBe('REJECTED');
      expect(result.reason.length).toBeGreaterThan(10);
      expect(totalCalls()).toBe(0);
      expect(records).toHaveLength(1);
      expect(JSON.stringify(records[0]).length).toBeLessThan(20_000);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});

describe('Function: runPipeline on CloudTrail events with idempotency on a real DynamoDB (dynalite)', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.close();
  });

  const idempotentDeps = (records: AuditRecord[]) =>
    deps(records, {
      clients: createClientFactory({ endpoints: { dynamodb: db.endpoint }, credentials: FAKE_CREDENTIALS }),
      settings: { table: db.table },
    });

  it('writes once for a redelivered call, and again for a new call on the same group', async () => {
    // Prepare
    const records: AuditRecord[] = [];
    const first = authorize();
    first.detail.eventID = 'a0000000-0000-4000-8000-000000000001';
    const second = structuredClone(first);
    second.detail.eventID = 'a0000000-0000-4000-8000-000000000002';

    // Act
    statefulGroup([OPEN]);
    const a = await runPipeline(first, revokeOpenSsh, idempotentDeps(records));
    statefulGroup([OPEN]); // the rule is back: only idempotency can stop a second write for the same call
    const again = await runPipeline(structuredClone(first), revokeOpenSsh, idempotentDeps(records));
    const b = await runPipeline(second, revokeOpenSsh, idempotentDeps(records));

    // Assess
    expect(a.outcome).toBe('APPLIED');
    expect(again).toEqual(a);
    expect(b.outcome).toBe('APPLIED');
    expect(b.recordId).not.toBe(a.recordId);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(2);
    expect(records.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED']);
  });
});
