import { CfnOutput, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { type CfnConfigRule, CfnConfigurationAggregator } from 'aws-cdk-lib/aws-config';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import {
  AnyPrincipal,
  Effect,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { AnyRemediation } from '../shared/remediation.js';
import { AirlockFunction, type Shared } from './airlock-function.js';
import { ALARM_PERIOD, alarmOn } from './alarms.js';
import type { PlannedRule } from './config-rules.js';
import type { AirlockContext, OrganizationContext } from './context.js';
import { declaredRuleNames } from './event-rules.js';
import { Grants } from './grants.js';
import { Layer } from './layer.js';
import { acknowledge } from './nag.js';

export interface SweepFunctionProps {
  readonly context: AirlockContext;
  readonly shared: Shared;
  readonly remediations: readonly {
    readonly id: string;
    readonly resourceType: string;
    readonly fn: AirlockFunction;
    /** Its descriptor: the rule names it accepts, matched in member accounts with the same matcher. */
    readonly descriptor: AnyRemediation;
  }[];
  readonly evaluators: readonly AirlockFunction[];
  readonly plannedRules: readonly PlannedRule[];
  readonly configRules: readonly CfnConfigRule[];
}

/**
 * What catches what slipped through: the dead-letter queue every function fails into (and its alarm),
 * and the sweep, a scheduled function that re-drives the queue and what Config still reports
 * NON_COMPLIANT. The queue comes first (every function names it); the sweep last (it names them).
 */
export class Sweep extends Layer {
  readonly queue: Queue;
  readonly queueArn: string;

  constructor(scope: Construct, id: string, props: { readonly key: IKey; readonly topic: ITopic }) {
    super(scope, id);
    // named by CloudFormation: SQS refuses a deleted queue's name for 60 seconds, which a retried
    // first deploy could hit
    this.queue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.minutes(10),
    });
    this.queueArn = this.queue.queueArn;
    this.queue.addToResourcePolicy(onlyAirlockRolesSend(this, this.queueArn));
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.queue.queueUrl,
      description: 'the dead-letter queue',
    });
    alarmOn(this, 'DeadLettersAlarm', {
      name: 'airlock-dead-letters',
      description:
        'airlock: failed events wait in the dead-letter queue (the sweep re-drives them; look at what is kept)',
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: 'Maximum',
      }),
      topic: props.topic,
    });
    acknowledge(this.queue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is the dead-letter queue (the on-failure destination of every airlock function).',
      },
    ]);
  }

  /** The sweep function and its schedule, once the functions and rules it re-drives exist. */
  addSweepFunction(props: SweepFunctionProps): AirlockFunction {
    const c = props.context;
    const functionArn = (name: string) =>
      `arn:${c.partition}:lambda:${c.region}:${c.account}:function:${name}`;
    const grants = new Grants()
      .add(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], [this.queueArn], 'queue')
      .add(['sqs:SendMessage'], [this.queueArn], 'queue', DEAD_LETTER_SENDER)
      .add(['kms:Decrypt', 'kms:GenerateDataKey'], [props.shared.key.keyArn], 'key')
      .add(
        ['lambda:InvokeFunction'],
        props.remediations.map((r) => functionArn(r.fn.functionName)),
        'functions',
      );
    const ruleArns = props.configRules.map((r) => r.attrArn);
    if (ruleArns.length) {
      grants.add(
        ['config:StartConfigRulesEvaluation', 'config:GetComplianceDetailsByConfigRule'],
        ruleArns,
        'rules',
      );
    }
    const aggregator = c.organization ? this.addAggregator(c, c.organization) : undefined;
    if (aggregator) grants.add(AGGREGATOR_ACTIONS, [aggregator.attrConfigurationAggregatorArn], 'aggregator');
    const targets = props.remediations.map((r) => ({
      remediation: r.id,
      functionName: `airlock-${r.id}`,
      resourceType: r.resourceType,
      rules: props.plannedRules.filter((p) => p.remediationId === r.id).map((p) => p.name),
      names: declaredRuleNames(r.descriptor, c),
      managedNames: (r.descriptor.configRules.managed ?? []).map((m) => m.defaultName),
    }));
    const sweep = new AirlockFunction(this, {
      id: 'sweep',
      description:
        'airlock sweep: re-drives the dead-letter queue and what Config still reports NON_COMPLIANT',
      environment: {
        AIRLOCK_SWEEP_QUEUE_URL: this.queue.queueUrl,
        AIRLOCK_SWEEP_TARGETS: JSON.stringify(targets),
        AIRLOCK_SWEEP_DROP_FUNCTIONS: props.evaluators.map((f) => f.functionName).join(','),
        AIRLOCK_SWEEP_GRACE_MINUTES: String(c.sweepGraceMinutes),
        AIRLOCK_SWEEP_MAX_INVOCATIONS: '100',
        AIRLOCK_DEPLOYMENT_REGIONS: c.region,
        ...(aggregator ? { AIRLOCK_SWEEP_AGGREGATOR: AGGREGATOR_NAME } : {}),
      },
      grants,
      shared: props.shared,
      timeout: Duration.minutes(5),
    });
    for (const rule of props.configRules) sweep.fn.node.addDependency(rule);
    if (aggregator) sweep.fn.node.addDependency(aggregator);
    new Rule(this, 'SweepSchedule', {
      ruleName: 'airlock-sweep',
      description: 'airlock: periodic sweep',
      schedule: Schedule.rate(Duration.minutes(c.sweepEveryMinutes)),
    }).addTarget(new LambdaTarget(sweep.fn, { retryAttempts: 2 }));
    return sweep;
  }

  /**
   * Organization mode: the Config aggregator of the organization's accounts in the member regions (and
   * this one), through which the sweep reads the member accounts' NON_COMPLIANT results. Config reads
   * the organization with its own role (`organizations:` reads only).
   */
  private addAggregator(c: AirlockContext, org: OrganizationContext): CfnConfigurationAggregator {
    const role = new Role(this, 'AggregatorRole', {
      assumedBy: new ServicePrincipal('config.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
      }),
      description: 'Role of the airlock Config aggregator: reads the organization (its accounts)',
    });
    const policy = new ManagedPolicy(this, 'AggregatorPolicy', {
      description: 'What the airlock Config aggregator reads of the organization',
      statements: [new PolicyStatement({ actions: [...AGGREGATOR_ROLE_ACTIONS], resources: ['*'] })],
      roles: [role],
    });
    acknowledge(policy, [
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'The organizations: reads a Config aggregator needs (those of the AWSConfigRoleForOrganizations policy) support no resource-level permission.',
      },
    ]);
    const aggregator = new CfnConfigurationAggregator(this, 'Aggregator', {
      configurationAggregatorName: AGGREGATOR_NAME,
      organizationAggregationSource: {
        roleArn: role.roleArn,
        awsRegions: [...new Set([c.region, ...org.memberRegions])],
      },
    });
    aggregator.node.addDependency(policy);
    return aggregator;
  }
}

