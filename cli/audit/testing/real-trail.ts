import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EC2ClientResolvedConfig, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-ec2';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';
import { revokeOpenSsh } from '../../../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../../../shared/audit-record.js';
import { createClientFactory } from '../../../shared/clients.js';
import { createDeps } from '../../../shared/deps.js';
import { runPipeline } from '../../../shared/pipeline.js';
import { complianceEvent } from '../../../test/helpers/events.js';

/** The mocked EC2 client of a test (`mockClient(EC2Client)`). */
export type Ec2Mock = AwsStub<ServiceInputTypes, ServiceOutputTypes, EC2ClientResolvedConfig>;

/** Fake static credentials: the mocked clients never sign a real request. */
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

export const GROUP = 'sg-0123456789abcdef0';
export const OPEN_RULE: SecurityGroupRule = {
  SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa',
  GroupId: GROUP,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
};
export const PRIVATE_RULE: SecurityGroupRule = {
  ...OPEN_RULE,
  SecurityGroupRuleId: 'sgr-0bbbbbbbbbbbbbbbb',
  CidrIpv4: '10.0.0.0/8',
};

const notFound = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `${name}` });

/**
 * A mocked EC2 that behaves like the real thing for one security group: revoking by rule id removes
 * the rule, authorising an IpPermission adds a rule with a new id. Returns the live rules.
 */
export function statefulGroup(ec2: Ec2Mock, initial: SecurityGroupRule[], groupId = GROUP) {
  let rules = [...initial];
  let next = 1;
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async () => ({ SecurityGroupRules: rules }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async () => {
    if (!rules.length && initial.length === 0) throw notFound('InvalidGroup.NotFound');
    return { SecurityGroups: [{ GroupId: groupId }] };
  });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (input: { SecurityGroupRuleIds?: string[] }) => {
    const ids = input.SecurityGroupRuleIds ?? [];
    if (!rules.some((r) => ids.includes(r.SecurityGroupRuleId!)))
      throw notFound('InvalidPermission.NotFound');
    rules = rules.filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    return { Return: true };
  });
  ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(
    async (input: {
      IpPermissions?: {
        IpProtocol?: string;
        FromPort?: number;
        ToPort?: number;
        IpRanges?: { CidrIp?: string }[];
      }[];
    }) => {
      for (const p of input.IpPermissions ?? []) {
        for (const range of p.IpRanges ?? []) {
          const dup = rules.some(
            (r) =>
              r.CidrIpv4 === range.CidrIp &&
              r.FromPort === p.FromPort &&
              r.ToPort === p.ToPort &&
              !r.IsEgress,
          );
          if (dup) throw notFound('InvalidPermission.Duplicate');
          rules.push({
            SecurityGroupRuleId: `sgr-0restored${String(next++).padStart(7, '0')}`,
            GroupId: groupId,
            IsEgress: false,
            IpProtocol: p.IpProtocol,
            FromPort: p.FromPort,
            ToPort: p.ToPort,
            CidrIpv4: range.CidrIp,
          });
        }
      }
      return { Return: true };
    },
  );
  return {
    rules: () => rules,
    set: (r: SecurityGroupRule[]) => {
      rules = [...r];
    },
  };
}

/** A temporary directory for a test's files. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'airlock-audit-'));
}

/** Runs one event through the real pipeline, recording to `trail`; FAILED runs throw, which is fine here. */
export async function runOnce(
  trail: string,
  event: unknown,
  options: { mode?: 'enforce' | 'dry-run'; now?: () => number; exemptionsParameter?: string } = {},
): Promise<AuditRecord> {
  const records: AuditRecord[] = [];
  const deps = createDeps('revoke-open-ssh', {
    env: options.exemptionsParameter ? { AWS_REGION: 'eu-west-2' } : {},
    clients: createClientFactory({ credentials: CREDENTIALS, maxAttempts: 1 }),
    settings: {
      mode: options.mode ?? 'enforce',
      allowedAccounts: ['*'],
      audit: { file: trail },
      ...(options.exemptionsParameter ? { exemptions: { parameter: options.exemptionsParameter } } : {}),
    },
    onRecord: (r) => records.push(r),
    ...(options.now ? { now: options.now } : {}),
  });
  await runPipeline(event, revokeOpenSsh, deps).catch(() => undefined);
  if (records.length !== 1) throw new Error(`expected one record, got ${records.length}`);
  return records[0]!;
}

export const sshEvent = (overrides: Partial<Parameters<typeof complianceEvent>[0]> = {}) =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'restricted-ssh',
    ...overrides,
  });

/**
 * Builds a real trail by running the pipeline over several events: APPLIED, NOOP, PLANNED (dry-run),
 * FAILED (EC2 refuses), REJECTED (hostile resource id). Returns the records in file order.
 */
export async function buildRealTrail(ec2: Ec2Mock, trail: string): Promise<AuditRecord[]> {
  const records: AuditRecord[] = [];
  ec2.reset();
  const group = statefulGroup(ec2, [OPEN_RULE, PRIVATE_RULE]);
  records.push(await runOnce(trail, sshEvent({ id: 'evt-applied' })));
  records.push(await runOnce(trail, sshEvent({ id: 'evt-noop' })));
  group.set([OPEN_RULE, PRIVATE_RULE]);
  records.push(await runOnce(trail, sshEvent({ id: 'evt-planned' }), { mode: 'dry-run' }));
  ec2.on(RevokeSecurityGroupIngressCommand).rejects(notFound('UnauthorizedOperation'));
  records.push(
    await runOnce(trail, sshEvent({ id: 'evt-failed', account: '444455556666', region: 'eu-central-1' })),
  );
  records.push(
    await runOnce(trail, sshEvent({ id: 'evt-rejected', resourceId: 'sg-<script>alert(1)</script>' })),
  );
  ec2.reset();
  return records;
}
