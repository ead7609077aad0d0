import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/**
 * The blast-radius breaker: too many resources changed in a window and a remediation stops writing.
 * It counts what a storm would change, not the steps of one fix: one per event that writes, and a
 * resource at most once per window, so one resource (a group with 21 world-open rules, or one changed
 * again and again) can never switch a remediation off for its account.
 */
export interface Breaker {
  /**
   * Counts `resource` for the scope (once per window: a resource already counted adds nothing) and
   * says whether its writes may go ahead.
   */
  admit(scope: BreakerScope, resource: string, now: number): Promise<BreakerDecision>;
  status(): Promise<BreakerState[]>;
  /** An operator resets a tripped breaker. */
  reset(scope: BreakerScope): Promise<void>;
}

export interface BreakerScope {
  readonly remediation: string;
  readonly account: string;
}

export interface BreakerLimits {
  /** Resources changed per remediation and account in a window (the setting `blastRadius.maxWrites`). */
  readonly maxWrites: number;
  readonly windowSeconds: number;
}

export interface BreakerDecision {
  readonly allowed: boolean;
  /** Resources counted in the window. */
  readonly count: number;
  readonly tripped: boolean;
  /** True when this call tripped it (raise the alarm once). */
  readonly trippedNow: boolean;
}

export interface BreakerState extends BreakerScope {
  readonly windowStart: number;
  readonly count: number;
  readonly tripped: boolean;
  readonly trippedAt?: string;
}

const windowStart = (now: number, limits: BreakerLimits) =>
  Math.floor(now / (limits.windowSeconds * 1000)) * limits.windowSeconds * 1000;

/**
 * In-process breaker (one container, or the harness when no table is set).
 *
 * @example
 * ```ts
 * const breaker = memoryBreaker(() => ({ maxWrites: 20, windowSeconds: 300 }));
 * const decision = await breaker.admit({ remediation: 'revoke-open-ssh', account }, 'sg-0a1b2c3d', Date.now());
 * ```
 */
export function memoryBreaker(limits: () => BreakerLimits): Breaker {
  const states = new Map<string, BreakerState>();
  const seen = new Map<string, Set<string>>();
  const key = (s: BreakerScope) => `${s.remediation}#${s.account}`;
  return {
    async admit(scope, resource, now) {
      const l = limits();
      const w = windowStart(now, l);
      const current = states.get(key(scope));
      const sameWindow = current !== undefined && current.windowStart === w;
      const base = sameWindow ? current : { ...scope, windowStart: w, count: 0, tripped: false };
      const counted = sameWindow ? (seen.get(key(scope)) ?? new Set<string>()) : new Set<string>();
      const count = base.count + (counted.has(resource) ? 0 : 1);
      counted.add(resource);
      seen.set(key(scope), counted);
      const wasTripped = current?.tripped ?? false;
      const trippedNow = !wasTripped && count > l.maxWrites;
      const tripped = wasTripped || trippedNow;
      states.set(key(scope), {
        ...base,
        count,
        tripped,
        ...(trippedNow
          ? { trippedAt: new Date(now).toISOString() }
          : current?.trippedAt
            ? { trippedAt: current.trippedAt }
            : {}),
      });
      return { allowed: !tripped, count, tripped, trippedNow };
    },
    async status() {
      return [...states.values()];
    },
    async reset(scope) {
      states.delete(key(scope));
      seen.delete(key(scope));
    },
  };
}

export type DynamoPort = Pick<DynamoDBClient, 'send'>;
const PREFIX = 'breaker#';

type Item = Record<string, { N?: string; S?: string; BOOL?: boolean; SS?: string[] }>;
interface Counter {
  readonly count: number;
  readonly tripped: boolean;
  readonly trippedAt?: string | undefined;
  readonly windowStart: number;
  readonly seen: readonly string[];
}

const readCounter = (item: Item | undefined): Counter => ({
  count: Number(item?.c?.N ?? 0),
  tripped: item?.tripped?.BOOL === true,
  trippedAt: item?.trippedAt?.S,
  windowStart: Number(item?.w?.N ?? 0),
  seen: item?.s?.SS ?? [],
});

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/**
 * Breaker counters in the DynamoDB table shared with idempotency: one item per remediation and
 * account, holding the window, the count and the resources counted in it. One UpdateItem per
 * admission in the common case (a resource not yet counted in the current window); a tripped breaker
 * stays tripped across windows until an operator resets it.
 *
 * @example
 * ```ts
 * const breaker = dynamoBreaker(db, 'airlock-state', () => settings.blastRadius);
 * ```
 */
