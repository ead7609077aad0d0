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
