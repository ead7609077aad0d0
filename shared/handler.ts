import type { Context } from 'aws-lambda';
import { type BuiltDeps, createDeps, type DepsOptions } from './deps.js';
import { createMetrics, recordMetrics } from './metrics.js';
import { type PipelineResult, runPipeline } from './pipeline.js';
import type { AnyRemediation } from './remediation.js';

/**
 * The Lambda handler of a remediation: dependencies built once per container, at init (settings
 * validated at start-up), then each event handed to the shared pipeline.
 *
 * @example
 * ```ts
 * // functions/revoke-open-ssh/handler.ts
 * export const handler = createHandler(revokeOpenSsh);
 * ```
 */
export function createHandler(
  remediation: AnyRemediation,
  options: DepsOptions = {},
): (event: unknown, context?: Context) => Promise<PipelineResult> {
  const build = (): BuiltDeps => {
    // SUPPRESSED records raise the blast-radius alarm's metric (EMF on stdout)
    const emit = recordMetrics(createMetrics(remediation.id));
    const onRecord = options.onRecord;
    return createDeps(remediation.id, {
      ...options,
      onRecord: (record) => {
        emit(record);
        onRecord?.(record);
      },
    });
  };
  // Built now, in Lambda's init phase (the handler module calls this at its top level): settings
  // validated, clients and logger created before the first event. Invalid settings fail every
  // invocation with their SettingsError, as when the dependencies were built on first use.
  let deps: BuiltDeps | undefined;
  try {
    deps = build();
  } catch {
    deps = undefined;
  }
  return async (event, context) => {
    deps ??= build();
    if (context) {
      deps.registerContext(context);
      deps.logger.addContext(context);
    }
    deps.logger.resetKeys?.();
    const e = event as {
      id?: unknown;
      account?: unknown;
      region?: unknown;
      detail?: { resourceId?: unknown };
    } | null;
    if (e && typeof e === 'object') {
      deps.logger.appendKeys({
        eventId: typeof e.id === 'string' ? e.id.slice(0, 128) : undefined,
        account: typeof e.account === 'string' ? e.account.slice(0, 12) : undefined,
        region: typeof e.region === 'string' ? e.region.slice(0, 32) : undefined,
        resource: typeof e.detail?.resourceId === 'string' ? e.detail.resourceId.slice(0, 128) : undefined,
      });
    }
    return runPipeline(event, remediation, deps);
  };
}
