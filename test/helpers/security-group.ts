import {
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

// biome-ignore lint/suspicious/noExplicitAny: the stub's input and output types are the EC2 client's own
type Ec2Stub = AwsStub<any, any, EC2ClientResolvedConfig>;

/** EC2 (an aws-sdk-client-mock stub) behaving like the real thing for one group: revoking removes the rule. */
export function statefulGroup(ec2: Ec2Stub, initial: SecurityGroupRule[]) {
  let rules = [...initial];
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(async () => ({ SecurityGroupRules: rules }));
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: GROUP }] });
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(async (input: { SecurityGroupRuleIds?: string[] }) => {
    const ids = input.SecurityGroupRuleIds ?? [];
    if (!rules.some((r) => ids.includes(r.SecurityGroupRuleId!))) {
      throw new EC2ServiceException({
        name: 'InvalidPermission.NotFound',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'not found',
      });
    }
    rules = rules.filter((r) => !ids.includes(r.SecurityGroupRuleId!));
    return { Return: true };
  });
  return { rules: () => rules };
}
