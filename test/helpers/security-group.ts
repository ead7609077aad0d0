import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2ClientResolvedConfig,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';

/** The group the pipeline tests act on, its world-open SSH rule and a private-range look-alike. */
export const GROUP = 'sg-0123456789abcdef0';
export const OPEN: SecurityGroupRule = {
  SecurityGroupRuleId: 'sgr-0aaaaaaaaaaaaaaaa',
  GroupId: GROUP,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 22,
  ToPort: 22,
  CidrIpv4: '0.0.0.0/0',
};
export const PRIVATE: SecurityGroupRule = {
  ...OPEN,
  SecurityGroupRuleId: 'sgr-0bbbbbbbbbbbbbbbb',
  CidrIpv4: '10.0.0.0/8',
};

/**
 * The eight CIDRs from `0.0.0.0/5` to `128.0.0.0/1`: every IPv4 address but `10.0.0.0/8`, so every
 * public one. The sidestep `INCOMING_SSH_DISABLED` passes; the demo plants the same group.
 */
export { ALL_BUT_TEN } from '../../functions/revoke-open-ssh/demo.js';

// biome-ignore lint/suspicious/noExplicitAny: the stub's input and output types are the EC2 client's own
type Ec2Stub = AwsStub<any, any, EC2ClientResolvedConfig>;

/** An EC2 service error as the SDK raises it (`InvalidPermission.NotFound`, `UnauthorizedOperation`). */
export const ec2Error = (name: string, message = name) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

type Permission = {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string }[];
};

/**
 * EC2 (an aws-sdk-client-mock stub) behaving like the real thing for one group: revoking by rule id
 * removes the rule (`InvalidPermission.NotFound` when none matches), authorising a CIDR adds a rule
 * with a new id (`InvalidPermission.Duplicate` when it exists). `rules()` reads the live rules, `set`
 * replaces them. For EC2's full behaviour, use the simulated account (`cli/sim`).
 */
export function statefulGroup(ec2: Ec2Stub, initial: SecurityGroupRule[], groupId = GROUP) {
  let rules = [...initial];
  let restored = 0;
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async () => ({ SecurityGroupRules: rules }));
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: groupId }] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (input: { SecurityGroupRuleIds?: string[] }) => {
    const ids = input.SecurityGroupRuleIds ?? [];
    if (!rules.some((r) => ids.includes(r.SecurityGroupRuleId!))) {
      throw ec2Error('InvalidPermission.NotFound', 'not found');
    }
    rules = rules.filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    return { Return: true };
  });
  ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(async (input: { IpPermissions?: Permission[] }) => {
    for (const p of input.IpPermissions ?? []) {
      for (const range of p.IpRanges ?? []) {
        const same = (r: SecurityGroupRule) =>
          !r.IsEgress && r.CidrIpv4 === range.CidrIp && r.FromPort === p.FromPort && r.ToPort === p.ToPort;
        if (rules.some(same)) throw ec2Error('InvalidPermission.Duplicate');
        rules.push({
          SecurityGroupRuleId: `sgr-0restored${String(++restored).padStart(7, '0')}`,
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
  });
  return {
    rules: () => rules,
    set: (next: SecurityGroupRule[]) => {
      rules = [...next];
    },
  };
}
