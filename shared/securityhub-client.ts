/**
 * What the trail needs of Security Hub, in a module of its own: `import('./securityhub-client.js')`
 * loads it at the first finding, so a function deployed without Security Hub reporting never reads it.
 *
 * @example
 * ```ts
 * const { SecurityHubClient, BatchImportFindingsCommand } = await import('./securityhub-client.js');
 * ```
 */
export { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
