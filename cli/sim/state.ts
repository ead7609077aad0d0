import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type SimFields, type SimKind, type SimScope, viewsOf } from './kind.js';
import { SIM_KINDS } from './kinds/index.js';

type Kinds = (typeof SIM_KINDS)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
// biome-ignore lint/suspicious/noExplicitAny: any settings shape
type FieldsOf<K, S extends SimScope> = K extends SimKind<S, infer F, any> ? F : never;
type SettingsOf<K> = K extends SimKind<SimScope, SimFields, infer T> ? T : never;
type MergedFields<S extends SimScope> = UnionToIntersection<FieldsOf<Kinds, S>>;
type MergedSettings = UnionToIntersection<SettingsOf<Kinds>>;

/** The fields every kind of a scope declares, merged (a name declared twice is a registry error). */
function mergeFields<S extends SimScope>(scope: S): MergedFields<S> {
  const merged: Record<string, z.ZodType> = {};
  for (const kind of SIM_KINDS as readonly SimKind[]) {
    if (kind.scope !== scope) continue;
    for (const [name, schema] of Object.entries(kind.fields)) {
      if (merged[name]) throw new Error(`simulated account: two kinds declare the ${scope} field ${name}`);
      merged[name] = schema;
    }
  }
  return merged as MergedFields<S>;
}

function mergeSettings(): MergedSettings {
  return Object.assign({}, ...SIM_KINDS.map((k) => k.settings)) as MergedSettings;
}

const regionSchema = z.object(mergeFields('region')).strict();

const accountSchema = z
  .object({
    ...mergeFields('account'),
    regions: z
      .record(
        z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected a region such as eu-west-2'),
        regionSchema,
      )
      .default(() => ({})),
  })
  .strict();

const faultSchema = z
  .object({
    /** `service:Api`, `service:*` or `*` (default). */
    api: z
      .string()
      .regex(/^(\*|[a-z0-9-]+:(\*|[A-Za-z0-9]+))$/, "expected '*', 'service:*' or 'service:Api'")
      .optional(),
    kind: z.enum(['throttle', 'server-error', 'timeout', 'latency']),
    /** Probability per attempt, 0..1. */
    rate: z.number().min(0).max(1),
    /** Latency added (kind latency, or before a timeout), uniformly in [min, max] ms. */
    latencyMs: z
      .tuple([z.number().min(0), z.number().min(0)])
      .refine(([a, b]) => a <= b, 'latencyMs is [min, max] with min <= max')
      .optional(),
    /** Inject at most this many times (then the fault is spent): `{ rate: 1, times: 1 }` fails the first attempt only. */
    times: z.number().int().min(0).optional(),
  })
  .strict();

export const SimFaultsSchema = z.array(faultSchema);

/** One successful write, as the change log keeps it (`SimChange`): what CloudTrail would record. */
const changeSchema = z
  .object({
    time: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date'),
    account: z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'),
    region: z.string(),
    api: z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9]+$/, "expected 'service:Api'"),
    resourceId: z.string(),
    requestParameters: z.record(z.string(), z.unknown()),
    caller: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected a role ARN')
      .optional(),
  })
  .strict();

/**
 * The simulated account's state file: accounts -> regions -> resources, in the SDK's own shapes
 * wherever the SDK has one. JSON, validated on load (errors name the path of the bad field). The
 * resource fields come from the kinds registered in `kinds/index.ts`. See cli/sim/README.md.
 */
export const SimStateSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Seed of the random streams (fault injection, new resource ids): same seed, same run. */
    seed: z.number().int().default(1),
    /** Counter behind new ids (rules, updates): persisted so ids never repeat across save/load. */
    sequence: z.number().int().min(0).default(0),
    faults: SimFaultsSchema.default(() => []),
    /**
     * Every successful write, oldest first, across loads and saves: the account's CloudTrail
     * (`cloudTrailEventFor` renders each; `airlock audit reconcile --sim-state` reads them).
     */
    changeLog: z.array(changeSchema).default(() => []),
    /** Behaviour knobs, declared by the kinds (`eksUpdateDelayMs`). */
    settings: z
      .object(mergeSettings())
      .strict()
      .default(() => ({})),
    /** Account id (12 digits) -> account. The first is the default account. */
    accounts: z
      .record(z.string().regex(/^\d{12}$/, 'expected a 12-digit account id'), accountSchema)
      .refine((a) => Object.keys(a).length > 0, 'at least one account is needed'),
  })
  .strict();

export type SimState = z.output<typeof SimStateSchema>;
/** What a state may look like before defaults are filled in (every resource list optional). */
export type SimStateInput = z.input<typeof SimStateSchema>;
export type SimAccount = z.output<typeof accountSchema>;
export type SimRegion = z.output<typeof regionSchema>;
export type SimSettings = SimState['settings'];
/** One fault: `api` is `service:Api`, `service:*` or `*` (default). */
export type SimFault = z.output<typeof faultSchema>;
export type FaultKind = SimFault['kind'];

/** The error a bad state file raises: the message names the path of each bad field. */
export class SimStateError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SimStateError';
  }
}

/**
 * Validates a state (parsed JSON) and fills in defaults; the error names each bad field's path
 * (`accounts.111122223333.regions.eu-west-2.securityGroups.0.GroupId: expected sg-…`).
 *
 * @example
 * ```ts
 * const state = parseSimState(JSON.parse(text), 'state.json');
 * ```
 */
export function parseSimState(raw: unknown, source = 'state'): SimState {
  const result = SimStateSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => {
      // a bad record key: say what the key should look like (the nested issue), not just "invalid key"
      const inner = (i as { issues?: { message: string }[] }).issues?.[0]?.message;
      const message = i.code === 'invalid_key' && inner ? `invalid key: ${inner}` : i.message;
      return `${i.path.map(String).join('.') || '(root)'}: ${message}`;
    });
    throw new SimStateError(`${source} is not a valid simulator state: ${issues.join('; ')}`, issues);
  }
  const state = result.data;
  for (const kind of SIM_KINDS as readonly SimKind[]) {
    const clash = kind.check?.(viewsOf(state, kind.scope));
    if (clash) throw new SimStateError(`${source} is not a valid simulator state: ${clash}`);
  }
  return state;
}

/** Reads and validates a state file. */
export function loadSimState(path: string): SimState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SimStateError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SimStateError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseSimState(raw, path);
}

/** An empty region: every kind's field with its default, in registry order. */
export function emptyRegion(): SimRegion {
  return regionSchema.parse({});
}

/** An empty account: no regions, every account kind's field with its default. */
export function emptyAccount(): SimAccount {
  return accountSchema.parse({});
}
