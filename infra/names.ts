/**
 * The names airlock gives what it deploys, where a name is fixed. Nothing retained has a fixed name
 * (a failed first deploy would leave it behind): the buckets, table and queue are named by
 * CloudFormation and given to the functions and the stack outputs.
 */
export const NAMES = {
  settingsParameter: '/airlock/settings',
  exemptionsParameter: '/airlock/exemptions',
  auditPrefix: 'audit/',
  metricNamespace: 'airlock',
  suppressedMetric: 'Suppressed',
  glueDatabase: 'airlock',
  glueTable: 'audit_records',
} as const;
