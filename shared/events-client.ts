/**
 * What the trail needs of EventBridge, in a module of its own: `import('./events-client.js')` loads it
 * at the first record published, so a function deployed without an event bus never reads it (esbuild
 * writes it as a separate chunk).
 *
 * @example
 * ```ts
 * const { EventBridgeClient, PutEventsCommand } = await import('./events-client.js');
 * ```
 */
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
