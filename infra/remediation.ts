import { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { type EventPattern, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AnyRemediation } from '../shared/remediation.js';
import { AirlockFunction, type Shared } from './airlock-function.js';
import { ALARM_PERIOD, alarmOn } from './alarms.js';
import type { PlannedRule } from './config-rules.js';
import type { AirlockContext } from './context.js';
import { apiCallNames, apiCallPattern, compliancePattern, declaredRuleNames } from './event-rules.js';
import { remediationEnv, remediationOverride } from './function-env.js';
import { addDescriptorGrants, addMemberRoleGrant, Grants } from './grants.js';
import { Layer } from './layer.js';
import { ManualPath } from './manual-path.js';
import { NAMES } from './names.js';
import { functionActions, PIPELINE_ACTIONS } from './permissions.js';
import type { AuditStorage } from './storage.js';
import { DEAD_LETTER_SENDER } from './sweep.js';

export interface RemediationProps {
  readonly remediation: AnyRemediation;
  readonly context: AirlockContext;
  readonly shared: Shared;
  readonly storage: AuditStorage;
  /** The Config rules the stack deploys, by name: the manual path configures a remediation on each of its own. */
  readonly plannedRules: readonly PlannedRule[];
  readonly configRules: ReadonlyMap<string, CfnConfigRule>;
  /** Where the SSM Automation documents are (`ssm-documents/`). */
  readonly documentsDir: string;
  /** airlock's own roles: their calls never invoke the fast path. */
  readonly ownRoleArns: readonly string[];
}

/** How an EventBridge rule invokes an airlock function: 4 retries within 2 hours. */
export function invokeTarget(fn: AirlockFunction): LambdaTarget {
  return new LambdaTarget(fn.fn, { retryAttempts: 4, maxEventAge: Duration.hours(2) });
}

/**
 * Everything one remediation of the registry deploys: its function and role, the EventBridge rules
 * that invoke it (Config compliance changes; with `cloudTrail`, the fast path), the blast-radius
 * alarm, and the manual path (SSM document, Config remediation configurations).
 */
export class RemediationResources extends Layer {
  readonly remediation: AnyRemediation;
  readonly fn: AirlockFunction;
  readonly eventRule: Rule;
  readonly compliancePattern: EventPattern;
  readonly apiCallRule?: Rule;
  readonly apiCallPattern?: EventPattern;

  constructor(scope: Construct, props: RemediationProps) {
    const { remediation: r, context: c, storage } = props;
    super(scope, r.id);
    this.remediation = r;
    this.fn = new AirlockFunction(this, {
      id: r.id,
      description: `airlock ${r.id}: ${r.title}`.slice(0, 256),
      environment: remediationEnv(r, c, {
        table: storage.table.tableName,
        auditBucket: storage.audit.bucketName,
        settingsParameter: storage.settingsParameter.parameterName,
        exemptionsParameter: storage.exemptionsParameter.parameterName,
        signingKey: storage.signingKey.keyArn,
        ownRoleArns: props.ownRoleArns,
      }),
      grants: remediationGrants(r, c, storage, props.shared.deadLetterQueueArn),
      shared: props.shared,
    });

    const ruleNames = declaredRuleNames(r, c);
    this.compliancePattern = compliancePattern(r, ruleNames);
    this.eventRule = new Rule(this, `${r.id}-Events`, {
      ruleName: `airlock-${r.id}`,
      description: `NON_COMPLIANT ${r.resourceType} from ${ruleNames.join(', ')} -> airlock-${r.id}`.slice(
        0,
        512,
      ),
      eventPattern: this.compliancePattern,
    });
    this.eventRule.addTarget(invokeTarget(this.fn));

    // the fast path: the API calls that can cause the drift, as CloudTrail delivers them (needs a trail)
    this.apiCallPattern = apiCallPattern(r, props.ownRoleArns);
    if (this.apiCallPattern) {
      this.apiCallRule = new Rule(this, `${r.id}-ApiCalls`, {
        ruleName: `airlock-${r.id}-api-calls`,
        description: `${apiCallNames(r)} (CloudTrail) -> airlock-${r.id}`.slice(0, 512),
        eventPattern: this.apiCallPattern,
      });
      this.apiCallRule.addTarget(invokeTarget(this.fn));
    }

    this.alarmOnSuppressed(r, props.shared);
    new ManualPath(this, 'ManualPath', {
      remediation: r,
      fn: this.fn,
      context: c,
      documentsDir: props.documentsDir,
      rules: props.plannedRules
        .filter((p) => p.remediationId === r.id)
        .flatMap((p) => {
          const rule = props.configRules.get(p.name);
          return rule ? [{ name: p.name, rule }] : [];
        }),
    });
  }

  /** SUPPRESSED audit records (the blast-radius breaker is open) counted from the logs, and alarmed on. */
  private alarmOnSuppressed(r: AnyRemediation, shared: Shared): void {
    new MetricFilter(this, `${r.id}-Suppressed`, {
      logGroup: this.fn.logGroup,
      filterName: `airlock-${r.id}-suppressed`,
      filterPattern: FilterPattern.stringValue('$.audit.outcome', '=', 'SUPPRESSED'),
      metricNamespace: NAMES.metricNamespace,
      metricName: NAMES.suppressedMetric,
      metricValue: '1',
      dimensions: { remediation: '$.audit.remediation' },
    });
    alarmOn(this, `${r.id}-SuppressedAlarm`, {
      name: `airlock-${r.id}-suppressed`,
      description: `airlock-${r.id}: the blast-radius breaker is open; an operator must review and reset it`,
      metric: new Metric({
        namespace: NAMES.metricNamespace,
        metricName: NAMES.suppressedMetric,
        dimensionsMap: { remediation: r.id },
        statistic: 'Sum',
        period: ALARM_PERIOD,
      }),
      topic: shared.alarmTopic,
    });
  }
}

/** A remediation's role: its descriptor's actions and the shared pipeline's (table, audit, parameters, keys, queue). */
function remediationGrants(
  r: AnyRemediation,
  c: AirlockContext,
  storage: AuditStorage,
  deadLetterQueueArn: string,
): Grants {
  const where = { partition: c.partition, account: c.account, region: c.region };
  // exactly the actions of the settings this deployment configures (undo-only actions never)
  const actions = functionActions(r, remediationOverride(r, c).settings);
  const grants = addDescriptorGrants(new Grants(), actions, where)
    .add(PIPELINE_ACTIONS.table, [storage.table.tableArn], 'the table')
    .add(
      PIPELINE_ACTIONS.audit,
      [storage.audit.arnForObjects(`${NAMES.auditPrefix}*`)],
      'audit records are written under the audit prefix, one object per record, keyed by date, account, region and record id',
    )
    .add(
      PIPELINE_ACTIONS.parameters,
      [storage.settingsParameter.parameterArn, storage.exemptionsParameter.parameterArn],
      'parameters',
    )
    .add(PIPELINE_ACTIONS.key, [storage.key.keyArn], 'key')
    .add(PIPELINE_ACTIONS.sign, [storage.signingKey.keyArn], 'the signing key')
    .add(PIPELINE_ACTIONS.deadLetter, [deadLetterQueueArn], 'queue', DEAD_LETTER_SENDER)
    .add(
      PIPELINE_ACTIONS.ruleSource,
      ['*'],
      'config:DescribeConfigRules supports no resource-level permission (AWS documents "*" only)',
    );
  if (c.auditShortRetentionDays) {
    // a PutObject that sets its own retention needs this too (it can only lengthen a lock, never shorten one)
    grants.add(
      ['s3:PutObjectRetention'],
      [storage.audit.arnForObjects(`${NAMES.auditPrefix}*`)],
      'records that changed nothing carry their own, shorter retention',
    );
  }
  return addMemberRoleGrant(grants, c);
}
