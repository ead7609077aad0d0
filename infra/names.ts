/** The names airlock gives what it deploys, where a name is fixed. */
export const NAMES = {
  table: 'airlock',
  settingsParameter: '/airlock/settings',
  exemptionsParameter: '/airlock/exemptions',
  deadLetterQueue: 'airlock-dead-letters',
  auditPrefix: 'audit/',
  metricNamespace: 'airlock',
  suppressedMetric: 'Suppressed',
  glueDatabase: 'airlock',
  glueTable: 'audit_records',
} as const;
