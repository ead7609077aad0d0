import * as z from 'zod/mini';

/**
 * The dead-letter queue is untrusted input: every function role may send to it. A message is only
 * acted on when it is the on-failure record Lambda itself writes for one of airlock's own functions
 * in this partition, account and region; anything else is kept for an operator.
 */

/** Why Lambda gives up on an asynchronous event (the `condition` of an on-failure record). */
export const LAMBDA_FAILURE_CONDITIONS = ['RetriesExhausted', 'EventAgeExceeded'] as const;

/** Where the sweep runs: only functions of this partition, account and region are airlock's. */
export interface Home {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

/**
 * The on-failure record as Lambda writes it to an SQS destination: `version` 1.0, a timestamp, the
 * request context (request id, function ARN, condition, invoke count), the original event and the
 * response context. Extra fields are allowed (Lambda may add some); missing or mistyped ones are not.
 */
const DestinationRecordSchema = z.object({
  version: z.literal('1.0'),
  timestamp: z.string().check(z.minLength(1)),
  requestContext: z.object({
    requestId: z.string().check(z.minLength(1)),
    functionArn: z.string(),
    condition: z.enum(LAMBDA_FAILURE_CONDITIONS),
    approximateInvokeCount: z.number().check(z.int(), z.nonnegative()),
  }),
  requestPayload: z.unknown(),
  responseContext: z.object({
    statusCode: z.number().check(z.int()),
    executedVersion: z.optional(z.string()),
    functionError: z.optional(z.string()),
  }),
});

/** A dead letter the sweep may act on: the function that failed (by name) and its original event. */
export interface DeadLetter {
  readonly functionName: string;
  readonly payload: unknown;
}

/** Why a message is kept for an operator rather than acted on. */
export type KeptReason =
  | 'not-json'
  | 'not-a-lambda-failure-record'
  | 'foreign-function'
  | 'no-request-payload';

/** A message read from the queue: either a dead letter of airlock's, or the reason it is kept. */
export type ReadMessage = { readonly letter: DeadLetter } | { readonly kept: KeptReason };

/**
 * The function a destination record names, when it is a function of this partition, account and
 * region (`arn:<partition>:lambda:<region>:<account>:function:NAME[:$LATEST]`); undefined otherwise.
 * airlock publishes no versions or aliases, so `$LATEST` is the only qualifier accepted.
 *
 * @example
 * ```ts
 * const home = { partition: 'aws', account: '111122223333', region: 'eu-west-2' };
 * functionNameOfArn('arn:aws:lambda:eu-west-2:111122223333:function:airlock-x:$LATEST', home); // 'airlock-x'
 * functionNameOfArn('arn:aws:lambda:eu-west-2:444455556666:function:airlock-x', home); // undefined
 * ```
 */
export function functionNameOfArn(arn: unknown, home: Home): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const match =
    /^arn:([a-z-]+):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::\$LATEST)?$/.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, name] = match;
  if (partition !== home.partition || region !== home.region || account !== home.account) return undefined;
  return name;
}

/**
 * Reads one message of the dead-letter queue: a Lambda on-failure record of a function of this
 * partition, account and region, with its original event; or the reason it is kept.
 *
 * @example
 * ```ts
 * readDeadLetter(message.Body, home); // { letter: { functionName: 'airlock-revoke-open-ssh', payload } } or { kept: 'foreign-function' }
 * ```
 */
export function readDeadLetter(body: string | undefined, home: Home): ReadMessage {
  let record: unknown;
  try {
    record = JSON.parse(body ?? '');
  } catch {
    return { kept: 'not-json' };
  }
  const parsed = DestinationRecordSchema.safeParse(record);
  if (!parsed.success) return { kept: 'not-a-lambda-failure-record' };
  const functionName = functionNameOfArn(parsed.data.requestContext.functionArn, home);
  if (!functionName) return { kept: 'foreign-function' };
  if (!('requestPayload' in (record as object))) return { kept: 'no-request-payload' };
  return { letter: { functionName, payload: parsed.data.requestPayload } };
}
