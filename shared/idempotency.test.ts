import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FAKE_CREDENTIALS, startDynalite } from '../test/helpers/dynalite.js';
import type { Outcome } from './audit-record.js';
import { dynamoIdempotency } from './idempotency.js';
import type { PipelineResult } from './pipeline.js';

const CONTEXT = { getRemainingTimeInMillis: () => 60_000 } as Context;

describe('Function: dynamoIdempotency', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let client: DynamoDBClient;
  let logger: Logger;
  let n = 0;
  beforeAll(async () => {
    db = await startDynalite();
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'eu-west-2',
      credentials: FAKE_CREDENTIALS,
    });
  });
  afterAll(async () => {
    client.destroy();
    await db.close();
  });

  /** A guard on the table, a key of its own, and work that counts its runs. */
  function setUp(outcome: Outcome, dynamo = client) {
    logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    const once = dynamoIdempotency(dynamo, {
      table: db.table,
      expiresAfterSeconds: 3600,
      keyPrefix: 'airlock#test',
      logger,
    });
    once.registerContext(CONTEXT);
    const key = `key-${++n}`;
    let runs = 0;
    const work = async (): Promise<PipelineResult> => ({
      recordId: `record-${++runs}`,
      outcome,
      reason: 'why',
    });
    return { guard: once.guard, key, work, runs: () => runs };
  }

  const itemsFor = async (key: string) => {
    const out = await client.send(new ScanCommand({ TableName: db.table }));
    return (out.Items ?? []).filter((i) => i.id?.S?.includes(key));
  };

  it.each<Outcome>(['APPLIED', 'NOOP'])(
    'stores a %s result: the next delivery gets it without running the work',
    async (outcome) => {
      // Prepare
      const { guard, key, work, runs } = setUp(outcome);

      // Act
      const first = await guard(key, work);
      const second = await guard(key, work);

      // Assess
      expect(first).toEqual({ recordId: 'record-1', outcome, reason: 'why' });
      expect(second).toEqual(first);
      expect(runs()).toBe(1);
    },
  );

  it.each<Outcome>(['PLANNED', 'EXEMPT', 'SUPPRESSED'])(
    'returns a %s result without storing it: the next delivery runs the work again',
    async (outcome) => {
      // Prepare
      const { guard, key, work, runs } = setUp(outcome);

      // Act
      const first = await guard(key, work);
      const stored = await itemsFor(key);
      const second = await guard(key, work);

      // Assess
      expect(first).toEqual({ recordId: 'record-1', outcome, reason: 'why' });
      expect(stored).toEqual([]);
      expect(second.recordId).toBe('record-2');
      expect(runs()).toBe(2);
    },
  );

  it('lets an error of the work through and releases the key for the retry', async () => {
    // Prepare
    const { guard, key, work, runs } = setUp('APPLIED');
    const failing = async (): Promise<PipelineResult> => {
      throw new Error('step failed');
    };

    // Act
    const first = guard(key, failing);
    await expect(first).rejects.toThrow('step failed');
    const retry = await guard(key, work);

    // Assess
    expect(retry.outcome).toBe('APPLIED');
    expect(runs()).toBe(1);
  });

  it('returns a non-final result when its in-progress item cannot be deleted, and warns', async () => {
    // Prepare: a client whose DeleteItem is refused
    const refusing = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'eu-west-2',
      credentials: FAKE_CREDENTIALS,
    });
    refusing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteItemCommand') throw new Error('AccessDeniedException');
        return next(args);
      },
      { step: 'initialize', name: 'refuseDelete' },
    );
    const { guard, key, work } = setUp('SUPPRESSED', refusing);
    const warn = vi.spyOn(logger, 'warn');

    // Act
    const result = await guard(key, work);
    const blocked = guard(key, work);

    // Assess: the result stands; the key stays in progress until the invocation's time runs out
    expect(result).toEqual({ recordId: 'record-1', outcome: 'SUPPRESSED', reason: 'why' });
    expect(warn).toHaveBeenCalledWith('idempotency item not released', {
      error: 'IdempotencyPersistenceLayerError',
    });
    await expect(blocked).rejects.toMatchObject({ name: 'IdempotencyAlreadyInProgressError' });
    refusing.destroy();
  });
});
