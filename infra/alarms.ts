import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Layer } from './layer.js';

/** The period every airlock alarm looks at. */
export const ALARM_PERIOD = Duration.minutes(5);

/** The alarm topic (KMS-encrypted): every airlock alarm notifies it. */
export class Alarms extends Layer {
  readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: { readonly key: IKey }) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      topicName: 'airlock-alarms',
      displayName: 'airlock alarms',
      masterKey: props.key,
      enforceSSL: true,
    });
  }
}

export interface AlarmOnProps {
  readonly name: string;
  readonly description: string;
  readonly metric: IMetric;
  readonly topic: ITopic;
}

/**
 * An alarm that fires on the first occurrence (at least 1 in a period), treats no data as fine, and
 * notifies the airlock topic.
 *
 * @example
 * ```ts
 * alarmOn(this, 'Errors', { name: 'airlock-sweep-errors', description: '…', metric, topic });
 * ```
 */
export function alarmOn(scope: Construct, id: string, props: AlarmOnProps): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmName: props.name,
    alarmDescription: props.description,
    metric: props.metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new SnsAction(props.topic));
  return alarm;
}
