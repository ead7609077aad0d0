import { writeFileSync } from 'node:fs';
import type { Pluggable } from '@smithy/types';
import {
  type ClientFactory,
  type ClientFactoryOptions,
  type ClientScope,
  createClientFactory,
} from '../../shared/clients.js';
import { accountOf, makeIdSource, peekRegion, regionOf, type SimCallContext } from './context.js';
import { SIM_CREDENTIALS } from './credentials.js';
import {
  nextRequestId,
  SimApiError,
  serverErrorFor,
  throttleFor,
  timeoutError,
  toSdkError,
  unknownApiCodeFor,
} from './errors.js';
import { type SimApi, type SimKind, type SimServer, viewsOf } from './kind.js';
import { SIM_KINDS } from './kinds/index.js';
import {
  loadSimState,
  parseSimState,
  type SimFault,
  SimFaultsSchema,
  type SimSettings,
  type SimState,
  SimStateError,
  type SimStateInput,
} from './state.js';

const KINDS = SIM_KINDS as readonly SimKind[];

/** `service:Api` -> the kind that answers it and its handler, from every registered kind. */
const APIS: ReadonlyMap<string, { kind: SimKind; fn: SimApi }> = (() => {
  const table = new Map<string, { kind: SimKind; fn: SimApi }>();
  for (const kind of KINDS) {
    for (const [service, apis] of Object.entries(kind.apis ?? {})) {
      for (const [api, fn] of Object.entries(apis)) {
        const key = `${service}:${api}`;
        const other = table.get(key);
        if (other)
          throw new Error(`simulated account: ${key} is answered by ${other.kind.name} and ${kind.name}`);
        table.set(key, { kind, fn });
      }
    }
  }
  return table;
})();

/** Services a real server answers (DynamoDB tables: dynalite) -> the kind that runs it. */
const SERVED: ReadonlyMap<string, SimKind> = new Map(
  KINDS.filter((k) => k.server).map((k) => [k.server!.service, k] as const),
);

/** SDK client class name -> the service prefix of its IAM actions. */
const SERVICES: Record<string, string> = {
  EC2Client: 'ec2',
  S3Client: 's3',
  EKSClient: 'eks',
  ConfigServiceClient: 'config',
  SSMClient: 'ssm',
  STSClient: 'sts',
  DynamoDBClient: 'dynamodb',
  KMSClient: 'kms',
  EventBridgeClient: 'events',
  SecurityHubClient: 'securityhub',
};

const READ_PREFIXES = [
  'Describe',
  'Get',
  'List',
  'Search',
  'Head',
  'Scan',
  'Query',
  'BatchGet',
  'TransactGet',
  'Select',
];
const READ_APIS = new Set(['AssumeRole', 'Sign', 'Verify']);

/** True when the API changes state (`RevokeSecurityGroupIngress`), false for reads (`Describe…`, `Get…`). */
export function isWriteApi(api: string): boolean {
  return !READ_APIS.has(api) && !READ_PREFIXES.some((p) => api.startsWith(p));
}

/** One observed mutation: what CloudTrail would record. */
export interface SimChange {
  readonly time: string;
  readonly account: string;
  readonly region: string;
  /** `service:Api` (`ec2:RevokeSecurityGroupIngress`). */
  readonly api: string;
  readonly resourceId: string;
  readonly requestParameters: Record<string, unknown>;
  /** The role that made it, when it was not the simulator's own identity (`actingAs`). */
  readonly caller?: string;
}

