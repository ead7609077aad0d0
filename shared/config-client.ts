/**
 * What the rule stage needs of AWS Config, in a module of its own: `import('./config-client.js')`
 * loads it at the first rule named by an AWS convention, so a function whose events carry the names
 * it declares never reads it (esbuild writes it as a separate chunk).
 *
 * @example
 * ```ts
 * const { ConfigServiceClient, DescribeConfigRulesCommand } = await import('./config-client.js');
 * ```
 */
export { ConfigServiceClient, DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
