import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_GUARDED_ACTIONS } from '../../infra/break-glass.js';
import {
  asList,
  EXAMPLE_CONTEXT,
  flattenReferences,
  type StatementJson,
  type Synthesized,
  synthesize,
} from '../helpers/synth-fixture.js';

const BREAK_GLASS = EXAMPLE_CONTEXT.breakGlassRoleArn!;
const ROLLBACK_ROLE = 'arn:aws:iam::111122223333:role/soc-rollback';

let s: Synthesized;
let withRollback: Synthesized;
const logicalId = (target: Synthesized, construct: { node: { defaultChild?: unknown } }) =>
  target.stack.getLogicalId(construct.node.defaultChild as never);
const signingKeyOf = (target: Synthesized) =>
  target.template.toJSON().Resources[logicalId(target, target.stack.storage.signingKey)];
const policyOf = (target: Synthesized, fn: { policy: { node: { defaultChild?: unknown } } }) =>
  target.template.toJSON().Resources[logicalId(target, fn.policy)].Properties.PolicyDocument
    .Statement as StatementJson[];
const signers = (statements: StatementJson[]) =>
  statements.filter((st) => st.Effect === 'Allow' && asList(st.Action).includes('kms:Sign'));
const roleArn = (name: string) => `arn:aws:iam::${EXAMPLE_CONTEXT.account}:role/${name}`;

beforeAll(async () => {
  [s, withRollback] = await Promise.all([
    synthesize(),
    synthesize({ context: { rollbackRoleArns: ROLLBACK_ROLE } }),
  ]);
}, 300_000);

describe('Function: AuditStorage (the signing key)', () => {
  it('is an asymmetric ECC_NIST_P256 SIGN_VERIFY key, kept when the stack goes, with an output naming it', () => {
    // Act
    const key = signingKeyOf(s);

    // Assess
    expect(key.Properties).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
    expect(key.Properties.EnableKeyRotation).not.toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    s.template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/airlock-audit-signing',
      TargetKeyId: { 'Fn::GetAtt': [logicalId(s, s.stack.storage.signingKey), 'Arn'] },
    });
    s.template.hasOutput('*', {
      Value: { 'Fn::GetAtt': [logicalId(s, s.stack.storage.signingKey), 'Arn'] },
      Description: Match.stringLikeRegexp('signs audit records'),
    });
    expect(Object.keys(s.template.findOutputs('*')).some((id) => id.startsWith('SigningKeyArn'))).toBe(true);
  });

  it('is guarded like the audit key: only the break-glass role may disable it, delete it or change its policy', () => {
    // Prepare
    const statements = signingKeyOf(s).Properties.KeyPolicy.Statement as StatementJson[];

    // Act
    const guard = statements.find((st) => st.Sid === 'SigningKeyBreakGlassOnly');

    // Assess
    expect(guard).toEqual({
      Sid: 'SigningKeyBreakGlassOnly',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...KEY_GUARDED_ACTIONS],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } },
    });
    expect(signingKeyOf(s).Properties.BypassPolicyLockoutSafetyCheck).toBe(true);
  });

  it('denies kms:Sign to every principal but the remediation roles, the rollback roles and the break-glass role', () => {
    for (const target of [s, withRollback]) {
      // Prepare
      const statements = signingKeyOf(target).Properties.KeyPolicy.Statement as StatementJson[];
      const writers = [...target.stack.remediationFunctions.values()].map((f) => roleArn(f.functionName));
      const rollback = target === withRollback ? [ROLLBACK_ROLE] : [];

      // Act
      const deny = statements.find((st) => st.Sid === 'SignOnlyAirlockWriters')!;

      // Assess
      expect(deny).toMatchObject({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Resource: '*',
      });
      expect([...asList(deny.Condition!.ArnNotEquals!['aws:PrincipalArn'] as string[])].sort()).toEqual(
        [...writers, ...rollback, BREAK_GLASS].sort(),
      );
      // neither the sweep nor an evaluator (they write no record), nor a look-alike pattern
      expect(JSON.stringify(deny.Condition)).not.toMatch(/airlock-sweep|evaluate-|\*/);
    }
  });
});

describe('Function: AirlockStack (who signs)', () => {
  it('grants kms:Sign on the signing key to each remediation function, and tells it the key', () => {
    for (const fn of s.stack.remediationFunctions.values()) {
      // Act
      const granted = signers(policyOf(s, fn));
      const env = s.template.toJSON().Resources[logicalId(s, fn.fn)].Properties.Environment.Variables;

      // Assess
      expect({ fn: fn.functionName, granted }).toEqual({
        fn: fn.functionName,
        granted: [
          {
            Effect: 'Allow',
            Action: 'kms:Sign',
            Resource: { 'Fn::GetAtt': [logicalId(s, s.stack.storage.signingKey), 'Arn'] },
          },
        ],
      });
      expect(env.AIRLOCK_SIGNING_KEY).toEqual({
        'Fn::GetAtt': [logicalId(s, s.stack.storage.signingKey), 'Arn'],
      });
    }
  });

  it('grants kms:Sign to no evaluator and not to the sweep: they write no audit record', () => {
    // Act
    const others = [...s.stack.evaluatorFunctions.values(), s.stack.sweep].flatMap((fn) =>
      signers(policyOf(s, fn)),
    );

    // Assess
    expect(s.stack.evaluatorFunctions.size).toBeGreaterThanOrEqual(1);
    expect(others).toEqual([]);
  });

  it('creates a KMS interface endpoint that admits only kms:Sign on the signing key, by the remediation roles', () => {
    // Prepare
    const endpoint = Object.values(s.template.findResources('AWS::EC2::VPCEndpoint'))
      .map((e) => e.Properties as { ServiceName: unknown; PolicyDocument: { Statement: StatementJson[] } })
      .find((e) => flattenReferences(e.ServiceName).endsWith('.kms'));

    // Act
    const statements = endpoint?.PolicyDocument.Statement ?? [];

    // Assess
    expect(statements).toHaveLength(s.stack.remediationFunctions.size);
    for (const st of statements) {
      expect(asList(st.Action)).toEqual(['kms:Sign']);
      expect(st.Resource).toEqual({ 'Fn::GetAtt': [logicalId(s, s.stack.storage.signingKey), 'Arn'] });
      expect(st.Condition?.ArnEquals?.['aws:PrincipalArn']).toMatch(
        /^arn:aws:iam::111122223333:role\/airlock-[a-z0-9-]+$/,
      );
    }
  });
});
