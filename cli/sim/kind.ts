import type { z } from 'zod';
import type { ClientFactory } from '../../shared/clients.js';
import type { SimCallContext, SimStateCore } from './context.js';

/** Where a kind's fields live: in each account (`buckets`) or in each region of an account (`securityGroups`). */
export type SimScope = 'account' | 'region';

/**
 * A kind's part of the state file: field name -> zod schema. Each schema has a default (`.default(() => [])`):
 * the value a new region (or account) starts with, and what a state file that leaves the field out gets.
 */
export type SimFields = Record<string, z.ZodType>;

/** The typed view of a kind's fields in one region (or account): the kind's part of `SimRegion`. */
export type SimView<F extends SimFields> = { -readonly [K in keyof F]: z.output<F[K]> };

/** A command's input as the middleware hands it over (the SDK's `…CommandInput`, untyped). */
// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
export type SimInput = Record<string, any>;

/** One simulated API: the call's context and input -> the command's output (or a thrown `SimApiError`). */
export type SimApi = (ctx: SimCallContext, input: SimInput) => unknown;

/** Where a fragment is placed, or a view was found. */
export interface SimWhere {
  readonly account: string;
  readonly region: string;
}

/** A kind's view in one place of the state, with its path for messages (`accounts.1111….regions.eu-west-2`). */
export interface SimPlaced<V> {
  readonly account: string;
  /** Absent for account kinds. */
  readonly region?: string;
  readonly path: string;
  readonly view: V;
}

/** One line of `airlock sim show`: the core adds the account, and the region for region kinds. */
export interface SimSummaryItem {
  readonly kind: string;
  readonly id: string;
  readonly detail: string;
  /** Account kinds name the region of the resource (a bucket's region). */
  readonly region?: string;
}

/** A resource described once by a scenario builder (`securityGroup({...})`), placed by `placeResources`. */
export interface SimFragment {
  readonly scope: SimScope;
  /** Adds the resource to the account or region object (created beforehand with every kind's empty value). */
  addTo(target: Record<string, unknown>, where: SimWhere): void;
}

/** A real server answering a kind's service (DynamoDB tables: dynalite). */
export interface SimServer<V> {
  readonly endpoint: string;
  /** Reads the server's current content back into the views (DynamoDB: each table's items). */
  readBack(views: readonly V[]): Promise<void>;
  close(): Promise<void>;
}

/** What a kind's snapshot reads with: clients bound to the account, and a way to turn failures into warnings. */
export interface SimSnapshotReader {
  readonly clients: ClientFactory;
  readonly scope: SimWhere;
  /** Runs one read; a failure is recorded as a warning (`api: Name: message`) and gives undefined. */
  attempt<T>(api: string, read: () => Promise<T>): Promise<T | undefined>;
  warn(message: string): void;
  /** Dates to ISO strings, `$metadata` dropped: the JSON form the state file holds. */
  plain<T>(value: T): T;
  /** Every item of a paginated read: `page(token)` returns one page's items and the next token. */
  pages<T>(
    page: (token?: string) => Promise<{ items?: T[] | undefined; next?: string | undefined }>,
  ): Promise<T[]>;
  /** The region as read so far (kinds are read in registry order): prefix lists read the ids rules name. */
  readonly region: Readonly<Record<string, unknown>>;
}

/** What a kind may add to the simulator besides its fields. Every member is optional. */
export interface SimKindHooks<V> {
  /** The APIs the kind answers, by service then API name: `{ ec2: { DescribeSecurityGroups } }`. */
  readonly apis?: Readonly<Record<string, Readonly<Record<string, SimApi>>>>;
  /**
   * The resource a write names in the change log (`GroupId`, `Bucket/Key`), read before the write runs
   * (with the call's context where the kind answers the API itself: an association names its table).
   */
  resourceId?(api: string, input: SimInput, ctx?: SimCallContext): string;
  /** Runs before every call on each view (an EKS update whose time has come settles). */
  tick?(view: V, now: number): void;
  /** Completes a view just loaded with what depends on the clock (object checksums, dates). */
  load?(view: V, now: number): void;
  /** Checks across the whole state (names that are global): the first clash, or undefined. */
  check?(placed: readonly SimPlaced<V>[]): string | undefined;
  /** `airlock sim show`'s lines for one view. */
  summarize?(view: V): readonly SimSummaryItem[];
  /** The kind's part of the sample account (`airlock sim init`), built with its scenario builders. */
  sample?(): readonly SimFragment[];
  /** Reads the kind from a real account, read-only (`airlock sim snapshot`). */
  snapshot?(read: SimSnapshotReader): Promise<Partial<V>>;
  /** A real server that answers the kind's service; calls still pass the middleware (counted, faults, log). */
  readonly server?: {
    readonly service: string;
    start(views: readonly V[]): Promise<SimServer<V>>;
  };
}

