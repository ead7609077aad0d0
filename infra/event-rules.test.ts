import type { EventPattern } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../functions/registry.js';
import type { ParsedEvent } from '../shared/event.js';
import { guardEvent } from '../shared/pipeline/guard-event.js';
import { parseStage } from '../shared/pipeline/parse.js';
import { isVerdict } from '../shared/pipeline/verdict.js';
import type { AnyRemediation } from '../shared/remediation.js';
import { parseSettings, settingsFromEnv } from '../shared/settings.js';
import { complianceEvent } from '../test/helpers/events.js';
import { EXAMPLE_CONTEXT } from '../test/helpers/synth-fixture.js';
import { readContext } from './context.js';
import { ContextError } from './context-values.js';
import { matchesPattern } from './event-pattern.js';
import { compliancePattern, declaredRuleNames } from './event-rules.js';
import { remediationEnv } from './function-env.js';

const NAMES = {
  table: 'airlock',
  auditBucket: 'airlock-audit',
  settingsParameter: '/airlock/settings',
  exemptionsParameter: '/airlock/exemptions',
  signingKey: 'arn:aws:kms:eu-west-2:111122223333:key/0d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60',
  ownRoleArns: ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh'],
};

/** The deployment's context, with overrides (`remediations` as the CLI passes it: JSON text). */
function contextWith(extra: Record<string, unknown> = {}) {
  const values: Record<string, unknown> = { ...EXAMPLE_CONTEXT, ...extra };
  return readContext((key) => values[key]);
}

/** A CDK pattern as EventBridge reads it (the template writes `detailType` as `detail-type`). */
function onTheBus(pattern: EventPattern): Record<string, unknown> {
  const { detailType, ...rest } = pattern;
  return { ...rest, 'detail-type': detailType };
}

/** Every name AWS gives a rule: plain, airlock's, organization, conformance pack, Security Hub. */
function formsOf(name: string): string[] {
  return [
    name,
    `OrgConfigRule-${name}-a1b2c3d4`,
    `${name}-conformance-pack-qayjyopmd`,
    `securityhub-${name}-l6dseq`,
  ];
}

/** Names that look like a remediation's and are not: no form of them is accepted anywhere. */
const LOOK_ALIKES = [
  'restricted-ssh-v2-custom',
  'my-restricted-ssh',
  'restricted_ssh',
  'OrgConfigRule-restricted-ssh',
  'airlock-restricted-ssh-conformance-pack',
  'securityhub-airlock-restricted-ssh-l6dseq',
  's3-bucket-public-read-prohibited-v2',
  'OrgConfigRule-s3-bucket-public-prohibited-a1b2c3d4',
  'eks-endpoint-no-public-access-conformance',
  'vpc-flow-logs-enabled',
  'securityhub-vpc-flow-logs-enabled-l6dseq',
  'cw-loggroup-retention-period-check-conformance-pack-qayjyopmd',
];

/** The corpus: every form of every remediation's names, and the look-alikes. */
const CORPUS = [
  ...new Set([...REMEDIATIONS.flatMap((r) => r.configRuleNames.flatMap(formsOf)), ...LOOK_ALIKES]),
];

/**
 * The names a remediation must accept: each of its names, and their organization and conformance-pack
 * forms; the Security Hub form of its managed rules' default names only (Security Hub names them so).
 */
function expectedNames(r: AnyRemediation): Set<string> {
  const defaults = new Set((r.configRules.managed ?? []).map((m) => m.defaultName));
  return new Set(
    r.configRuleNames.flatMap((name) =>
      formsOf(name).filter((n) => defaults.has(name) || !n.startsWith('securityhub-')),
    ),
  );
}

/** What the pipeline decides on an event, with the settings the function is deployed with. */
function pipelineAccepts(r: AnyRemediation, event: unknown, context = contextWith()): boolean {
  const settings = parseSettings(settingsFromEnv(remediationEnv(r, context, NAMES)));
  const parsed = parseStage(event, r);
  if (isVerdict(parsed)) throw new Error(`the event did not parse: ${parsed.reason}`);
  const verdict = guardEvent(parsed as ParsedEvent, r, settings);
  if (verdict && !/Config rule/.test(verdict.reason))
    throw new Error(`rejected for another reason: ${verdict.reason}`);
  return verdict === undefined;
}

/** Where a real-shaped event for `rule` goes: matched by the remediation's pattern, accepted by its pipeline. */
function decide(r: AnyRemediation, rule: string, pattern: Record<string, unknown>, context = contextWith()) {
  const event = complianceEvent({ resourceType: r.resourceType, resourceId: r.resourceKind.example, rule });
  return { onTheBus: matchesPattern(pattern, event), inThePipeline: pipelineAccepts(r, event, context) };
}

describe('Function: compliancePattern (one matcher with the pipeline)', () => {
  it('agrees with the pipeline on every name of the corpus, for each remediation', () => {
    const context = contextWith();
    for (const r of REMEDIATIONS) {
      // Prepare
      const pattern = onTheBus(compliancePattern(r, declaredRuleNames(r, context)));
      const expected = expectedNames(r);

      for (const rule of CORPUS) {
        // Act
        const decided = decide(r, rule, pattern, context);

        // Assess
        expect({ id: r.id, rule, ...decided }).toEqual({
          id: r.id,
          rule,
          onTheBus: expected.has(rule),
          inThePipeline: expected.has(rule),
        });
      }
    }
  });

  it('agrees with the pipeline on the names an operator adds, exact and with *', () => {
    // Prepare
    const remediations = JSON.stringify({
      'revoke-open-ssh': { configRuleNames: ['org-ssh-*', 'team-*-ssh', 'ssh-check'] },
    });
    const context = contextWith({ remediations });
    const ssh = REMEDIATIONS.find((r) => r.id === 'revoke-open-ssh')!;
    const pattern = onTheBus(compliancePattern(ssh, declaredRuleNames(ssh, context)));
    const names = {
      'org-ssh-prod': true,
      'team-payments-ssh': true,
      'ssh-check': true,
      'OrgConfigRule-ssh-check-a1b2c3d4': true,
      'restricted-ssh': true,
      'org-ssh': false,
      'team-ssh-prod': false,
      'OrgConfigRule-org-ssh-prod-a1b2c3d4': false,
    };

    for (const [rule, accepted] of Object.entries(names)) {
      // Act
      const decided = decide(ssh, rule, pattern, context);

      // Assess
      expect({ rule, ...decided }).toEqual({ rule, onTheBus: accepted, inThePipeline: accepted });
    }
    // the literal `*` is never written into the pattern: EventBridge would match it literally
    expect(JSON.stringify(pattern)).not.toMatch(/"org-ssh-\*"/);
  });

  it('stops the synth on a declared name that is not a rule name, naming the remediation', () => {
    // Prepare
    const context = contextWith({
      remediations: JSON.stringify({ 'revoke-open-ssh': { configRuleNames: ['a b'] } }),
    });
    const ssh = REMEDIATIONS.find((r) => r.id === 'revoke-open-ssh')!;

    // Act & Assess
    expect(() => compliancePattern(ssh, declaredRuleNames(ssh, context))).toThrow(ContextError);
    expect(() => compliancePattern(ssh, declaredRuleNames(ssh, context))).toThrow(/revoke-open-ssh/);
  });
});
