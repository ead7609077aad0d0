import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEvaluatorDeps, evaluateConfigRule } from '../../shared/config-rule-evaluator.js';
import { loadRealWorld } from '../../test/helpers/fixtures.js';
import { ALL_BUT_TEN, ec2Error, GROUP, OPEN, PRIVATE } from '../../test/helpers/security-group.js';
import { evaluateSecurityGroups } from './evaluate.js';

const ACCOUNT = '123456789012';
const FOLDER = 'events/config-rule-lambda-invocation';
const OTHER = 'sg-0fedcba9876543210';
const sshFrom = (cidr: string, i: number, group = GROUP): SecurityGroupRule => ({
  ...OPEN,
  GroupId: group,
  SecurityGroupRuleId: `sgr-0e${String(i).padStart(15, '0')}`,
  ...(cidr.includes(':') ? { CidrIpv4: undefined, CidrIpv6: cidr } : { CidrIpv4: cidr }),
});
const SIDESTEP = ALL_BUT_TEN.map((c, i) => sshFrom(c, i));

const ec2 = mockClient(EC2Client);
const config = mockClient(ConfigServiceClient);

type Invocation = Record<string, unknown> & { invokingEvent: string };
/** A real invocation payload, adapted: its account, and the configuration item's type, id and region. */
function invocation(file: string, resourceId = GROUP): Invocation {
  const raw = loadRealWorld<Invocation>(`${FOLDER}/${file}`);
  const event = JSON.parse(raw.invokingEvent) as Record<string, unknown>;
  if (event.configurationItem) {
    event.configurationItem = {
      ...(event.configurationItem as object),
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId,
      awsAccountId: ACCOUNT,
      awsRegion: 'eu-west-2',
    };
  }
  if (event.awsAccountId) event.awsAccountId = ACCOUNT;
  return {
    ...raw,
    accountId: ACCOUNT,
    configRuleArn: `arn:aws:config:eu-west-2:${ACCOUNT}:config-rule/config-rule-ssh001`,
    configRuleName: 'airlock-ssh-closed-to-internet',
    invokingEvent: JSON.stringify(event),
  };
}
const CHANGE = 'powertools__awsConfigRuleConfigurationChanged.json';
const SCHEDULED = 'powertools__awsConfigRuleScheduled.json';

/** The evaluator's dependencies; the deployment allows the account of the invocations. */
const deps = (env: Record<string, string> = {}) =>
  createEvaluatorDeps('evaluate-security-groups', { env: { AIRLOCK_ALLOWED_ACCOUNTS: ACCOUNT, ...env } });
const put = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);
const judged = () => put().map((e) => [e.ComplianceResourceId, e.ComplianceType]);

/** EC2 holding the groups and their rules (filtered by group id), and the prefix lists' entries. */
function groups(
  byGroup: Record<string, SecurityGroupRule[]>,
  prefixLists: Record<string, readonly string[]> = {},
) {
  ec2.on(DescribeSecurityGroupsCommand).callsFake(async (input: { GroupIds?: string[] }) => {
    const ids = input.GroupIds ?? Object.keys(byGroup);
    const known = ids.filter((id) => id in byGroup);
    if (known.length < ids.length) throw ec2Error('InvalidGroup.NotFound');
    return { SecurityGroups: known.map((GroupId) => ({ GroupId })) };
  });
  ec2
    .on(DescribeSecurityGroupRulesCommand)
    .callsFake(async (input: { Filters?: { Name: string; Values: string[] }[] }) => {
      const id = input.Filters?.find((f) => f.Name === 'group-id')?.Values[0] ?? '';
      return { SecurityGroupRules: byGroup[id] ?? [] };
    });
  ec2.on(GetManagedPrefixListEntriesCommand).callsFake(async (input: { PrefixListId: string }) => ({
    Entries: (prefixLists[input.PrefixListId] ?? []).map((Cidr) => ({ Cidr })),
  }));
}

