import { describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../functions/registry.js';
import type { AnyRemediation } from '../shared/remediation.js';
import { loadRealWorld } from '../test/helpers/fixtures.js';
import { MANAGED_RULES, managedRulesOf, planConfigRules } from './config-rules.js';
import type { EvaluatorDescriptor } from './registries.js';

interface DocumentedRule {
  ruleName: string;
  identifier: string;
  resourceTypes: string[] | null;
  triggerType: string;
}

const documented = loadRealWorld<{ rules: DocumentedRule[] }>('rules/aws-config-managed-rules.json').rules;
const TRIGGERS: Record<string, string> = {
  change: 'Configuration changes',
  periodic: 'Periodic',
  'change-and-periodic': 'Configuration changes and Periodic',
};

const ssh = REMEDIATIONS.find((r) => r.id === 'revoke-open-ssh')!;
const evaluator = (over: Partial<EvaluatorDescriptor> = {}): EvaluatorDescriptor => ({
  id: 'evaluate-x',
  ruleName: 'airlock-x',
  resourceType: 'AWS::EC2::RouteTable',
  remediationId: 'x',
  permissions: ['ec2:DescribeRouteTables'],
  periodic: 'One_Hour',
  configurationChange: true,
  ...over,
});
const custom = {
  ...ssh,
  id: 'x',
  resourceType: 'AWS::EC2::RouteTable',
  configRules: {
    custom: [
      {
        identifier: 'AIRLOCK_X',
        name: 'airlock-x',
        evaluator: 'evaluate-x',
        periodic: 'One_Hour',
        configurationChange: true,
      },
    ],
  },
  ruleIdentifiers: ['AIRLOCK_X'],
  configRuleNames: ['airlock-x'],
} as AnyRemediation;

describe('Function: MANAGED_RULES', () => {
  it('agrees with the AWS Config Developer Guide on names, resource types and triggers', () => {
    for (const [identifier, rule] of Object.entries(MANAGED_RULES)) {
      // Act
      const doc = documented.find((d) => d.identifier === identifier);

      // Assess
      expect({
        identifier,
        name: doc?.ruleName,
        types: doc?.resourceTypes,
        trigger: doc?.triggerType,
      }).toEqual({
        identifier,
        name: rule.defaultName,
        types: rule.resourceTypes,
        trigger: TRIGGERS[rule.trigger],
      });
    }
  });
});

describe('Function: managedRulesOf', () => {
  it('reads each managed rule from its remediation, and refuses one identifier declared with other metadata', () => {
    // Prepare
    const other = {
      ...ssh,
      id: 'other',
      configRules: { managed: [{ ...ssh.configRules.managed![0]!, trigger: 'periodic' }] },
    } as AnyRemediation;

    // Act
    const rules = managedRulesOf([ssh]);

    // Assess
    expect(rules).toEqual({
      INCOMING_SSH_DISABLED: {
        defaultName: 'restricted-ssh',
        resourceTypes: ['AWS::EC2::SecurityGroup'],
        trigger: 'change',
      },
    });
    expect(() => managedRulesOf([ssh, other])).toThrow(
      /other: managed rule INCOMING_SSH_DISABLED is declared with other metadata/,
    );
  });
});

describe('Function: planConfigRules', () => {
  it('names each managed rule airlock-<default> when the remediation listens to it', () => {
    // Act
    const { rules } = planConfigRules([ssh], []);

    // Assess
    expect(rules.map((r) => r.name)).toEqual(['airlock-restricted-ssh']);
  });

  it('deploys a custom rule per evaluator and reports identifiers no rule covers', () => {
    // Act
    const withEvaluator = planConfigRules([custom], [evaluator()]);
    const without = planConfigRules([custom], []);

    // Assess
    expect(withEvaluator.rules.map((r) => [r.name, r.source.kind])).toEqual([['airlock-x', 'custom']]);
    expect(without).toEqual({ rules: [], unmatched: ['x: AIRLOCK_X'] });
  });

  it('refuses an evaluator of a rule or resource type its remediation does not have', () => {
    // Act & Assess
    expect(() => planConfigRules([custom], [evaluator({ ruleName: 'other' })])).toThrow(
      /rule other is not airlock-x, the rule x declares/,
    );
    expect(() => planConfigRules([custom], [evaluator({ resourceType: 'AWS::S3::Bucket' })])).toThrow(
      /resource type/,
    );
    expect(() => planConfigRules([custom], [evaluator({ remediationId: 'nope' })])).toThrow(/no remediation/);
  });

  it('refuses an evaluator its remediation does not declare', () => {
    // Act & Assess
    expect(() => planConfigRules([custom], [evaluator({ id: 'evaluate-y' })])).toThrow(
      /x declares no custom Config rule evaluated by it/,
    );
  });

  it('refuses a managed rule none of whose names the remediation listens to', () => {
    // Act & Assess
    expect(() =>
      planConfigRules([{ ...ssh, configRuleNames: ['my-ssh-rule'] } as AnyRemediation], []),
    ).toThrow(/airlock-restricted-ssh or restricted-ssh/);
  });
});
