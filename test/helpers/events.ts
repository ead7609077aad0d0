import { loadRealWorld } from './fixtures.js';

/** A compliance-change event as AWS Config publishes it on EventBridge (shape of the real fixtures). */
export function complianceEvent(opts: {
  resourceType: string;
  resourceId: string;
  rule: string;
  compliance?: 'NON_COMPLIANT' | 'COMPLIANT' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA';
  account?: string;
  region?: string;
  id?: string;
  orderingTimestamp?: string;
}) {
  const account = opts.account ?? '111122223333';
  const region = opts.region ?? 'eu-west-2';
  const ts = opts.orderingTimestamp ?? '2026-11-20T10:00:00.000Z';
  const qualifier = {
    configRuleName: opts.rule,
    resourceType: opts.resourceType,
    resourceId: opts.resourceId,
  };
  return {
    version: '0',
    id: opts.id ?? 'b1a9c0de-0000-4000-8000-000000000001',
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account,
    time: '2026-11-20T10:00:05Z',
    region,
    resources: [],
    detail: {
      resourceId: opts.resourceId,
      awsRegion: region,
      awsAccountId: account,
      configRuleName: opts.rule,
      recordVersion: '1.0',
      configRuleARN: `arn:aws:config:${region}:${account}:config-rule/config-rule-abc123`,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: {
        evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: ts },
        complianceType: opts.compliance ?? 'NON_COMPLIANT',
        resultRecordedTime: '2026-11-20T10:00:04.000Z',
        configRuleInvokedTime: '2026-11-20T10:00:03.000Z',
      },
      notificationCreationTime: '2026-11-20T10:00:05.000Z',
      resourceType: opts.resourceType,
    },
  };
}

/**
 * A real captured compliance-change event (Security Hub's, 2019), re-addressed to a rule, resource,
 * and (optionally) another account and region: the shape AWS really sends, with its extra fields.
 */
export function realComplianceEvent(
  rule: string,
  resourceType: string,
  resourceId: string,
  compliance = 'NON_COMPLIANT',
  where: { account?: string; region?: string } = {},
) {
  const event = structuredClone(
    loadRealWorld<Record<string, unknown>>(
      'events/config-rules-compliance-change/ec2-vpc__securityhub-vpc-flow-logs-enabled__NON_COMPLIANT__no-oldEvaluationResult.json',
    ),
  ) as {
    account: string;
    region: string;
    detail: {
      configRuleName: string;
      resourceType: string;
      resourceId: string;
      awsAccountId: string;
      awsRegion: string;
      newEvaluationResult: {
        complianceType: string;
        evaluationResultIdentifier: { evaluationResultQualifier: Record<string, string> };
      };
    };
  };
  event.account = where.account ?? event.account;
  event.detail.awsAccountId = event.account;
  event.region = where.region ?? event.region;
  event.detail.awsRegion = event.region;
  event.detail.configRuleName = rule;
  event.detail.resourceType = resourceType;
  event.detail.resourceId = resourceId;
  event.detail.newEvaluationResult.complianceType = compliance;
  event.detail.newEvaluationResult.evaluationResultIdentifier.evaluationResultQualifier = {
    configRuleName: rule,
    resourceType,
    resourceId,
  };
  return event;
}
