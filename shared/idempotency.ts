import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { NonFinalResultError } from './errors.js';
import { isFinalOutcome } from './pipeline/idempotency.js';
import type { IdempotencyGuard, PipelineResult } from './pipeline/pipeline-deps.js';

export interface DynamoIdempotencyOptions {
  readonly table: string;
  /** How long a final result is kept (the key's time to live). */
  readonly expiresAfterSeconds: number;
  /** Prefix of every key (one per function: `airlock#revoke-open-ssh`). */
  readonly keyPrefix: string;
  readonly logger: Logger;
}

/** An idempotency guard, and how to tell it the Lambda context (an in-progress item expires with the invocation). */
export interface DynamoIdempotency {
  readonly guard: IdempotencyGuard;
  registerContext(context: Context): void;
}

/**
 * The idempotency guard on airlock's DynamoDB table (Powertools idempotency): a result is stored
 * only when its outcome is final. Powertools has no "do not store this result" switch, so a
 * non-final result leaves the idempotent function as a {@link NonFinalResultError}: Powertools
 * deletes the in-progress item (as for any error) and the guard returns the result. Should that
 * delete fail, the result still stands (its record is written): the item stays in progress until
 * the invocation's time runs out, then the next delivery runs again.
 *
 * @example
 * ```ts
 * const { guard } = dynamoIdempotency(db, { table: 'airlock', expiresAfterSeconds: 604800, keyPrefix: 'airlock#revoke-open-ssh', logger });
 * await guard(idempotencyKey(parsed), () => remediate()); // stored if APPLIED or NOOP
 * ```
 */
export function dynamoIdempotency(db: DynamoDBClient, options: DynamoIdempotencyOptions): DynamoIdempotency {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    expiresAfterSeconds: options.expiresAfterSeconds,
  });
  const once = makeIdempotent(
    async (_key: { key: string }, work: () => Promise<PipelineResult>): Promise<PipelineResult> => work(),
    {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: options.table,
        awsSdkV3Client: db,
      }),
      config,
      keyPrefix: options.keyPrefix,
    },
  );
  return {
    guard: async (key, work) => {
      let unstored: PipelineResult | undefined;
      const settle = async () => {
        const result = await work();
        if (isFinalOutcome(result.outcome)) return result;
        unstored = result;
        throw new NonFinalResultError(result);
      };
      try {
        return await once({ key }, settle);
      } catch (error) {
        if (unstored === undefined) throw error;
        if (!(error instanceof NonFinalResultError)) {
          options.logger.warn('idempotency item not released', { error: (error as Error).name });
        }
        return unstored;
      }
    },
    registerContext: (context) => config.registerLambdaContext(context),
  };
}