/** A resource kind of the simulated account: its fields, typed view, and hooks. Registered in `kinds/index.ts`. */
export interface SimKind<
  S extends SimScope = SimScope,
  F extends SimFields = SimFields,
  T extends z.ZodRawShape = z.ZodRawShape,
> extends SimKindHooks<SimView<F>> {
  /** What the kind is, for messages: `security groups`. */
  readonly name: string;
  readonly scope: S;
  readonly fields: F;
  /** Fields the kind adds to the state's `settings` (each optional). */
  readonly settings: T;
}

/** A kind's typed access to its fields, made before its hooks so that the hooks can use it. */
export interface SimSlot<S extends SimScope, F extends SimFields, T extends z.ZodRawShape> {
  readonly scope: S;
  readonly fields: F;
  readonly settings: T;
  /** The kind's fields where the call acts (its region, or its account); `create` adds a missing region (writes). */
  in(ctx: SimCallContext, create?: boolean): SimView<F>;
  /** The kind's fields in one account (account kinds), if the account exists. */
  of(state: SimStateCore, account: string): SimView<F> | undefined;
  /** Every view of the kind across the state. */
  all(state: SimStateCore): SimPlaced<SimView<F>>[];
  /** The kind's settings, as the state holds them. */
  settingsOf(ctx: SimCallContext): Partial<{ [K in keyof T]: z.output<T[K]> }>;
  /** A scenario fragment: `add` puts the resource in the kind's fields of the account or region it is placed in. */
  fragment(add: (view: SimView<F>, where: SimWhere) => void): SimFragment;
}

/** Every account (account kinds) or every region of every account (region kinds), with its path. */
export function viewsOf(state: SimStateCore, scope: SimScope): SimPlaced<Record<string, unknown>>[] {
  const out: SimPlaced<Record<string, unknown>>[] = [];
  for (const [account, a] of Object.entries(state.accounts)) {
    if (scope === 'account') {
      out.push({ account, path: `accounts.${account}`, view: a });
      continue;
    }
    for (const [region, r] of Object.entries(a.regions)) {
      out.push({ account, region, path: `accounts.${account}.regions.${region}`, view: r });
    }
  }
  return out;
}

function makeSlot<S extends SimScope, F extends SimFields, T extends z.ZodRawShape>(
  scope: S,
  fields: F,
  settings: T,
): SimSlot<S, F, T> {
  type V = SimView<F>;
  return {
    scope,
    fields,
    settings,
    in: (ctx, create = false) => (scope === 'account' ? ctx.account$() : ctx.region$(create)) as V,
    of: (state, account) => state.accounts[account] as V | undefined,
    all: (state) => viewsOf(state, scope) as SimPlaced<V>[],
    settingsOf: (ctx) => ctx.state.settings as Partial<{ [K in keyof T]: z.output<T[K]> }>,
    fragment: (add) => ({ scope, addTo: (target, where) => add(target as V, where) }),
  };
}

/**
 * The fields of a kind that lives in each region, and typed access to them.
 *
 * @example
 * ```ts
 * const slot = regionSlot({ securityGroups: z.array(securityGroupSchema).default(() => []) });
 * const groups = slot.in(ctx).securityGroups; // in an API handler
 * ```
 */
export function regionSlot<F extends SimFields, T extends z.ZodRawShape = Record<never, never>>(
  fields: F,
  settings: T = {} as T,
): SimSlot<'region', F, T> {
  return makeSlot('region', fields, settings);
}

/** The fields of a kind that lives in each account (buckets, roles), and typed access to them. */
export function accountSlot<F extends SimFields, T extends z.ZodRawShape = Record<never, never>>(
  fields: F,
  settings: T = {} as T,
): SimSlot<'account', F, T> {
  return makeSlot('account', fields, settings);
}

/**
 * A resource kind: its slot (fields, settings) and its hooks (APIs, summary, sample, snapshot...).
 *
 * @example
 * ```ts
 * export const prefixLists = defineKind('prefix lists', slot, { apis: { ec2: { DescribeManagedPrefixLists } } });
 * ```
 */
export function defineKind<S extends SimScope, F extends SimFields, T extends z.ZodRawShape>(
  name: string,
  slot: SimSlot<S, F, T>,
  hooks: SimKindHooks<SimView<F>>,
): SimKind<S, F, T> {
  return { name, scope: slot.scope, fields: slot.fields, settings: slot.settings, ...hooks };
}

/** The first string among `keys` of a command input (the resource a write names), or ''. */
export function firstString(input: SimInput, keys: readonly string[]): string {
  for (const k of keys) if (typeof input[k] === 'string') return input[k] as string;
  return '';
}
