import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  environmentOf,
  flattenReferences,
  type Synthesized,
  synthesize,
} from '../test/helpers/synth-fixture.js';

// One synthesis with the options a platform sets: endpoints it already has (and where they are),
// enforce mode, automatic remediation, a longer retention, reserved concurrency, short retention.
let s: Synthesized;

beforeAll(async () => {
  s = await synthesize({
    context: {
      createVpcEndpoints: 'false',
      existingEndpointPeers: 'sg-0a1b2c3d4e5f60741,10.50.0.0/24',
      mode: 'enforce',
      automaticRemediation: 'true',
      auditRetentionDays: '3650',
      remediations: JSON.stringify({
        'revoke-open-ssh': { settings: { portRangePolicy: 'reauthorize-remainder' } },
      }),
      auditShortRetentionDays: '400',
      reservedConcurrency: '5',
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
    expect(s.stack.network.node.tryFindChild('EndpointSecurityGroup')).toBeUndefined();
  });

  it("sends HTTPS only to the platform's endpoints and the S3 and DynamoDB prefix lists", () => {
    // Prepare
    const group = s.stack.getLogicalId(s.stack.network.securityGroup.node.defaultChild as never);
    const inline = s.template.toJSON().Resources[group].Properties.SecurityGroupEgress as Record<
      string,
      unknown
    >[];
    const separate = Object.values(s.template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties as Record<string, unknown>)
      .filter((p) => JSON.stringify(p.GroupId).includes(group));

    // Act
    const targets = [...inline, ...separate].map((e) => [
      flattenReferences(e.CidrIp ?? e.DestinationPrefixListId ?? e.DestinationSecurityGroupId),
      e.IpProtocol,
      e.FromPort,
      e.ToPort,
    ]);

    // Assess
    expect(targets.sort()).toEqual(
      [
        ['10.50.0.0/24', 'tcp', 443, 443],
        ['pl-7ca54015', 'tcp', 443, 443],
        ['pl-b3a742da', 'tcp', 443, 443],
        ['sg-0a1b2c3d4e5f60741', 'tcp', 443, 443],
        // the rule that matches no traffic (keeps EC2's default allow-all egress away)
        ['255.255.255.255/32', 'icmp', 252, 86],
      ].sort(),
    );
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

  it('reserves the concurrency asked for, on every function', () => {
    // Act
    const functions = Object.values(s.template.findResources('AWS::Lambda::Function'));

    // Assess
    expect(functions.length).toBeGreaterThan(1);
    for (const f of functions) expect(f.Properties.ReservedConcurrentExecutions).toBe(5);
  });

  it('tells the remediations the short retention, and lets them set it on the records they write', () => {
    for (const fn of s.stack.remediationFunctions.values()) {
      // Act
      const env = environmentOf(s.stack, fn);
      const retention = fn.grants.statements().find((st) => st.actions.includes('s3:PutObjectRetention'));

      // Assess
      expect(env.AIRLOCK_AUDIT_SHORT_RETENTION_DAYS).toBe('400');
      expect(retention?.resources.map((r) => flattenReferences(s.stack.resolve(r)))).toEqual([
        `<${s.stack.getLogicalId(s.stack.storage.audit.node.defaultChild as never)}.Arn>/audit/*`,
      ]);
    }
  });
});
