import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Pluggable } from '@smithy/types';
import { jitteredRetryStrategy, type RetryDelays } from './retry-strategy.js';
import { VERSION } from './version.js';

/** Any AWS SDK v3 client. */
export interface SdkClient {
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's own send signature varies per client
  send(command: any, options?: any): Promise<any>;
  // biome-ignore lint/suspicious/noExplicitAny: middleware stacks are typed per client
  middlewareStack: { use(plugin: Pluggable<any, any>): void };
  destroy(): void;
}

// biome-ignore lint/suspicious/noExplicitAny: each client takes its own configuration type
export type ClientCtor<C extends SdkClient> = new (config: any) => C;

/** Where a client acts: the event's account and region. */
export interface ClientScope {
  readonly region: string;
  readonly account?: string;
}

export interface ClientFactoryOptions {
  /** Endpoint for every service (LocalStack, an AWS-compatible endpoint). Without it the SDK reads
   * `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` from the environment, as usual. */
  readonly endpoint?: string;
  /** Endpoints per service, by the SDK client's service id in lower case (`ec2`, `s3`, `dynamodb`...). */
  readonly endpoints?: Readonly<Record<string, string>>;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Credentials per account (assumed roles); the scope's account picks them. */
  readonly credentialsFor?: (account: string) => AwsCredentialIdentityProvider | undefined;
  readonly maxAttempts?: number;
  readonly retryMode?: 'adaptive' | 'standard';
  /**
   * Backoff bases of the SDK's retries, instead of its defaults (1 s base after a throttle): the
   * standard strategy's rules with these delays (see `jitteredRetryStrategy`). Overrides `retryMode`.
   */
  readonly retryDelays?: RetryDelays;
  /** Middleware plugins added to every client (the simulated account, fault injection). */
  // biome-ignore lint/suspicious/noExplicitAny: plugins apply to clients of every service
  readonly plugins?: readonly Pluggable<any, any>[];
  /** Middleware plugins for the clients of one scope (the simulated account of that account/region). */
  // biome-ignore lint/suspicious/noExplicitAny: plugins apply to clients of every service
  readonly pluginsFor?: (scope: ClientScope) => readonly Pluggable<any, any>[];
  /** Extra configuration merged into every client's (tests: a custom retry strategy...). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/**
 * Creates AWS SDK clients once per container: region from the event, adaptive retries, endpoint
 * override, a user agent naming airlock. Clients are injected into remediations, never module-level.
 *
 * @example
 * ```ts
 * const clients = createClientFactory({ endpoint: 'http://localhost:4566' });
 * const ec2 = clients.get(EC2Client, { region: 'eu-west-2' });
 * ```
 */
export interface ClientFactory {
  get<C extends SdkClient>(ctor: ClientCtor<C>, scope: ClientScope): C;
  /** Destroys every client created (sockets closed). */
  destroy(): void;
}

function serviceKey(ctor: { name: string }): string {
  return ctor.name.replace(/Client$/, '').toLowerCase();
}

export function createClientFactory(options: ClientFactoryOptions = {}): ClientFactory {
  const cache = new Map<string, SdkClient>();
  const envEndpointSet = (service: string) =>
    Boolean(process.env.AWS_ENDPOINT_URL || process.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`]);
  return {
    get<C extends SdkClient>(ctor: ClientCtor<C>, scope: ClientScope): C {
      const service = serviceKey(ctor);
      const key = `${service}|${scope.region}|${scope.account ?? ''}`;
      const cached = cache.get(key);
      if (cached) return cached as C;
      const endpoint = options.endpoints?.[service] ?? options.endpoint;
      const credentials =
        (scope.account && options.credentialsFor?.(scope.account)) || options.credentials || undefined;
      const client = new ctor({
        region: scope.region,
        maxAttempts: options.maxAttempts ?? 5,
        retryMode: options.retryMode ?? 'adaptive',
        customUserAgent: `airlock/${VERSION}`,
        ...(options.retryDelays
          ? { retryStrategy: jitteredRetryStrategy(options.maxAttempts ?? 5, options.retryDelays) }
          : {}),
        ...(endpoint ? { endpoint } : {}),
        ...(credentials ? { credentials } : {}),
        ...(service === 's3' && (endpoint || envEndpointSet('s3')) ? { forcePathStyle: true } : {}),
        ...options.extra,
      });
      for (const plugin of options.plugins ?? []) client.middlewareStack.use(plugin);
      for (const plugin of options.pluginsFor?.(scope) ?? []) client.middlewareStack.use(plugin);
      cache.set(key, client);
      return client;
    },
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
    },
  };
}
