import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from '../test/helpers/synth-fixture.js';

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
    },
  });
}, 240_000);

describe('Function: AirlockStack (platform options)', () => {
  it('creates no endpoint when the platform has them', () => {
    // Act & Assess
    expect(s.template.findResources('AWS::EC2::VPCEndpoint')).toEqual({});
  });

  it('lets the functions reach the S3 and DynamoDB gateway endpoints over HTTPS, and nothing else outside the VPC', () => {
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