beforeEach(() => {
  ec2.reset();
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

describe('Function: evaluate-security-groups', () => {
  it('reports NON_COMPLIANT for the eight CIDRs that skip 10.0.0.0/8, which INCOMING_SSH_DISABLED passes', async () => {
    // Prepare
    groups({ [GROUP]: [...SIDESTEP, PRIVATE] });

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps());

    // Assess
    expect(put()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::EC2::SecurityGroup',
        ComplianceResourceId: GROUP,
        ComplianceType: 'NON_COMPLIANT',
        Annotation: expect.stringMatching(/^SSH open to the internet: .*cover every public IPv4 address/),
      }),
    ]);
  });

  it('reports NON_COMPLIANT for SSH from 2000::/3, the whole IPv6 internet', async () => {
    groups({ [GROUP]: [sshFrom('2000::/3', 1)] });
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps());
    expect(judged()).toEqual([[GROUP, 'NON_COMPLIANT']]);
  });

  it('finds a cover hidden in a prefix list, which a change of the list alone would not signal', async () => {
    // Prepare
    const list: SecurityGroupRule = { ...OPEN, CidrIpv4: undefined, PrefixListId: 'pl-0aaaaaaaaaaaaaaaa' };
    groups({ [GROUP]: [list] }, { 'pl-0aaaaaaaaaaaaaaaa': ALL_BUT_TEN });

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps());

    // Assess
    expect(judged()).toEqual([[GROUP, 'NON_COMPLIANT']]);
  });

  it('reports COMPLIANT for look-alikes: SSH from private space, a cover with a public hole, port 2222', async () => {
    // Prepare
    const withHole = ALL_BUT_TEN.filter((c) => c !== '11.0.0.0/8').map((c, i) => sshFrom(c, i));
    const otherPort = { ...sshFrom('0.0.0.0/0', 20), FromPort: 2222, ToPort: 2222 };
    groups({ [GROUP]: [...withHole, PRIVATE, otherPort, sshFrom('fd00::/8', 21)] });

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps());

    // Assess
    expect(judged()).toEqual([[GROUP, 'COMPLIANT']]);
  });

  it('judges with the deployed publicSourcePolicy: any-public flags a single public /32', async () => {
    // Prepare
    groups({ [GROUP]: [sshFrom('203.0.114.7/32', 1)] });
    const env = {
      AIRLOCK_REMEDIATIONS: JSON.stringify({
        'revoke-open-ssh': { settings: { publicSourcePolicy: 'any-public' } },
      }),
    };

    // Act
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps(env));
    const strict = judged();
    config.resetHistory();
    await evaluateConfigRule(invocation(CHANGE), evaluateSecurityGroups, deps());

    // Assess
    expect(strict).toEqual([[GROUP, 'NON_COMPLIANT']]);
    expect(judged()).toEqual([[GROUP, 'COMPLIANT']]);
  });

  it('evaluates every group on schedule and reports a vanished one NOT_APPLICABLE', async () => {
    // Prepare
    groups({ [GROUP]: SIDESTEP, [OTHER]: [sshFrom('10.1.0.0/16', 1, OTHER)] });
    const gone = 'sg-0aaaaaaaaaaaaaaa0';
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [OTHER, gone].map((id) => ({
        EvaluationResultIdentifier: {
          EvaluationResultQualifier: { ResourceType: 'AWS::EC2::SecurityGroup', ResourceId: id },
        },
      })),
    });

    // Act
    await evaluateConfigRule(invocation(SCHEDULED), evaluateSecurityGroups, deps());

    // Assess
    expect(judged()).toEqual([
      [GROUP, 'NON_COMPLIANT'],
      [OTHER, 'COMPLIANT'],
      [gone, 'NOT_APPLICABLE'],
    ]);
  });

  it('declares exactly the read actions of its remediation plus the Config and settings actions', () => {
    expect(evaluateSecurityGroups.permissions).toEqual([
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:GetManagedPrefixListEntries',
      'config:PutEvaluations',
      'config:GetComplianceDetailsByConfigRule',
      'config:GetResourceConfigHistory',
      'ssm:GetParameter',
    ]);
  });
});
