import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { createDeps } from '../shared/deps.js';
import { runPipeline } from '../shared/pipeline.js';
import { complianceEvent } from './helpers/events.js';

describe('Function: runPipeline (smoke)', () => {
  it('revokes an open SSH rule and verifies', async () => {
    const ec2 = mockClient(EC2Client);
    const open = {
      SecurityGroupRuleId: 'sgr-0aaa',
      GroupId: 'sg-0123456789abcdef0',
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '0.0.0.0/0',
    };
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolvesOnce({ SecurityGroupRules: [open] })
      .resolves({
        SecurityGroupRules: [{ ...open, CidrIpv4: '10.0.0.0/8', SecurityGroupRuleId: 'sgr-0bbb' }],
      });
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    const records: unknown[] = [];
    const deps = createDeps('revoke-open-ssh', {
      env: {},
      settings: { mode: 'enforce', allowedAccounts: ['*'] },
      onRecord: (r) => records.push(r),
    });
    const result = await runPipeline(
      complianceEvent({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-0123456789abcdef0',
        rule: 'restricted-ssh',
      }),
      revokeOpenSsh,
      deps,
    );
    expect(result.outcome).toBe('APPLIED');
    expect(ec2.commandCalls(RevokeSecurityGroupIngressCommand)).toHaveLength(1);
    ec2.restore();
  });
});
