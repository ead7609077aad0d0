import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from '../helpers/synth-fixture.js';

type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

/** The physical-name property of each resource type that has one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Logs::LogGroup': 'LogGroupName',
};

let s: Synthesized;
let resources: Record<string, Resource>;

beforeAll(async () => {
  s = await synthesize();
  resources = s.template.toJSON().Resources as Record<string, Resource>;
}, 240_000);

describe('Function: AirlockStack (a failed first deploy rolls back and can run again)', () => {
  it('retains the buckets, the table and the log groups on update and delete, but not when their creation rolls back', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup']) {
      // Act
      const found = s.template.findResources(type);

      // Assess
      expect(Object.keys(found).length).toBeGreaterThan(0);
      for (const [id, r] of Object.entries(found)) {
        expect({ id, policy: r.DeletionPolicy, replace: r.UpdateReplacePolicy }).toEqual({
          id,
          policy: 'RetainExceptOnCreate',
          replace: 'Retain',
        });
      }
    }
  });

  it('retains with plain Retain only the two keys and the audit bucket policy, which deny CloudFormation deleting them', () => {
    // Act
    const retain = Object.entries(resources)
      .filter(([, r]) => r.DeletionPolicy === 'Retain')
      .map(([, r]) => r.Type)
      .sort();
    const policy = s.stack.getLogicalId(s.stack.storage.audit.policy!.node.defaultChild as never);

    // Assess
    expect(retain).toEqual(['AWS::KMS::Key', 'AWS::KMS::Key', 'AWS::S3::BucketPolicy']);
    expect(resources[policy]?.DeletionPolicy).toBe('Retain');
  });

  it('gives nothing retained a fixed name, except the log groups that a rolled-back create deletes', () => {
    for (const [id, r] of Object.entries(resources)) {
      // Prepare
      const retained = r.DeletionPolicy === 'Retain' || r.DeletionPolicy === 'RetainExceptOnCreate';
      const name = NAME_PROPERTY[r.Type];

      // Act & Assess
      if (!retained || !name) continue;
      if (r.Type === 'AWS::Logs::LogGroup') {
        expect(r.DeletionPolicy).toBe('RetainExceptOnCreate');
        continue;
      }
      expect({ id, name: r.Properties[name] }).toEqual({ id, name: undefined });
    }
  });

  it('names the dead-letter queue by CloudFormation (SQS refuses a deleted name for 60 seconds)', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: Match.absent() });
  });

  it('leaves DynamoDB deletion protection off, which would keep a rolled-back create from deleting the table', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('gives the names CloudFormation chose as stack outputs', () => {
    // Act
    const outputs = Object.keys(s.template.toJSON().Outputs ?? {}).sort();

    // Assess
    expect(outputs).toEqual(
      [
        'AccessLogsBucketName',
        'AuditBucketName',
        'DeadLetterQueueUrl',
        'ExemptionsParameterName',
        'KeyArn',
        'SettingsParameterName',
        'SigningKeyArn',
        'TableName',
      ].sort(),
    );
    s.template.hasOutput('AuditBucketName', {
      Value: { Ref: s.stack.getLogicalId(s.stack.storage.audit.node.defaultChild as never) },
    });
  });
});
