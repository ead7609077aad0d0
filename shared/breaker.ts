import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** The blast-radius breaker: too many writes in a window and a remediation stops writing. */
export interface Breaker {
  /** Counts `writes` for the scope and says whether they may go ahead. */
  admit(scope: BreakerScope, writes: number, now: number): Promise<BreakerDecision>;
  status(): Promise<BreakerState[]>;
  /** An operator resets a tripped breaker. */
  reset(scope: BreakerScope): Promise<void>;
}

export interface BreakerScope {
  readonly remediation: string;
  readonly account: string;
}

export interface BreakerLimits {
  readonly maxWrites: number;
  readonly windowSeconds: number;
}

export interface BreakerDecision {
  readonly allowed: boolean;
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

/** In-process breaker (one container, or the harness when no table is set). */
export function memoryBreaker(limits: () => BreakerLimits): Breaker {
  const states = new Map<string, BreakerState>();
  const key = (s: BreakerScope) => `${s.remediation}#${s.account}`;
  return {
    async admit(scope, writes, now) {
      const l = limits();
      const w = windowStart(now, l);
      const current = states.get(key(scope));
      const base =
        current && current.windowStart === w
          ? current
          : { ...scope, windowStart: w, count: 0, tripped: false };
      const count = base.count + writes;
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
    },
  };
}

export type DynamoPort = Pick<DynamoDBClient, 'send'>;
const PREFIX = 'breaker#';

/**
 * Breaker counters in the DynamoDB table shared with idempotency (one item per remediation and
 * account). One UpdateItem per admitted batch in the common case; a tripped breaker stays tripped
 * across windows until an operator resets it.
 */
export function dynamoBreaker(db: DynamoPort, table: string, limits: () => BreakerLimits): Breaker {
  const id = (s: BreakerScope) => `${PREFIX}${s.remediation}#${s.account}`;
  const read = (item: Record<string, { N?: string; S?: string; BOOL?: boolean }> | undefined) => ({
    count: Number(item?.c?.N ?? 0),
    tripped: item?.tripped?.BOOL === true,
    trippedAt: item?.trippedAt?.S,
    windowStart: Number(item?.w?.N ?? 0),
  });
  return {
    async admit(scope, writes, now) {
      const l = limits();
      const w = String(windowStart(now, l));
      const n = String(writes);
      let item: ReturnType<typeof read>;
      try {
        const out = await db.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { id: { S: id(scope) } },
            UpdateExpression: 'ADD #c :n',
            ConditionExpression: '#w = :w',
            ExpressionAttributeNames: { '#c': 'c', '#w': 'w' },
            ExpressionAttributeValues: { ':n': { N: n }, ':w': { N: w } },
            ReturnValues: 'ALL_NEW',
          }),
        );
        item = read(out.Attributes as never);
      } catch (error) {
        if (
          !(error instanceof ConditionalCheckFailedException) &&
          (error as Error).name !== 'ConditionalCheckFailedException'
        )
          throw error;
        // a new window: start its count (a concurrent starter wins; then count in its window)
        try {
          const out = await db.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { id: { S: id(scope) } },
              UpdateExpression: 'SET #w = :w, #c = :n',
              ConditionExpression: 'attribute_not_exists(#w) OR #w < :w',
              ExpressionAttributeNames: { '#c': 'c', '#w': 'w' },
              ExpressionAttributeValues: { ':n': { N: n }, ':w': { N: w } },
              ReturnValues: 'ALL_NEW',
            }),
          );
          item = read(out.Attributes as never);
        } catch (inner) {
          if ((inner as Error).name !== 'ConditionalCheckFailedException') throw inner;
          const out = await db.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { id: { S: id(scope) } },
              UpdateExpression: 'ADD #c :n',
              ExpressionAttributeNames: { '#c': 'c' },
              ExpressionAttributeValues: { ':n': { N: n } },
              ReturnValues: 'ALL_NEW',
            }),
          );
          item = read(out.Attributes as never);
        }
      }
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
          const s = read(raw as never);
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
          UpdateExpression: 'SET #c = :z REMOVE tripped, trippedAt',
          ExpressionAttributeNames: { '#c': 'c' },
          ExpressionAttributeValues: { ':z': { N: '0' } },
        }),
      );
    },
  };
}
