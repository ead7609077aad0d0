/**
 * What the trail needs of KMS, in a module of its own: `import('./kms-client.js')` loads it at the first
 * signature or verification, so a function deployed without a signing key never reads it (esbuild writes
 * it as a separate chunk holding only these exports of the KMS client).
 *
 * @example
 * ```ts
 * const { KMSClient, SignCommand } = await import('./kms-client.js');
 * ```
 */
export { GetPublicKeyCommand, KMSClient, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