export function dynamoBreaker(db: DynamoPort, table: string, limits: () => BreakerLimits): Breaker {
  const id = (s: BreakerScope) => `${PREFIX}${s.remediation}#${s.account}`;
  const update = async (
    scope: BreakerScope,
    expression: string,
    condition: string | undefined,
    values: Item,
  ): Promise<Counter | undefined> => {
    // DynamoDB refuses names and values an expression does not use
    const text = `${expression} ${condition ?? ''}`;
    const used = <T>(entries: Record<string, T>) =>
      Object.fromEntries(Object.entries(entries).filter(([k]) => new RegExp(`${k}\\b`).test(text)));
    try {
      const out = await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: id(scope) } },
          UpdateExpression: expression,
          ...(condition ? { ConditionExpression: condition } : {}),
          ExpressionAttributeNames: used({ '#c': 'c', '#w': 'w', '#s': 's' }),
          ExpressionAttributeValues: used(values) as never,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return readCounter(out.Attributes as Item);
    } catch (error) {
      if (conditionFailed(error)) return undefined;
      throw error;
    }
  };
  /** Counts the resource in the window: the counter after, or what it was when already counted. */
  const count = async (scope: BreakerScope, resource: string, w: string): Promise<Counter> => {
    const values = { ':one': { N: '1' }, ':w': { N: w }, ':set': { SS: [resource] }, ':r': { S: resource } };
    const fresh = 'NOT contains(#s, :r)';
    return (
      // the common case: a resource not yet counted in the current window
      (await update(scope, 'ADD #c :one, #s :set', `#w = :w AND ${fresh}`, values)) ??
      // a new window (a concurrent starter wins; then count in its window)
      (await update(
        scope,
        'SET #w = :w, #c = :one, #s = :set',
        'attribute_not_exists(#w) OR #w < :w',
        values,
      )) ??
      (await update(scope, 'ADD #c :one, #s :set', fresh, values)) ??
      // already counted in this window: read the counter as it is
      (await update(scope, 'ADD #c :zero', undefined, { ':zero': { N: '0' } }))!
    );
  };
  return {
    async admit(scope, resource, now) {
      const l = limits();
      const item = await count(scope, resource, String(windowStart(now, l)));
      if (item.tripped) return { allowed: false, count: item.count, tripped: true, trippedNow: false };
      if (item.count <= l.maxWrites)
        return { allowed: true, count: item.count, tripped: false, trippedNow: false };
      await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: id(scope) } },
          UpdateExpression: 'SET tripped = :t, trippedAt = if_not_exists(trippedAt, :at)',
          ExpressionAttributeValues: { ':t': { BOOL: true }, ':at': { S: new Date(now).toISOString() } },
        }),
      );
      return { allowed: false, count: item.count, tripped: true, trippedNow: true };
    },
    async status() {
      const states: BreakerState[] = [];
      let start: Record<string, never> | undefined;
      do {
        const out = await db.send(
          new ScanCommand({
            TableName: table,
            FilterExpression: 'begins_with(id, :p)',
            ExpressionAttributeValues: { ':p': { S: PREFIX } },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const raw of out.Items ?? []) {
          const [remediation = '', account = ''] = (raw.id?.S ?? '').slice(PREFIX.length).split('#');
          const s = readCounter(raw as Item);
          states.push({
            remediation,
            account,
            windowStart: s.windowStart,
            count: s.count,
            tripped: s.tripped,
            ...(s.trippedAt ? { trippedAt: s.trippedAt } : {}),
          });
        }
        start = out.LastEvaluatedKey as never;
      } while (start);
      return states;
    },
    async reset(scope) {
      const existing = await db.send(new GetItemCommand({ TableName: table, Key: { id: { S: id(scope) } } }));
      if (!existing.Item) return;
      await db.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { id: { S: id(scope) } },
          UpdateExpression: 'SET #c = :z REMOVE tripped, trippedAt, #s',
          ExpressionAttributeNames: { '#c': 'c', '#s': 's' },
          ExpressionAttributeValues: { ':z': { N: '0' } },
        }),
      );
    },
  };
}
