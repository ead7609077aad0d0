/**
 * The one family of errors airlock raises. The class tells the pipeline what to do:
 *
 * - {@link EventRejectedError}: record REJECTED, never retry (bad or hostile input).
 * - {@link ResourceGoneError}: record NOOP (the resource was deleted meanwhile).
 * - {@link RemediationFailedError}: a FAILED record was written; the invocation fails so that
 *   Lambda retries it and, once retries are exhausted, sends it to the dead-letter queue.
 * - anything else: rethrown so that Lambda retries and idempotency guards the replay.
 *
 * @example
 * ```ts
 * throw new EventRejectedError('resourceId "sg-../../x" is not a security group id');
 * ```
 */
export class AirlockError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The event cannot be acted upon: malformed, hostile, unrelated, or outside the allowlist. */
export class EventRejectedError extends AirlockError {}

/** The resource no longer exists (describe found nothing). */
export class ResourceGoneError extends AirlockError {}

/** Settings (environment or Parameter Store) are invalid. Fails at start-up, says which one. */
export class SettingsError extends AirlockError {}

/** The exemption register could not be read and the settings say to stop rather than act. */
export class ExemptionRegisterError extends AirlockError {}

/** Writing the audit record failed: the invocation fails, no action goes unrecorded. */
export class AuditWriteError extends AirlockError {}

/**
 * A remediation did not reach a compliant state (a step failed, the resource was busy, or the
 * verification still found a violation). The FAILED audit record is already written.
 */
export class RemediationFailedError extends AirlockError {
  constructor(
    message: string,
    readonly recordId: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The idempotency guard's own signal, never seen outside it: the work's result is not final
 * (PLANNED, EXEMPT, SUPPRESSED), so it must not be stored. Thrown out of the idempotent function,
 * which makes Powertools delete the in-progress item instead of storing the result, and caught by
 * the guard, which returns `result`.
 */
export class NonFinalResultError extends AirlockError {
  constructor(readonly result: unknown) {
    super('the result is not final: not stored');
  }
}

/** The error's AWS error code (`name` on SDK v3 service exceptions), or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const candidate of [e.name, e.Code, e.code]) {
      if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
    }
  }
  return undefined;
}

/** A short, JSON-safe description of any thrown value, for audit records and logs. */
export function describeError(error: unknown): { name: string; message: string; httpStatus?: number } {
  if (error instanceof Error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return {
      name: errorCode(error) ?? error.name,
      message: error.message.slice(0, 2000),
      ...(status ? { httpStatus: status } : {}),
    };
  }
  return { name: 'Unknown', message: String(error).slice(0, 2000) };
}