export interface SimOptions {
  /** The clock (default Date.now): EKS update delays, object retention, timestamps. */
  readonly now?: () => number;
  /** Account of clients whose scope names none (default: the state's first account). */
  readonly defaultAccount?: string;
  /** Region of clients whose scope names none (default: the first region of the default account, else us-east-1). */
  readonly defaultRegion?: string;
  /** Overrides some of the state's `settings` (`{ eksUpdateDelayMs: 60_000 }`). */
  readonly settings?: Partial<SimSettings>;
  /** Start the servers kinds run on (default true): DynamoDB tables on dynalite. false: tables stay in the state, unserved. */
  readonly dynamodb?: boolean;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function faultApplies(fault: SimFault, service: string, key: string): boolean {
  const api = fault.api ?? '*';
  return api === '*' || api === key || api === `${service}:*`;
}

function jsonSafe(input: unknown): Record<string, unknown> {
  const text = JSON.stringify(input ?? {}, (k, v) => {
    if (k === 'Body' && v !== undefined)
      return `(${typeof v === 'string' ? Buffer.byteLength(v) : 'binary'} bytes)`;
    if (v instanceof Uint8Array) return `(${v.length} bytes)`;
    if (v && typeof v === 'object' && v.type === 'Buffer' && Array.isArray(v.data))
      return `(${v.data.length} bytes)`;
    return v;
  });
  return JSON.parse(text) as Record<string, unknown>;
}

/** Starts the server of every kind that has one, with the state's content (stops them all if one fails). */
async function startServers(state: SimState): Promise<Map<string, SimServer<unknown>>> {
  const servers = new Map<string, SimServer<unknown>>();
  try {
    for (const [service, kind] of SERVED) {
      const views = viewsOf(state, kind.scope).map((p) => p.view);
      servers.set(service, (await kind.server!.start(views)) as SimServer<unknown>);
    }
  } catch (error) {
    for (const server of servers.values()) await server.close();
    throw error;
  }
  return servers;
}

const EMPTY_STATE = { accounts: { '111122223333': { regions: { 'eu-west-2': {} } } } };

/**
 * The embedded simulated AWS account: a stateful, in-memory model of every AWS call airlock makes,
 * plugged into real SDK v3 clients as middleware inside the SDK's retry loop (so injected throttles,
 * 5xx and timeouts are retried by the SDK's own strategy). DynamoDB is real (dynalite on loopback).
 *
 * @example
 * ```ts
 * const sim = await SimulatedCloud.create('state.json');
 * const ec2 = sim.clientFactory().get(EC2Client, { region: 'eu-west-2', account: '111122223333' });
 * await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId, SecurityGroupRuleIds: ['sgr-…'] }));
 * sim.calls(); // { 'ec2:RevokeSecurityGroupIngress': 1 }
 * await sim.save('state.json');
 * await sim.close();
 * ```
 */
export class SimulatedCloud {
  private readonly counts = new Map<string, number>();
  private readonly injectedCounts = new Map<string, number>();
  private readonly spent = new Map<SimFault, number>();
  private readonly log: SimChange[] = [];
  private caller: string | undefined;
  private readonly factories: ClientFactory[] = [];
  private readonly rng: () => number;
  private readonly ids: ReturnType<typeof makeIdSource>;
  private readonly now: () => number;
  readonly defaultAccount: string;
  readonly defaultRegion: string;

  private constructor(
    private readonly live: SimState,
    /** Service -> the server answering it (DynamoDB: dynalite), when servers run. */
    private readonly servers: ReadonlyMap<string, SimServer<unknown>>,
    options: SimOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.rng = mulberry32(live.seed);
    this.ids = makeIdSource(live);
    this.defaultAccount = options.defaultAccount ?? Object.keys(live.accounts)[0]!;
    this.defaultRegion =
      options.defaultRegion ??
      Object.keys(live.accounts[this.defaultAccount]?.regions ?? {})[0] ??
      'us-east-1';
  }

  /** Builds the simulated account from a state (object or JSON file path); without one, an empty account. */
  static async create(
    state?: SimState | SimStateInput | string,
    options: SimOptions = {},
  ): Promise<SimulatedCloud> {
    const parsed =
      typeof state === 'string'
        ? loadSimState(state)
        : parseSimState(structuredClone(state ?? EMPTY_STATE), 'state');
    Object.assign(parsed.settings, options.settings);
    const now = (options.now ?? Date.now)();
    for (const kind of KINDS) {
      for (const { view } of viewsOf(parsed, kind.scope)) kind.load?.(view, now);
    }
    const servers = options.dynamodb === false ? new Map() : await startServers(parsed);
    return new SimulatedCloud(parsed, servers, options);
  }

  /** The endpoint (http://127.0.0.1:port) of the server answering a service (`dynamodb`), when it runs. */
  serverEndpoint(service: string): string | undefined {
    return this.servers.get(service)?.endpoint;
  }

