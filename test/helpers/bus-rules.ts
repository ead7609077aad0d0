// The central bus as the template holds it: its rules, and which functions an event invokes through
// them (each rule's pattern evaluated against the event, as EventBridge does).
import { matchesPattern } from '../../infra/event-pattern.js';
import { guardEvent } from '../../shared/pipeline/guard-event.js';
import { parseStage } from '../../shared/pipeline/parse.js';
import { isVerdict } from '../../shared/pipeline/verdict.js';
import type { AnyRemediation } from '../../shared/remediation.js';
import { parseSettings, settingsFromEnv } from '../../shared/settings.js';
import { environmentOf, logicalIdOf, type Synthesized } from './synth-fixture.js';

/** A member account of the example organization. */
export const MEMBER_ACCOUNT = '444455556666';

type BusRule = { Properties: { EventBusName?: unknown; EventPattern: unknown; Targets: { Arn: unknown }[] } };

/** The rules on a stack's central bus. */
export function busRules(s: Synthesized): [string, BusRule][] {
  const busId = logicalIdOf(s.stack, s.stack.bus!);
  const rules = Object.entries(s.template.findResources('AWS::Events::Rule')) as [string, BusRule][];
  return rules.filter(
    ([, r]) => JSON.stringify(r.Properties.EventBusName) === JSON.stringify({ Ref: busId }),
  );
}

/** The remediations whose functions the stack's central bus invokes for an event (by id). */
export function invokedBy(s: Synthesized, event: unknown): string[] {
  const byLogicalId = new Map(
    [...s.stack.remediationFunctions].map(([id, fn]) => [logicalIdOf(s.stack, fn.fn), id] as const),
  );
  return busRules(s)
    .filter(([, r]) => matchesPattern(r.Properties.EventPattern, event))
    .flatMap(([, r]) =>
      r.Properties.Targets.map((t) => (t.Arn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!),
    )
    .map((logicalId) => byLogicalId.get(logicalId) ?? logicalId);
}

/** What a deployed remediation function decides before any call (the event guard, with its deployed settings). */
export function guardedBy(s: Synthesized, remediation: AnyRemediation, event: unknown) {
  const settings = parseSettings(
    settingsFromEnv(environmentOf(s.stack, s.stack.remediationFunctions.get(remediation.id)!)),
  );
  const parsed = parseStage(event, remediation);
  return isVerdict(parsed) ? parsed : guardEvent(parsed, remediation, settings);
}

/** One name per convention for a remediation's first rule (Security Hub's only for managed rules). */
export function conventions(r: AnyRemediation): [string, string][] {
  const name = r.configRuleNames[0]!;
  const managed = (r.configRules.managed ?? []).some((m) => m.defaultName === name);
  return [
    ['plain', name],
    ['organization', `OrgConfigRule-${name}-a1b2c3d4`],
    ['conformance pack', `${name}-conformance-pack-qayjyopmd`],
    ...(managed ? [['Security Hub', `securityhub-${name}-l6dseq`] as [string, string]] : []),
  ];
}

/** Real rules of other controls on the resource types airlock remediates: they must invoke nothing. */
export const OTHER_RULES: readonly [string, string][] = [
  ['AWS::EC2::SecurityGroup', 'securityhub-vpc-sg-open-only-to-authorized-ports-x1y2z3'],
  ['AWS::EC2::SecurityGroup', 'OrgConfigRule-restricted-common-ports-a1b2c3d4'],
  ['AWS::EC2::SecurityGroup', 'restricted-ssh-v2-custom'],
  ['AWS::S3::Bucket', 'OrgConfigRule-s3-bucket-versioning-enabled-a1b2c3d4'],
  ['AWS::S3::Bucket', 's3-bucket-ssl-requests-only-conformance-pack-qayjyopmd'],
  ['AWS::EKS::Cluster', 'securityhub-eks-cluster-logging-enabled-l6dseq'],
  ['AWS::EC2::Subnet', 'OrgConfigRule-subnet-auto-assign-public-ip-enabled-a1b2c3d4'],
  ['AWS::EC2::RouteTable', 'OrgConfigRule-private-route-tables-no-internet-route-a1b2c3d4'],
];
