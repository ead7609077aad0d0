import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './synth-fixture.js';

// One synthesis with the options a platform sets: endpoints it already has, the prefix lists of its
// gateway endpoints, enforce mode, automatic remediation.
let s: Synthesized;

beforeAll(async () => {
  s = await synthesize({
    context: {
      createVpcEndpoints: 'false',
      s3PrefixListId: 'pl-7ca54015',
      dynamodbPrefixListId: 'pl-b3a742da',
      mode: 'enforce',
      automaticRemediation: 'true',
      auditRetentionDays: '3650',
      remediations: JSON.stringify({
        'revoke-open-ssh': { settings: { portRangePolicy: 'reauthorize-remainder' } },
      }),
    },
  });
}, 240_000);

describe('Function: AirlockStack (platform options)', () => {
  it('grants revoke-open-ssh AuthorizeSecurityGroupIngress when it re-authorises port-range remainders', () => {
    // Prepare
    const ssh = s.stack.remediationFunctions.get('revoke-open-ssh')!;
    const role = s.stack.getLogicalId(ssh.role.node.defaultChild as never);
    const policies = Object.values(s.template.findResources('AWS::IAM::ManagedPolicy')).filter((p) =>
      JSON.stringify(p.Properties.Roles ?? []).includes(`"${role}"`),
    );

    // Act
    const statements = policies.flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const authorize = statements.filter((st) =>
      [st.Action].flat().includes('ec2:AuthorizeSecurityGroupIngress'),
    );

    // Assess: on the same resources as the revoke, and the setting reaches the function
    expect(authorize.map((st) => [st.Action].flat().sort())).toEqual([
      ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
    ]);
    expect(authorize[0]?.Resource).toEqual([
      `arn:aws:ec2:${s.context.region}:${s.context.account}:security-group/*`,
      `arn:aws:ec2:${s.context.region}:${s.context.account}:security-group-rule/*`,
    ]);
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'airlock-revoke-open-ssh',
      Environment: {
        Variables: Match.objectLike({
          AIRLOCK_REMEDIATIONS: JSON.stringify({
            'revoke-open-ssh': { settings: { portRangePolicy: 'reauthorize-remainder' } },
          }),
        }),
      },
    });
  });

  it('creates no endpoint when the platform has them', () => {
    // Act & Assess
    expect(s.template.findResources('AWS::EC2::VPCEndpoint')).toEqual({});
  });

  it('lets the functions reach the S3 and DynamoDB gateway endpoints over HTTPS, and nothing else outside the VPC', () => {
    // Prepare
    const group = s.stack.getLogicalId(
      s.stack.node.findChild('FunctionSecurityGroup').node.defaultChild as never,
    );
    const inline = s.template.toJSON().Resources[group].Properties.SecurityGroupEgress as Record<
      string,
      unknown
    >[];
    const separate = Object.values(s.template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties as Record<string, unknown>)
      .filter((p) => JSON.stringify(p.GroupId).includes(group));

    // Act
    const targets = [...inline, ...separate].map((e) => [
      e.CidrIp ?? e.DestinationPrefixListId,
      e.IpProtocol,
      e.FromPort,
      e.ToPort,
    ]);

    // Assess
    expect(targets).toEqual([
      [s.context.vpcCidr, 'tcp', 443, 443],
      ['pl-7ca54015', 'tcp', 443, 443],
      ['pl-b3a742da', 'tcp', 443, 443],
    ]);
  });

  it('starts in the context mode and runs the Config remediations automatically when asked', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/airlock/settings',
      Value: '{"mode":"enforce"}',
    });
    const remediations = Object.values(s.template.findResources('AWS::Config::RemediationConfiguration'));
    expect(remediations.length).toBeGreaterThan(0);
    for (const r of remediations) {
      expect(r.Properties).toMatchObject({ Automatic: true, MaximumAutomaticAttempts: 3 });
    }
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } } },
    });
  });
});
