import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_GUARDED_ACTIONS, KEY_GUARDED_ACTIONS } from '../../infra/break-glass.js';
import {
  asList,
  EXAMPLE_CONTEXT,
  type StatementJson,
  type Synthesized,
  synthesize,
} from '../helpers/synth-fixture.js';

const BREAK_GLASS = EXAMPLE_CONTEXT.breakGlassRoleArn!;

let s: Synthesized;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  s.stack.getLogicalId(construct.node.defaultChild as never);

beforeAll(async () => {
  s = await synthesize();
}, 240_000);

/** Statements of a policy that deny `action` to someone. */
const denials = (statements: StatementJson[], action: string) =>
  statements.filter((st) => st.Effect === 'Deny' && asList(st.Action).includes(action));

describe('Function: AuditStorage (no account admin can quietly destroy the audit trail)', () => {
  it('denies disabling, scheduling the deletion of, or re-writing the policy of the key to all but the break-glass role', () => {
    // Prepare
    const key = s.template.toJSON().Resources[logicalId(s.stack.storage.key)];
    const statements = key.Properties.KeyPolicy.Statement as StatementJson[];

    // Act & Assess
    for (const action of ['kms:DisableKey', 'kms:ScheduleKeyDeletion', 'kms:PutKeyPolicy']) {
      expect({ action, denials: denials(statements, action) }).toEqual({
        action,
        denials: [
          {
            Sid: 'AuditKeyBreakGlassOnly',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: [...KEY_GUARDED_ACTIONS],
            Resource: '*',
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } },
          },
        ],
      });
    }
    // KMS would refuse a policy that locks its caller (CloudFormation) out of changing it
    expect(key.Properties.BypassPolicyLockoutSafetyCheck).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
  });

  it('denies changing the Object Lock configuration, the versioning or the policy of the audit bucket to all but the break-glass role', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(s.stack.storage.audit) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'AuditTrailSettingsBreakGlassOnly',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: [...BUCKET_GUARDED_ACTIONS],
            Resource: { 'Fn::GetAtt': [logicalId(s.stack.storage.audit), 'Arn'] },
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } },
          },
        ]),
      },
    });
    expect([...BUCKET_GUARDED_ACTIONS].sort()).toEqual(
      [
        's3:DeleteBucketPolicy',
        's3:PutBucketObjectLockConfiguration',
        's3:PutBucketPolicy',
        's3:PutBucketVersioning',
      ].sort(),
    );
  });

  it('excepts exactly the break-glass role: no wildcard, so a look-alike name or another account is denied', () => {
    // Prepare
    const key = s.template.toJSON().Resources[logicalId(s.stack.storage.key)];
    const bucketPolicy = Object.values(s.template.findResources('AWS::S3::BucketPolicy')).find(
      (p) =>
        JSON.stringify(p.Properties.Bucket) === JSON.stringify({ Ref: logicalId(s.stack.storage.audit) }),
    )!;

    // Act
    const conditions = [
      ...(key.Properties.KeyPolicy.Statement as StatementJson[]),
      ...(bucketPolicy.Properties.PolicyDocument.Statement as StatementJson[]),
    ]
      .filter((st) => st.Effect === 'Deny' && st.Condition?.ArnNotEquals)
      .map((st) => st.Condition!);

    // Assess
    expect(conditions).toHaveLength(2);
    for (const condition of conditions) {
      expect(condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } });
      expect(BREAK_GLASS).not.toMatch(/[*?]/);
    }
  });
});
