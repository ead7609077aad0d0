import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

/** Delays of {@link jitteredRetryStrategy}: exponential backoff with full jitter, per error type. */
export interface RetryDelays {
  /** Base delay after a transient error (5xx, timeout), in ms; doubled per retry. */
  readonly baseMs: number;
  /** Base delay after a throttling error, in ms; doubled per retry. The SDK's own is 1,000 ms. */
  readonly throttlingBaseMs: number;
  /** Cap of one delay, in ms (default 5,000). */
  readonly maxMs?: number;
}

/** Retry quota of one client, as the SDK's standard strategy keeps it (a storm cannot retry forever). */
const CAPACITY = 500;
const COST = { THROTTLING: 5, TRANSIENT: 14 } as const;

/**
 * An SDK retry strategy with the standard strategy's rules (retries throttling and transient errors,
 * `maxAttempts` attempts in all, a retry quota refilled by successes) but configurable backoff bases.
 * The SDK's default throttling base (1 s, full jitter, doubled per retry) puts a single throttled
 * call at 0.5 s on average and 1.5 s at worst after two throttles: fine for a batch job, too slow
 * for remediating within a second under moderate throttling. Used through `ClientFactoryOptions.retryDelays`.
 *
 * @example
 * ```ts
 * const clients = createClientFactory({ retryDelays: { baseMs: 25, throttlingBaseMs: 50 } });
 * ```
 */
export function jitteredRetryStrategy(
  maxAttempts: number,
  delays: RetryDelays,
  random: () => number = Math.random,
): RetryStrategyV2 {
  let capacity = CAPACITY;
  const token = (count: number, cost: number | undefined): StandardRetryToken => ({
    getRetryCount: () => count,
    getRetryCost: () => cost,
    getRetryDelay: () => 0,
  });
  return {
    async acquireInitialRetryToken(): Promise<RetryToken> {
      return token(0, undefined);
    },
    async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
      const type = info.errorType;
      const retryable = type === 'THROTTLING' || type === 'TRANSIENT';
      const attempts = previous.getRetryCount() + 1;
      const cost = type === 'THROTTLING' ? COST.THROTTLING : COST.TRANSIENT;
      if (!retryable || attempts >= maxAttempts || capacity < cost) {
        throw new Error('No retry token available');
      }
      capacity -= cost;
      const base = type === 'THROTTLING' ? delays.throttlingBaseMs : delays.baseMs;
      const delay = Math.floor(
        random() * Math.min(base * 2 ** previous.getRetryCount(), delays.maxMs ?? 5000),
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      return token(attempts, cost);
    },
    recordSuccess(previous: RetryToken): void {
      const refund = (previous as Partial<StandardRetryToken>).getRetryCost?.() ?? 1;
      capacity = Math.min(CAPACITY, capacity + refund);
    },
  };
}
