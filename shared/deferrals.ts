import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoPort } from './breaker.js';

/**
 * When a busy resource was first deferred: the clock of the deferral bound. Config re-evaluates a
 * resource on every change, each time with a newer evaluation time, so a bound counted from the event's
 * evaluation alone restarts whenever the resource changes (a cluster kept UPDATING would be deferred
 * for ever). The clock keeps the first deferral of an unbroken run: a deferral more than
 * `continuityMs` after the previous one starts a new run.
 */
export interface DeferralClock {
  /** Notes a deferral of `resource` at `now`; returns when its unbroken run of deferrals began. */
  since(key: DeferralKey, now: number): Promise<number>;
}

export interface DeferralKey {
  readonly remediation: string;
  readonly account: string;
  readonly region: string;
  readonly resource: string;
}

const keyText = (k: DeferralKey) => `defer#${k.remediation}#${k.account}#${k.region}#${k.resource}`;

/**
 * In-process deferral clock (one container, or the harness when no table is set).
 *
 * @example
 * ```ts
 * const clock = memoryDeferralClock(3 * 3_600_000);
 * await clock.since({ remediation: 'privatize-eks-endpoint', account, region, resource: 'payments' }, Date.now());
 * ```
 */
export function memoryDeferralClock(continuityMs: number): DeferralClock {
  const runs = new Map<string, { since: number; last: number }>();
  return {
    async since(key, now) {
      const previous = runs.get(keyText(key));
      const since = previous && now - previous.last <= continuityMs ? previous.since : now;
      runs.set(keyText(key), { since, last: now });
      return since;
    },
  };
}

const conditionFailed = (error: unknown) =>
  error instanceof ConditionalCheckFailedException ||
  (error as Error).name === 'ConditionalCheckFailedException';

/**
 * The deferral clock in the DynamoDB table shared with idempotency and the breaker: one item per
 * deferred resource (`defer#…`), expiring (`expiration`, the table's TTL attribute) once its run is
 * over. One UpdateItem per deferral, two when a run starts again.
 *
 * @example
 * ```ts
 * const clock = dynamoDeferralClock(db, 'airlock-state', 3 * 3_600_000);
 * ```
 */
export function dynamoDeferralClock(db: DynamoPort, table: string, continuityMs: number): DeferralClock {
  const update = (key: DeferralKey, now: number, expression: string, condition?: string) =>
    db.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: keyText(key) } },
        UpdateExpression: expression,
        ...(condition ? { ConditionExpression: condition } : {}),
        ExpressionAttributeNames: {
          '#since': 'since',
          '#last': 'last',
          '#expiration': 'expiration',
        },
        ExpressionAttributeValues: {
          ':now': { N: String(now) },
          ...(condition ? { ':cutoff': { N: String(now - continuityMs) } } : {}),
          ':expiration': { N: String(Math.ceil((now + 2 * continuityMs) / 1000)) },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
  return {
    async since(key, now) {
      try {
        // the run goes on: keep its start
        const out = await update(
          key,
          now,
          'SET #since = if_not_exists(#since, :now), #last = :now, #expiration = :expiration',
          'attribute_not_exists(#last) OR #last >= :cutoff',
        );
        return Number(out.Attributes?.since?.N ?? now);
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
      // the previous run ended long ago: this deferral starts a new one
      await update(key, now, 'SET #since = :now, #last = :now, #expiration = :expiration');
      return now;
    },
  };
}
