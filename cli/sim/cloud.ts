import { writeFileSync } from 'node:fs';
import type { Pluggable } from '@smithy/types';
import {
  type ClientFactory,
  type ClientFactoryOptions,
  type ClientScope,
  createClientFactory,
} from '../../shared/clients.js';
import { CONFIG_APIS, ruleOfToken } from './config.js';
import { accountOf, makeIdSource, peekRegion, regionOf, type SimCallContext } from './context.js';
import { LocalDynamo, SIM_CREDENTIALS } from './dynamo.js';
import { EC2_APIS, normalizeSecurityGroup } from './ec2.js';
import { EKS_APIS, settleEksUpdates } from './eks.js';
import {
  nextRequestId,
  SimApiError,
  serverErrorFor,
  throttleFor,
  timeoutError,
  toSdkError,
} from './errors.js';
import { normalizeObject, S3_APIS } from './s3.js';
import { SSM_APIS } from './ssm.js';
import {
  loadSimState,
  parseSimState,
  type SimFault,
  SimFaultsSchema,
  type SimState,
  SimStateError,
  type SimStateInput,
} from './state.js';
import { STS_APIS } from './sts.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Api = (ctx: SimCallContext, input: Record<string, any>) => unknown;

const APIS: Record<string, Record<string, Api>> = {
  ec2: EC2_APIS,
  s3: S3_APIS,
  eks: EKS_APIS,
  config: CONFIG_APIS,
  ssm: SSM_APIS,
  sts: STS_APIS,
};

/** SDK client class name -> the service prefix of its IAM actions. */
const SERVICES: Record<string, string> = {
  EC2Client: 'ec2',
  S3Client: 's3',
  EKSClient: 'eks',
  ConfigServiceClient: 'config',
  SSMClient: 'ssm',
  STSClient: 'sts',
  DynamoDBClient: 'dynamodb',
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
const READ_APIS = new Set(['AssumeRole']);

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
}

export interface SimOptions {
  /** The clock (default Date.now): EKS update delays, object retention, timestamps. */
  readonly now?: () => number;
  /** Account of clients whose scope names none (default: the state's first account). */
  readonly defaultAccount?: string;
  /** Region of clients whose scope names none (default: the first region of the default account, else us-east-1). */
  readonly defaultRegion?: string;
  /** Overrides the state's `settings.eksUpdateDelayMs` (how long a cluster stays UPDATING). */
  readonly eksUpdateDelayMs?: number;
  /** Start the DynamoDB (dynalite) server (default true). false: tables stay in the state, unserved. */
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

function resourceIdOf(service: string, input: Record<string, unknown>): string {
  if (service === 's3') return input.Key ? `${input.Bucket}/${input.Key}` : String(input.Bucket ?? '');
  if (service === 'config' && input.ResultToken) return ruleOfToken(input.ResultToken);
  for (const k of [
    'GroupId',
    'RouteTableId',
    'TransitGatewayRouteTableId',
    'name',
    'Name',
    'TableName',
    'GroupName',
  ]) {
    if (typeof input[k] === 'string') return input[k] as string;
  }
  return '';
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
  private readonly factories: ClientFactory[] = [];
  private readonly rng: () => number;
  private readonly ids: ReturnType<typeof makeIdSource>;
  private readonly now: () => number;
  readonly defaultAccount: string;
  readonly defaultRegion: string;

  private constructor(
    private readonly live: SimState,
    private readonly dynamo: LocalDynamo | undefined,
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
    if (options.eksUpdateDelayMs !== undefined) parsed.settings.eksUpdateDelayMs = options.eksUpdateDelayMs;
    const now = (options.now ?? Date.now)();
    for (const account of Object.values(parsed.accounts)) {
      for (const bucket of Object.values(account.buckets)) {
        for (const o of bucket.objects) normalizeObject(o, now);
      }
      for (const region of Object.values(account.regions)) {
        for (const g of region.securityGroups) normalizeSecurityGroup(g);
      }
    }
    const tables = Object.values(parsed.accounts).flatMap((a) =>
      Object.values(a.regions).flatMap((r) => Object.entries(r.dynamodbTables)),
    );
    let dynamo: LocalDynamo | undefined;
    if (options.dynamodb !== false) {
      dynamo = await LocalDynamo.start();
      try {
        for (const [name, table] of tables) await dynamo.createTable(name, table.items);
      } catch (error) {
        await dynamo.close();
        throw error;
      }
    }
    return new SimulatedCloud(parsed, dynamo, options);
  }

  /** The DynamoDB endpoint (http://127.0.0.1:port), when DynamoDB runs. */
  get dynamodbEndpoint(): string | undefined {
    return this.dynamo?.endpoint;
  }

  /**
   * Options for `createClientFactory`: fake static credentials, the DynamoDB endpoint, and the
   * simulator's middleware bound to each client's scope (account + region).
   */
  clientFactoryOptions(): ClientFactoryOptions {
    return {
      credentials: { ...SIM_CREDENTIALS },
      ...(this.dynamo ? { endpoints: { dynamodb: this.dynamo.endpoint } } : {}),
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
    if (service === 'dynamodb') {
      const result = await next(args);
      if (isWriteApi(api)) this.record(account, region, key, String(input.TableName ?? ''), input);
      return result;
    }
    const fn = APIS[service]?.[api];
    if (!fn) {
      throw toSdkError(
        service,
        service === 'ec2' ? 'InvalidAction' : 'UnknownOperationException',
        `The simulated account does not implement ${key}`,
        400,
      );
    }
    const now = this.now();
    settleEksUpdates(this.live, now);
    const live = this.live;
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
    let output: unknown;
    try {
      output = await fn(ctx, input);
    } catch (error) {
      if (error instanceof SimApiError) {
        throw toSdkError(service, error.code, error.message, error.status, error.extra);
      }
      throw error;
    }
    if (isWriteApi(api)) this.record(account, region, key, resourceIdOf(service, input), input);
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
    this.log.push({
      time: new Date(this.now()).toISOString(),
      account,
      region,
      api,
      resourceId,
      requestParameters: jsonSafe(input),
    });
  }

  /**
   * A deep copy of the state (JSON-serialisable). DynamoDB items are those of the last load,
   * `snapshot()` or `save()`: use `snapshot()` for the tables' current items.
   */
  state(): SimState {
    return structuredClone(this.live);
  }

  /** The state with every DynamoDB table's current items read back from DynamoDB. */
  async snapshot(): Promise<SimState> {
    if (this.dynamo) {
      for (const account of Object.values(this.live.accounts)) {
        for (const region of Object.values(account.regions)) {
          for (const [name, table] of Object.entries(region.dynamodbTables)) {
            table.items = await this.dynamo.scan(name);
          }
        }
      }
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

  /** The append-only log of successful mutations, oldest first (a copy). */
  changes(): SimChange[] {
    return structuredClone(this.log);
  }

  /** Stops DynamoDB and destroys the clients this simulator's factories created. */
  async close(): Promise<void> {
    for (const f of this.factories.splice(0)) f.destroy();
    await this.dynamo?.close();
  }
}
