import { EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { sampleRecord } from '../test/helpers/audit-records.js';
import { sshEvent } from '../test/helpers/real-trail.js';
import { OPEN, PRIVATE, statefulGroup } from '../test/helpers/security-group.js';
import { asffFinding, asffResourceType, securityHubSink } from './audit-findings.js';
import { AUDIT_EVENT_DETAIL_TYPE, AUDIT_EVENT_SOURCE, eventBridgeSink } from './audit-publish.js';
import type { AuditRecord } from './audit-record.js';
import { createClientFactory } from './clients.js';
import { createDeps } from './deps.js';
import { AuditWriteError } from './errors.js';
import { runPipeline } from './pipeline.js';

const HOME = { account: '111122223333', region: 'eu-west-2' };
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const CREDENTIALS = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' };

const applied = sampleRecord({
  id: '0190f3a2-7b1c-7def-8abc-0123456789a1',
  mode: 'enforce',
  outcome: 'APPLIED',
  rule: 'restricted-ssh',
  resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
  reason: '1 step applied',
  signature: {
    algorithm: 'ECDSA_SHA_256',
    keyId: 'arn:aws:kms:eu-west-2:111122223333:key/k',
    value: 'MEUCIQ==',
  },
});
const failed = sampleRecord({
  ...applied,
  id: '0190f3a2-7b1c-7def-8abc-0123456789a2',
  outcome: 'FAILED',
  reason: 'denied',
});
const rollback = sampleRecord({
  ...applied,
  id: '0190f3a2-7b1c-7def-8abc-0123456789a3',
  trigger: 'rollback',
  links: { rollbackOf: applied.id },
});

const events = mockClient(EventBridgeClient);
const hub = mockClient(SecurityHubClient);
afterEach(() => {
  events.reset();
  hub.reset();
});

const publishedDetail = (i = 0) =>
  JSON.parse(events.commandCalls(PutEventsCommand)[i]!.args[0].input.Entries![0]!.Detail!) as Record<
    string,
    unknown
  >;

describe('Function: eventBridgeSink', () => {
  it('publishes each record with source airlock, a stable detail-type, and what a rule needs in detail', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    const sink = eventBridgeSink(async () => new EventBridgeClient({ region: HOME.region }), 'airlock-audit');

    // Act
    await sink.write(applied);
    await sink.write(rollback);

    // Assess
    const entry = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    expect(entry).toMatchObject({
      EventBusName: 'airlock-audit',
      Source: AUDIT_EVENT_SOURCE,
      DetailType: AUDIT_EVENT_DETAIL_TYPE,
      Time: new Date(applied.time),
    });
    expect(publishedDetail(0)).toEqual({
      id: applied.id,
      time: applied.time,
      kind: 'remediation',
      outcome: 'APPLIED',
      remediation: 'revoke-open-ssh',
      rule: 'restricted-ssh',
      account: '111122223333',
      region: 'eu-west-2',
      resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
      mode: 'enforce',
      trigger: 'config',
      reason: '1 step applied',
      digest: applied.digest.value,
      signature: applied.signature,
    });
    expect(publishedDetail(1)).toMatchObject({ kind: 'rollback', rollbackOf: applied.id });
  });

  it('fails the write when EventBridge refuses the entry', async () => {
    // Prepare
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }],
    });
    const sink = eventBridgeSink(async () => new EventBridgeClient({ region: HOME.region }), 'airlock-audit');

    // Act
    const write = sink.write(applied);

    // Assess
    await expect(write).rejects.toThrow(AuditWriteError);
    await expect(write).rejects.toThrow('AccessDeniedException: not allowed');
  });
});

describe('Function: securityHubSink', () => {
  it('imports an APPLIED remediation as a resolved, passed finding and a FAILED one as new, failed and high', async () => {
    // Prepare
    hub.on(BatchImportFindingsCommand).resolves({ FailedCount: 0, SuccessCount: 1 });
    const sink = securityHubSink(async () => new SecurityHubClient({ region: HOME.region }), HOME);

    // Act
    for (const r of [applied, failed, rollback, sampleRecord({ outcome: 'NOOP' })]) await sink.write(r);

    // Assess
    const findings = hub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings![0]!);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: `airlock/${applied.id}`,
      ProductArn: 'arn:aws:securityhub:eu-west-2:111122223333:product/111122223333/default',
      GeneratorId: 'airlock/revoke-open-ssh',
      AwsAccountId: '111122223333',
      Severity: { Label: 'INFORMATIONAL' },
      Resources: [{ Type: 'AwsEc2SecurityGroup', Id: GROUP, Region: 'eu-west-2' }],
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      ProductFields: { 'airlock/recordId': applied.id, 'airlock/digest': applied.digest.value },
    });
    expect(findings[1]).toMatchObject({
      Severity: { Label: 'HIGH' },
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
    });
  });

  it('names ASFF resource types, Other for those it has none for', () => {
    expect(asffResourceType('AWS::S3::Bucket')).toBe('AwsS3Bucket');
    expect(asffResourceType('AWS::EKS::Cluster')).toBe('AwsEksCluster');
    expect(asffResourceType('AWS::EC2::TransitGatewayRouteTable')).toBe('Other');
    expect(asffResourceType(undefined)).toBe('Other');
    expect(asffFinding(rollback, HOME)).toBeUndefined();
  });
});

describe('Function: the pipeline publishing its records (AIRLOCK_EVENT_BUS)', () => {
  it('publishes the record it wrote, signed fields and digest included', async () => {
    // Prepare
    const ec2 = mockClient(EC2Client);
    statefulGroup(ec2, [OPEN, PRIVATE]);
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
    const records: AuditRecord[] = [];
    const deps = createDeps(revokeOpenSsh.id, {
      env: { AWS_REGION: HOME.region, AIRLOCK_EVENT_BUS: 'airlock-audit' },
      clients: createClientFactory({ credentials: CREDENTIALS, maxAttempts: 1 }),
      settings: { mode: 'enforce', allowedAccounts: ['*'] },
      onRecord: (r) => records.push(r),
    });

    // Act
    await runPipeline(sshEvent({ account: HOME.account, region: HOME.region }), revokeOpenSsh, deps);

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['APPLIED']);
    expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(publishedDetail()).toMatchObject({
      id: records[0]!.id,
      outcome: 'APPLIED',
      resource: records[0]!.resource,
      digest: records[0]!.digest.value,
    });
    ec2.restore();
  });
});