  /**
   * Options for `createClientFactory`: fake static credentials, the servers' endpoints (DynamoDB), and
   * the simulator's middleware bound to each client's scope (account + region).
   */
  clientFactoryOptions(): ClientFactoryOptions {
    const endpoints = Object.fromEntries([...this.servers].map(([service, s]) => [service, s.endpoint]));
    return {
      credentials: { ...SIM_CREDENTIALS },
      ...(this.servers.size ? { endpoints } : {}),
      pluginsFor: (scope) => [this.plugin(scope)],
    };
  }

  /** A client factory whose clients all act on the simulated account (destroyed by close()). */
  clientFactory(extra: Partial<ClientFactoryOptions> = {}): ClientFactory {
    const factory = createClientFactory({ ...this.clientFactoryOptions(), ...extra });
    this.factories.push(factory);
    return factory;
  }

  /**
   * The middleware plugin for one scope: add it to any SDK client (`client.middlewareStack.use(…)`).
   * It sits at the `deserialize` step, priority high: inside the retry middleware, before the deserializer.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the plugin applies to clients of every service
  plugin(scope: Partial<ClientScope> = {}): Pluggable<any, any> {
    const account = scope.account ?? this.defaultAccount;
    return {
      applyToStack: (stack) => {
        stack.add(
          // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
          (next: any, context: any) => async (args: any) => {
            const region = scope.region ?? this.defaultRegion;
            return this.handle(next, context, args, account, region);
          },
          { step: 'deserialize', priority: 'high', name: 'airlockSimulatedAccount', override: true },
        );
      },
    };
  }

  // biome-ignore lint/suspicious/noExplicitAny: middleware arguments differ per client
  private async handle(next: any, context: any, args: any, account: string, region: string): Promise<any> {
    const service = SERVICES[String(context.clientName)];
    const api = String(context.commandName ?? '').replace(/Command$/, '');
    if (!service) {
      throw new Error(`the simulated account does not model ${context.clientName} (${api})`);
    }
    const key = `${service}:${api}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    await this.injectFaults(service, key);
    const input = (args.input ?? {}) as Record<string, unknown>;
    const served = SERVED.get(service);
    if (served) {
      const result = await next(args);
      if (isWriteApi(api)) this.record(account, region, key, served.resourceId?.(api, input) ?? '', input);
      return result;
    }
    const answer = APIS.get(key);
    if (!answer) {
      throw toSdkError(
        service,
        unknownApiCodeFor(service),
        `The simulated account does not implement ${key}`,
        400,
      );
    }
    const now = this.now();
    const live = this.live;
    for (const kind of KINDS) {
      if (kind.tick) for (const { view } of viewsOf(live, kind.scope)) kind.tick(view, now);
    }
    const ctx: SimCallContext = {
      state: live,
      account,
      region,
      now,
      region$: (create = false) =>
        create ? regionOf(live, account, region) : peekRegion(live, account, region),
      account$: () => accountOf(live, account),
      newId: this.ids.newId,
      newUuid: this.ids.newUuid,
    };
    // named before the write: a write may remove what names its resource
    const resource = isWriteApi(api) ? (answer.kind.resourceId?.(api, input, ctx) ?? '') : '';
    let output: unknown;
    try {
      output = await answer.fn(ctx, input);
    } catch (error) {
      if (error instanceof SimApiError) {
        throw toSdkError(service, error.code, error.message, error.status, error.extra);
      }
      throw error;
    }
    if (isWriteApi(api)) this.record(account, region, key, resource, input);
    return {
      response: { statusCode: 200, headers: {}, body: undefined },
      output: {
        ...(output as object),
        $metadata: { httpStatusCode: 200, requestId: nextRequestId(), attempts: 1, totalRetryDelay: 0 },
      },
    };
  }

  private async injectFaults(service: string, key: string): Promise<void> {
    for (const fault of this.live.faults) {
      if (!faultApplies(fault, service, key)) continue;
      if (fault.times !== undefined && (this.spent.get(fault) ?? 0) >= fault.times) continue;
      if (this.rng() >= fault.rate) continue;
      this.spent.set(fault, (this.spent.get(fault) ?? 0) + 1);
      const [min, max] = fault.latencyMs ?? [0, 0];
      const delay = Math.round(min + this.rng() * (max - min));
      this.injectedCounts.set(
        `${key}:${fault.kind}`,
        (this.injectedCounts.get(`${key}:${fault.kind}`) ?? 0) + 1,
      );
      switch (fault.kind) {
        case 'latency':
          await sleep(delay);
          break;
        case 'timeout':
          if (delay) await sleep(delay);
          throw timeoutError(key, delay);
        case 'throttle': {
          const t = throttleFor(service);
          throw toSdkError(service, t.code, t.message, t.status);
        }
        case 'server-error': {
          const s = serverErrorFor(service);
          throw toSdkError(service, s.code, s.message, s.status);
        }
      }
    }
  }

  private record(account: string, region: string, api: string, resourceId: string, input: unknown): void {
    const change: SimChange = {
      time: new Date(this.now()).toISOString(),
      account,
      region,
      api,
      resourceId,
      requestParameters: jsonSafe(input),
      ...(this.caller ? { caller: this.caller } : {}),
    };
    this.log.push(change);
    // the state's own log outlives this simulator: saved with the state, loaded with it
    this.live.changeLog.push(structuredClone(change));
  }

  /**
   * A deep copy of the state (JSON-serialisable). DynamoDB items are those of the last load,
   * `snapshot()` or `save()`: use `snapshot()` for the tables' current items.
   */
  state(): SimState {
    return structuredClone(this.live);
  }

