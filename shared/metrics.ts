import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditRecord } from './audit-record.js';

/** The CloudWatch namespace of airlock's metrics (Embedded Metric Format on stdout). */
export const METRICS_NAMESPACE = 'airlock';

/**
 * An `onRecord` hook that turns records into CloudWatch metrics (Embedded Metric Format log lines,
 * no API call): each SUPPRESSED record emits `Suppressed` = 1 in namespace `airlock` with dimension
 * `remediation`, the metric the blast-radius alarm watches.
 *
 * @example
 * ```ts
 * const onRecord = recordMetrics(new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'revoke-open-ssh' }));
 * createDeps('revoke-open-ssh', { onRecord });
 * ```
 */
export function recordMetrics(metrics: Metrics): (record: AuditRecord) => void {
  return (record) => {
    if (record.outcome !== 'SUPPRESSED') return;
    const single = metrics.singleMetric();
    single.addDimension('remediation', record.remediation);
    single.addMetric('Suppressed', MetricUnit.Count, 1);
  };
}

/** The metrics of one remediation's function: namespace `airlock`, service = the remediation id. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}
