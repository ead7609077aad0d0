import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_CREDENTIALS, startDynalite } from '../test/helpers/dynalite.js';
import { type DeferralClock, dynamoDeferralClock, memoryDeferralClock } from './deferrals.js';

const HOUR = 3_600_000;
const CONTINUITY = 3 * HOUR;
const T0 = Date.parse('2026-11-30T09:00:00Z');
const key = (resource: string) => ({
  remediation: 'privatize-eks-endpoint',
  account: '111122223333',
  region: 'eu-west-2',
  resource,
});

let server: Awaited<ReturnType<typeof startDynalite>>;
let db: DynamoDBClient;
beforeAll(async () => {
  server = await startDynalite();
  db = new DynamoDBClient({ endpoint: server.endpoint, region: 'eu-west-2', credentials: FAKE_CREDENTIALS });
});
afterAll(async () => {
  db.destroy();
  await server.close();
});

describe.each([
  ['in memory', () => memoryDeferralClock(CONTINUITY)],
  ['in DynamoDB (dynalite)', () => dynamoDeferralClock(db, server.table, CONTINUITY)],
] as [string, () => DeferralClock][])('Function: the deferral clock %s', (_name, clockOf) => {
  it('keeps the first deferral of an unbroken run, per resource', async () => {
    // Prepare
    const clock = clockOf();
    const name = `payments-${_name.length}`;

    // Act
    const first = await clock.since(key(name), T0);
    const hourly = [];
    for (const h of [1, 2, 3, 4]) hourly.push(await clock.since(key(name), T0 + h * HOUR));
    const other = await clock.since(key(`${name}-other`), T0 + 4 * HOUR);

    // Assess: re-evaluations every hour never restart the run; another resource has its own
    expect(first).toBe(T0);
    expect(hourly).toEqual([T0, T0, T0, T0]);
    expect(other).toBe(T0 + 4 * HOUR);
  });

  it('starts a new run after a gap longer than the continuity', async () => {
    // Prepare
    const clock = clockOf();
    const name = `ledger-${_name.length}`;
    await clock.since(key(name), T0);

    // Act
    const within = await clock.since(key(name), T0 + CONTINUITY);
    const after = await clock.since(key(name), T0 + 2 * CONTINUITY + 1);

    // Assess
    expect(within).toBe(T0);
    expect(after).toBe(T0 + 2 * CONTINUITY + 1);
  });
});

describe('Function: dynamoDeferralClock', () => {
  it('writes one item per resource that expires with its run (the table TTL attribute)', async () => {
    // Prepare
    const clock = dynamoDeferralClock(db, server.table, CONTINUITY);

    // Act
    await clock.since(key('cards'), T0);
    await clock.since(key('cards'), T0 + HOUR);
    const out = await db.send(
      new GetItemCommand({
        TableName: server.table,
        Key: { id: { S: 'defer#privatize-eks-endpoint#111122223333#eu-west-2#cards' } },
      }),
    );

    // Assess
    expect(out.Item).toMatchObject({
      since: { N: String(T0) },
      last: { N: String(T0 + HOUR) },
      expiration: { N: String(Math.ceil((T0 + HOUR + 2 * CONTINUITY) / 1000)) },
    });
  });
});
