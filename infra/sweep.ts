import { CfnOutput, Duration } from 'aws-cdk-lib';
import type { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AirlockFunction, type Shared } from './airlock-function.js';
import { ALARM_PERIOD, alarmOn } from './alarms.js';
import type { PlannedRule } from './config-rules.js';
import type { AirlockContext } from './context.js';
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
      .add(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage'], [this.queueArn], 'queue')
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
    const targets = props.remediations.map((r) => ({
      remediation: r.id,
      functionName: `airlock-${r.id}`,
      resourceType: r.resourceType,
      rules: props.plannedRules.filter((p) => p.remediationId === r.id).map((p) => p.name),
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
      },
      grants,
      shared: props.shared,
      timeout: Duration.minutes(5),
    });
    for (const rule of props.configRules) sweep.fn.node.addDependency(rule);
    new Rule(this, 'SweepSchedule', {
      ruleName: 'airlock-sweep',
      description: 'airlock: periodic sweep',
      schedule: Schedule.rate(Duration.minutes(c.sweepEveryMinutes)),
    }).addTarget(new LambdaTarget(sweep.fn, { retryAttempts: 2 }));
    return sweep;
  }
}
