import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { verifyRecordDigest } from '../shared/audit-record.js';
import { createDeps } from '../shared/deps.js';
import { runPipeline } from '../shared/pipeline.js';
import { parseSettings, settingsFromEnv } from '../shared/settings.js';
import { complianceEvent } from './helpers/events.js';

const HOME = '111122223333';
const MEMBER = '444455556666';
const GROUP = 'sg-0123456789abcdef0';
const OPEN: SecurityGroupRule = {
  SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa',
  GroupId: GROUP,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
};
const ENV = {
  AWS_REGION: 'eu-west-2',
  AIRLOCK_MODE: 'enforce',
  AIRLOCK_ALLOWED_ACCOUNTS: `${HOME},${MEMBER}`,
  AIRLOCK_MEMBER_ROLE_NAME: 'airlock-member',
  AIRLOCK_MEMBER_EXTERNAL_ID: 'airlock-o-a1b2c3d4e5',
  AIRLOCK_HOME_ACCOUNT: HOME,
};

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);

/** The access key each EC2 call was signed with, by account (resolved from the calling client's own credentials). */
let keysUsed: string[];

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAHOMEACCOUNTKEY00');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'home-secret');
  keysUsed = [];
  let rules = [OPEN];
  const signedBy = async (getClient: () => EC2Client) => {
    const credentials = await getClient().config.credentials();
    keysUsed.push(credentials.accessKeyId);
  };
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async (_input, getClient) => {
    await signedBy(getClient);
    return { SecurityGroupRules: rules };
  });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (_input, getClient) => {
    await signedBy(getClient);
    rules = [];
    return { Return: true };
  });
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAMEMBERROLEKEY000',
      SecretAccessKey: 'member-secret',
      SessionToken: 'member-token',
      Expiration: new Date(Date.now() + 3600_000),
    },
  });
});

afterEach(() => {
  ec2.reset();
  sts.reset();
  vi.unstubAllEnvs();
});

afterAll(() => {
  ec2.restore();
  sts.restore();
});

function deps(records: AuditRecord[]) {
  return createDeps('revoke-open-ssh', { env: ENV, onRecord: (r) => records.push(r) });
}

describe('Function: createDeps with a member role', () => {
  it('assumes the member role with the external id when the event comes from a member account', async () => {
    // Prepare
    const records: AuditRecord[] = [];
    const event = complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: GROUP,
      rule: 'restricted-ssh',
      account: MEMBER,
    });

    // Act
    const result = await runPipeline(event, revokeOpenSsh, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    const assumed = sts.commandCalls(AssumeRoleCommand);
    expect(assumed).toHaveLength(1);
    expect(assumed[0]?.args[0].input).toMatchObject({
      RoleArn: `arn:aws:iam::${MEMBER}:role/airlock-member`,
      ExternalId: 'airlock-o-a1b2c3d4e5',
    });
    expect(keysUsed.length).toBeGreaterThan(0);
    expect(new Set(keysUsed)).toEqual(new Set(['ASIAMEMBERROLEKEY000']));
    expect(records[0]?.account).toBe(MEMBER);
    expect(records[0]?.assumedRole).toBe(`arn:aws:iam::${MEMBER}:role/airlock-member`);
    expect(verifyRecordDigest(records[0]!)).toBe(true);
  });

  it('acts with its own credentials and records no assumed role when the event comes from the home account', async () => {
    // Prepare
    const records: AuditRecord[] = [];
    const event = complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: GROUP,
      rule: 'restricted-ssh',
      account: HOME,
    });

    // Act
    const result = await runPipeline(event, revokeOpenSsh, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(new Set(keysUsed)).toEqual(new Set(['AKIAHOMEACCOUNTKEY00']));
    expect(records[0]?.account).toBe(HOME);
    expect(records[0]).not.toHaveProperty('assumedRole');
  });

  it('assumes the role once per account across events (credentials cached)', async () => {
    // Prepare
    const built = deps([]);
    const event = (id: string) =>
      complianceEvent({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: GROUP,
        rule: 'restricted-ssh',
        account: MEMBER,
        id,
      });

    // Act
    await runPipeline(event('b1a9c0de-0000-4000-8000-000000000001'), revokeOpenSsh, built);
    await runPipeline(event('b1a9c0de-0000-4000-8000-000000000002'), revokeOpenSsh, built);

    // Assess
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });
});

describe('Function: settingsFromEnv (member role)', () => {
  it('maps the member role and home account variables to settings', () => {
    // Act
    const settings = parseSettings(settingsFromEnv(ENV));

    // Assess
    expect(settings.memberRole).toEqual({ name: 'airlock-member', externalId: 'airlock-o-a1b2c3d4e5' });
    expect(settings.homeAccount).toBe(HOME);
  });

  it('rejects a member role name that is not an IAM role name', () => {
    // Act + Assess
    expect(() => parseSettings(settingsFromEnv({ AIRLOCK_MEMBER_ROLE_NAME: 'airlock/member*' }))).toThrow(
      /memberRole\.name/,
    );
  });
});
