/**
 * Parameter Store (the settings override and the exemption register) in a module of its own:
 * `import('./ssm-client.js')` loads it when a parameter is first read, so a function bundle without
 * one never reads it (esbuild writes it as a separate chunk with only the SSM commands Powertools uses).
 *
 * @example
 * ```ts
 * const { SSMProvider, SSMClient } = await import('./ssm-client.js');
 * new SSMProvider({ awsSdkV3Client: clients.get(SSMClient, { region }) });
 * ```
 */
export { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
export { SSMClient } from '@aws-sdk/client-ssm';
