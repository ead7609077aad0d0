import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CREDENTIALS, startDynalite } from '../test/helpers/dynalite.js';
import { type Breaker, type BreakerLimits, dynamoBreaker, memoryBreaker } from './breaker.js';

/** The start of a one-minute window. */
const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const MINUTE = 60_000;

let db: Awaited<ReturnType<typeof startDynalite>>;
let client: DynamoDBClient;
beforeAll(async () => {
  db = await startDynalite();
  client = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-2', credentials: FAKE_CREDENTIALS });
});
afterAll(async () => {
  client.destroy();
  await db.close();
});

type Make = (limits: () => BreakerLimits) => Breaker;
const implementations: [string, Make][] = [
  ['memoryBreaker', (limits) => memoryBreaker(limits)],
  ['dynamoBreaker', (limits) => dynamoBreaker(client, db.table, limits)],
];

let scopes = 0;
/** A scope of its own per test (the table is shared by the tests of the DynamoDB breaker). */
const newScope = (account = '111122223333') => ({ remediation: `remediation-${++scopes}`, account });
let resources = 0;
/** Admits `n` resources never seen before, one after the other: the last decision. */
async function admitNew(breaker: Breaker, scope: ReturnType<typeof newScope>, n: number, now: number) {
  let last: Awaited<ReturnType<Breaker['admit']>> | undefined;
  for (let i = 0; i < n; i++)
    last = await breaker.admit(scope, `sg-${(++resources).toString(16).padStart(8, '0')}`, now);
  return last!;
}

describe.each(implementations)('Function: %s', (_name, make) => {
  const limits = { maxWrites: 3, windowSeconds: 60 };

  it('admits resources up to the limit in a window and trips on the resource past it, once', async () => {
    // Prepare
    const breaker = make(() => limits);
    const scope = newScope();

    // Act
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await admitNew(breaker, scope, 1, T0 + i * 1000));

    // Assess
    expect(decisions.map((d) => [d.allowed, d.count, d.tripped, d.trippedNow])).toEqual([
      [true, 1, false, false],
      [true, 2, false, false],
      [true, 3, false, false],
      [false, 4, true, true],
      [false, 5, true, false],
    ]);
  });

  it('counts a resource once per window, however often it is admitted: one resource never trips it', async () => {
    // Prepare
    const breaker = make(() => limits);
    const scope = newScope();

    // Act
    const decisions = [];
    for (let i = 0; i < 10; i++) decisions.push(await breaker.admit(scope, 'sg-0a1b2c3d', T0 + i * 1000));
    const other = await admitNew(breaker, scope, 1, T0 + 20_000);

    // Assess
    expect(decisions.every((d) => d.allowed && d.count === 1 && !d.tripped)).toBe(true);
    expect(other).toEqual({ allowed: true, count: 2, tripped: false, trippedNow: false });
  });

  it('counts a resource again in a new window', async () => {
    // Prepare
    const breaker = make(() => limits);
    const scope = newScope();
    await breaker.admit(scope, 'sg-0a1b2c3d', T0);
    await admitNew(breaker, scope, 1, T0 + MINUTE);

    // Act
    const again = await breaker.admit(scope, 'sg-0a1b2c3d', T0 + MINUTE + 1000);

    // Assess
    expect(again).toEqual({ allowed: true, count: 2, tripped: false, trippedNow: false });
  });

  it('starts a new count in a new window', async () => {
    // Prepare
    const breaker = make(() => limits);
    const scope = newScope();
    await admitNew(breaker, scope, 3, T0);

    // Act
    const next = await admitNew(breaker, scope, 3, T0 + MINUTE);

    // Assess
    expect(next).toEqual({ allowed: true, count: 3, tripped: false, trippedNow: false });
  });

  it('stays tripped in later windows until an operator resets it, then admits again', async () => {
    // Prepare
    const breaker = make(() => limits);
    const scope = newScope();
    await admitNew(breaker, scope, 4, T0);

    // Act
    const later = await admitNew(breaker, scope, 1, T0 + 10 * MINUTE);
    await breaker.reset(scope);
    const afterReset = await admitNew(breaker, scope, 1, T0 + 10 * MINUTE + 1000);

    // Assess
    expect(later).toMatchObject({ allowed: false, tripped: true, trippedNow: false });
    expect(afterReset).toEqual({ allowed: true, count: 1, tripped: false, trippedNow: false });
  });

  it('counts each remediation and account apart', async () => {
    // Prepare
    const breaker = make(() => limits);
    const tripped = newScope('111122223333');
    const otherAccount = { ...tripped, account: '444455556666' };
    const otherRemediation = newScope('111122223333');
    await admitNew(breaker, tripped, 4, T0);

    // Act
    const a = await admitNew(breaker, otherAccount, 1, T0);
    const b = await admitNew(breaker, otherRemediation, 1, T0);
    await breaker.reset(otherAccount);
    const stillTripped = await admitNew(breaker, tripped, 1, T0);

    // Assess
    expect([a.allowed, b.allowed]).toEqual([true, true]);
    expect(stillTripped).toMatchObject({ allowed: false, tripped: true });
  });

  it('reports each scope with its count, window and when it tripped', async () => {
    // Prepare
    const breaker = make(() => limits);
    const tripped = newScope();
    const fine = newScope();
    await admitNew(breaker, tripped, 4, T0 + 5000);
    await admitNew(breaker, fine, 2, T0);

    // Act
    const states = (await breaker.status()).filter((s) =>
      [tripped.remediation, fine.remediation].includes(s.remediation),
    );

    // Assess
    expect(states).toHaveLength(2);
    expect(states).toContainEqual({
      ...tripped,
      windowStart: T0,
      count: 4,
      tripped: true,
      trippedAt: new Date(T0 + 5000).toISOString(),
    });
    expect(states).toContainEqual({ ...fine, windowStart: T0, count: 2, tripped: false });
  });

  it('resets a scope it has never seen without complaint', async () => {
    const breaker = make(() => limits);
    await expect(breaker.reset(newScope())).resolves.toBeUndefined();
  });

  it('reads the limits on every admission (a setting changed at run time applies)', async () => {
    // Prepare
    let current = { maxWrites: 1, windowSeconds: 60 };
    const breaker = make(() => current);
    const scope = newScope();
    await admitNew(breaker, scope, 1, T0);
    current = { maxWrites: 5, windowSeconds: 60 };

    // Act
    const decision = await admitNew(breaker, scope, 1, T0 + 1000);

    // Assess
    expect(decision).toEqual({ allowed: true, count: 2, tripped: false, trippedNow: false });
  });
});
