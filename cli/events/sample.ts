import { randomUUID } from 'node:crypto';
import type { ComplianceType } from '../../shared/event.js';
import type { AnyRemediation } from '../../shared/remediation.js';

export interface SampleOptions {
  readonly resourceId: string;
  readonly account: string;
  readonly region: string;
  readonly compliance: ComplianceType;
  readonly rule?: string;
  readonly previous?: ComplianceType;
  readonly now?: Date;
}

/**
 * A "Config Rules Compliance Change" event exactly as AWS Config publishes it on EventBridge, for
 * the remediation's resource type and its first Config rule name.
 *
 * @example
 * ```ts
 * sampleEvent(revokeOpenSsh, { resourceId: 'sg-0123456789abcdef0', account: '111122223333', region: 'eu-west-2', compliance: 'NON_COMPLIANT' });
 * ```
 */
export function sampleEvent(remediation: AnyRemediation, o: SampleOptions) {
  const now = o.now ?? new Date();
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const rule = o.rule ?? remediation.configRuleNames[0] ?? remediation.id;
  const qualifier = {
    configRuleName: rule,
    resourceType: remediation.resourceType,
    resourceId: o.resourceId,
  };
  const result = (compliance: ComplianceType, ms: number) => ({
    evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: at(ms + 3000) },
    complianceType: compliance,
    resultRecordedTime: at(ms + 1000),
    configRuleInvokedTime: at(ms + 2000),
  });
  const ruleId = `config-rule-${randomUUID().slice(0, 6)}`;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account: o.account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: o.region,
    resources: [],
    detail: {
      resourceId: o.resourceId,
      awsRegion: o.region,
      awsAccountId: o.account,
      configRuleName: rule,
      recordVersion: '1.0',
      configRuleARN: `arn:aws:config:${o.region}:${o.account}:config-rule/${ruleId}`,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: result(o.compliance, 0),
      ...(o.previous ? { oldEvaluationResult: result(o.previous, 3_600_000) } : {}),
      notificationCreationTime: now.toISOString(),
      resourceType: remediation.resourceType,
    },
  };
}