/** The organization aggregator's name (the sweep's `AIRLOCK_SWEEP_AGGREGATOR`). */
export const AGGREGATOR_NAME = 'airlock-organization';

/** What the sweep calls on the aggregator: the NON_COMPLIANT rules per account and region, then their results. */
export const AGGREGATOR_ACTIONS = [
  'config:DescribeAggregateComplianceByConfigRules',
  'config:GetAggregateComplianceDetailsByConfigRule',
] as const;

/** What Config's aggregator role reads of the organization (AWS's AWSConfigRoleForOrganizations). */
const AGGREGATOR_ROLE_ACTIONS = [
  'organizations:ListAccounts',
  'organizations:DescribeOrganization',
  'organizations:ListAWSServiceAccessForOrganization',
  'organizations:ListDelegatedAdministrators',
] as const;

/**
 * The condition on every role's `sqs:SendMessage` to the dead-letter queue: only when the request
 * carries no `lambda:SourceFunctionArn`. Lambda sends a function's on-failure record with the function's
 * role from outside its execution environment, without that key; a call made by the function's code
 * always carries it (Lambda Developer Guide, "Using source function ARN to control function access
 * behavior"). So Lambda may deliver, and the code of a function (airlock's, or code that replaced it)
 * may not write the queue the sweep re-drives.
 */
export const DEAD_LETTER_SENDER = { Null: { 'lambda:SourceFunctionArn': 'true' } } as const;

/**
 * The queue's own policy: `sqs:SendMessage` denied to every principal but the roles of airlock's
 * functions (by ARN; the list is read from the stack when it is synthesized, so a function added later
 * is included). Lambda delivers on-failure records with those roles; no one else has a reason to send.
 */
function onlyAirlockRolesSend(scope: Sweep, queueArn: string): PolicyStatement {
  const stack = Stack.of(scope);
  return new PolicyStatement({
    sid: 'OnlyAirlockFunctionsSend',
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: ['sqs:SendMessage'],
    resources: [queueArn],
    conditions: {
      ArnNotEquals: {
        'aws:PrincipalArn': Lazy.list({
          produce: () =>
            stack.node
              .findAll()
              .filter((c): c is AirlockFunction => c instanceof AirlockFunction)
              .map((f) => `arn:${stack.partition}:iam::${stack.account}:role/${f.roleName}`),
        }),
      },
    },
  });
}