  /** The state with what the servers hold read back into it (every DynamoDB table's current items). */
  async snapshot(): Promise<SimState> {
    for (const [service, server] of this.servers) {
      const kind = SERVED.get(service)!;
      await server.readBack(viewsOf(this.live, kind.scope).map((p) => p.view));
    }
    return this.state();
  }

  /** Writes the state (with DynamoDB items) to a JSON file that `create(path)` loads back. */
  async save(path: string): Promise<void> {
    const state = await this.snapshot();
    writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Attempts per `service:Api` since creation or `resetCalls()` (every retry counted). */
  calls(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Attempts of mutating calls only (`ec2:RevokeSecurityGroupIngress`, `dynamodb:PutItem`…). */
  writes(): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.calls()).filter(([key]) => isWriteApi(key.slice(key.indexOf(':') + 1))),
    );
  }

  /** Faults injected, by `service:Api:kind`. */
  injected(): Record<string, number> {
    return Object.fromEntries([...this.injectedCounts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  resetCalls(): void {
    this.counts.clear();
    this.injectedCounts.clear();
  }

  /** Replaces the faults (validated like the state file's `faults`). */
  setFaults(faults: readonly SimFault[]): void {
    const result = SimFaultsSchema.safeParse(faults);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `faults.${i.path.map(String).join('.')}: ${i.message}`);
      throw new SimStateError(`invalid faults: ${issues.join('; ')}`, issues);
    }
    this.live.faults = result.data as SimFault[];
  }

  /**
   * Runs `act` as another principal than the simulator's own identity: the writes it makes are logged
   * with `caller` (a role ARN), so CloudTrail renderings name who made them (an operator's change by
   * hand, beside airlock's). Not for concurrent use: every write until `act` settles is attributed.
   *
   * @example
   * ```ts
   * await sim.actingAs('arn:aws:iam::111122223333:role/PlatformAdmin', () => ec2.send(command));
   * ```
   */
  async actingAs<T>(roleArn: string, act: () => Promise<T>): Promise<T> {
    const previous = this.caller;
    this.caller = roleArn;
    try {
      return await act();
    } finally {
      this.caller = previous;
    }
  }

  /** The append-only log of this simulator's successful mutations, oldest first (a copy); the state's `changeLog` keeps those of earlier runs too. */
  changes(): SimChange[] {
    return structuredClone(this.log);
  }

  /** Stops DynamoDB and destroys the clients this simulator's factories created. */
  async close(): Promise<void> {
    for (const f of this.factories.splice(0)) f.destroy();
    for (const server of this.servers.values()) await server.close();
  }
}
