import type { ParsedEvent } from '../event.js';
import type { AnyRemediation, RemediationContext } from '../remediation.js';
import type { Settings } from '../settings.js';
import type { PipelineDeps, RunMode } from './pipeline-deps.js';

/** One accepted event being remediated: what the describe, plan, guard, apply and verify stages share. */
export interface Job {
  readonly remediation: AnyRemediation;
  readonly event: ParsedEvent;
  readonly settings: Settings;
  readonly mode: RunMode;
  /** Clients for the event's account and region, and the logger. */
  readonly context: RemediationContext;
  readonly now: () => number;
}

/**
 * The job of an accepted event: clients bound to the event's account and region.
 *
 * @example
 * ```ts
 * const job = createJob(revokeOpenSsh, parsed, settings, 'enforce', deps);
 * job.context.accountId; // '111122223333'
 * ```
 */
export function createJob(
  remediation: AnyRemediation,
  event: ParsedEvent,
  settings: Settings,
  mode: RunMode,
  deps: Pick<PipelineDeps, 'clients' | 'logger' | 'now'>,
): Job {
  return {
    remediation,
    event,
    settings,
    mode,
    context: {
      client: (ctor) => deps.clients.get(ctor, { region: event.region, account: event.account }),
      region: event.region,
      accountId: event.account,
      logger: deps.logger,
    },
    now: deps.now ?? Date.now,
  };
}
