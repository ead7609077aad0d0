/**
 * What the member roles need of STS, in a module of its own: `import('./sts-client.js')` loads it at
 * the first AssumeRole, so a function bundle without member roles never reads it (esbuild writes it
 * as a separate chunk, holding only these two exports of the STS client).
 *
 * @example
 * ```ts
 * const { STSClient, AssumeRoleCommand } = await import('./sts-client.js');
 * ```
 */
export { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
