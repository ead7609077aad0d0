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
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { testContext } from '../../test/helpers/context.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { GROUP, OPEN, PRIVATE } from '../../test/helpers/security-group.js';
import { applySshStep } from './apply.js';
import { revokeOpenSsh } from './index.js';
import { ruleToIpPermission } from './ip-permissions.js';
import { type SshStep, undoSshStep } from './plan.js';

const ec2 = mockClient(EC2Client);

const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

/** A world-open rule whose range holds 22 and more: `reauthorize-remainder` keeps 0-21 and 23-65535. */
const WIDE: SecurityGroupRule = {
  ...OPEN,
  SecurityGroupRuleId: 'sgr-0cccccccccccccccc',
  FromPort: 0,
  ToPort: 65535,
};

/**
 * EC2 holding GROUP: revoking by rule id removes the rules, authorising adds one rule per permission.
 * `gone` lists the error a revoke meets when its rule is no longer there.
 */
function statefulGroup(initial: SecurityGroupRule[], gone = 'InvalidSecurityGroupRuleId.NotFound') {
  let rules = [...initial];
  let added = 0;
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async () => ({ SecurityGroupRules: rules }));
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (input: { SecurityGroupRuleIds?: string[] }) => {
    const ids = input.SecurityGroupRuleIds ?? [];
    if (!rules.some((r) => ids.includes(r.SecurityGroupRuleId!))) throw awsError(gone);
    rules = rules.filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    return { Return: true };
  });
  ec2
    .on(AuthorizeSecurityGroupIngressCommand)
    .callsFake(async (input: { IpPermissions: { FromPort: number; ToPort: number }[] }) => {
      for (const p of input.IpPermissions) {
        const id = `sgr-0d${String(++added).padStart(15, '0')}`;
        rules = [...rules, { ...OPEN, SecurityGroupRuleId: id, FromPort: p.FromPort, ToPort: p.ToPort }];
      }
      return { Return: true };
    });
  return {
    rules: () => rules,
    remove: (id: string) => {
      rules = rules.filter((r) => r.SecurityGroupRuleId !== id);
    },
  };
}

const event = () =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'airlock-restricted-ssh',
  });

function deps(records: AuditRecord[], settings: Record<string, unknown> = {}) {
  return createDeps('revoke-open-ssh', {
    env: {},
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...settings },
    onRecord: (r) => records.push(r),
  });
}
const REMAINDER = {
  remediations: { 'revoke-open-ssh': { settings: { portRangePolicy: 'reauthorize-remainder' } } },
};

beforeEach(() => {
  ec2.reset();
});

describe('Function: revoke-open-ssh through the pipeline', () => {
  it.each(['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'])(
    'counts a rule revoked by someone else meanwhile (%s) as done, and verifies the group compliant',
    async (code) => {
      // Prepare: the rule disappears between describe and revoke
      const group = statefulGroup([OPEN, PRIVATE], code);
      ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async () => {
        group.remove(OPEN.SecurityGroupRuleId!);
        throw awsError(code);
      });
      const records: AuditRecord[] = [];

      // Act
      const result = await runPipeline(event(), revokeOpenSsh, deps(records));

      // Assess
      expect(result.outcome).toBe('APPLIED');
      expect(group.rules()).toEqual([PRIVATE]);
      expect(records[0]).toMatchObject({
        outcome: 'APPLIED',
        steps: [{ api: 'RevokeSecurityGroupIngress', result: 'already-done', error: { name: code } }],
        verification: { status: 'compliant' },
      });
    },
  );

  it('counts a group deleted between describe and revoke (InvalidGroup.NotFound) as done, and says it is gone', async () => {
    // Prepare
    statefulGroup([OPEN]);
    let deleted = false;
    ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async () => {
      deleted = true;
      throw awsError('InvalidGroup.NotFound');
    });
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .callsFake(async () => ({ SecurityGroupRules: deleted ? [] : [OPEN] }));
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async () => {
      if (deleted) throw awsError('InvalidGroup.NotFound');
      return { SecurityGroups: [{ GroupId: GROUP }] };
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), revokeOpenSsh, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'InvalidGroup.NotFound' },
    });
    expect(records[0]?.verification).toMatchObject({
      status: 'compliant',
      detail: 'the resource no longer exists',
    });
  });

  it('counts a remainder already authorised (InvalidPermission.Duplicate) as done, then revokes the rule', async () => {
    // Prepare
    const group = statefulGroup([WIDE, PRIVATE]);
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.Duplicate'));
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), revokeOpenSsh, deps(records, REMAINDER));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(group.rules()).toEqual([PRIVATE]);
    expect(records[0]?.steps.map((s) => [s.api, s.result])).toEqual([
      ['AuthorizeSecurityGroupIngress', 'already-done'],
      ['AuthorizeSecurityGroupIngress', 'already-done'],
      ['RevokeSecurityGroupIngress', 'applied'],
    ]);
  });

  it('stops before the revoke when it may not authorise the remainder: nothing is cut, FAILED, retried', async () => {
    // Prepare: deployed with revoke-rule (no AuthorizeSecurityGroupIngress), switched at run time only
    const group = statefulGroup([WIDE]);
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation'));
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), revokeOpenSsh, deps(records, REMAINDER));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(group.rules()).toEqual([WIDE]);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(0);
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      steps: [
        { api: 'AuthorizeSecurityGroupIngress', result: 'failed', error: { name: 'UnauthorizedOperation' } },
        { result: 'not-run' },
        { result: 'not-run' },
      ],
    });
  });
});

describe('Function: applySshStep', () => {
  const ctx = () => testContext('revoke-open-ssh');
  const revoke: SshStep = {
    action: 'ec2:RevokeSecurityGroupIngress',
    input: { GroupId: GROUP, SecurityGroupRuleIds: [OPEN.SecurityGroupRuleId!] },
    reason: 'tcp 22 open to 0.0.0.0/0',
    before: { rule: OPEN, permission: ruleToIpPermission(OPEN) },
  };

  it('revokes by rule id with exactly one RevokeSecurityGroupIngress', async () => {
    // Prepare
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });

    // Act
    await applySshStep(revoke, ctx());

    // Assess
    expect(ec2.calls()).toHaveLength(1);
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      SecurityGroupRuleIds: [OPEN.SecurityGroupRuleId],
    });
  });

  it('re-authorises a revoked rule exactly as it was with one AuthorizeSecurityGroupIngress (undo)', async () => {
    // Prepare
    ec2.on(AuthorizeSecurityGroupIngressCommand).resolves({ Return: true });
    const [undo] = undoSshStep(revoke);

    // Act
    await applySshStep(undo!, ctx());

    // Assess
    expect(ec2.calls()).toHaveLength(1);
    expect(ec2.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: GROUP,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    });
  });

  it.each(['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound', 'InvalidGroup.NotFound'])(
    'passes %s on unchanged, an error the descriptor declares as already done',
    async (code) => {
      // Prepare
      ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError(code));

      // Act
      const error = await applySshStep(revoke, ctx()).catch((e: unknown) => e);

      // Assess
      expect((error as Error).name).toBe(code);
      expect(revokeOpenSsh.alreadyDoneErrors).toContain(code);
      expect(ec2.calls()).toHaveLength(1);
    },
  );

  it('passes a refusal on unchanged, an error the descriptor does not declare as done', async () => {
    // Prepare
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation'));

    // Act
    const error = await applySshStep(revoke, ctx()).catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe('UnauthorizedOperation');
    expect(revokeOpenSsh.alreadyDoneErrors).not.toContain('UnauthorizedOperation');
  });
});
