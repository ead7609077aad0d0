import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord, Outcome } from '../audit-record.js';
import type { AuditSink } from '../audit-sinks.js';
import type { Breaker } from '../breaker.js';
import type { ClientFactory } from '../clients.js';
import type { DeferralClock } from '../deferrals.js';
import type { Trigger } from '../event.js';
import type { ExemptionSource } from '../exemptions.js';
import type { Settings } from '../settings.js';

/** What a handled event returns (and what idempotency stores for a duplicate). */
export interface PipelineResult {
  readonly recordId: string;
  readonly outcome: Outcome;
  readonly reason: string;
}

/**
 * Runs `work` at most once per key until it settles the key with a final outcome (APPLIED, NOOP:
 * see `FINAL_OUTCOMES`); a later delivery of a settled key gets the stored result. Any other result
 * is returned, not stored: the next delivery runs `work` again.
 */
export type IdempotencyGuard = (key: string, work: () => Promise<PipelineResult>) => Promise<PipelineResult>;

/** Everything the pipeline needs, injected: nothing module-level, nothing read from env here. */
export interface PipelineDeps {
  readonly clients: ClientFactory;
  readonly logger: Logger;
  /** Current settings (environment merged with Parameter Store, cached by the loader). */
  readonly settings: () => Promise<Settings>;
  readonly sinks: readonly AuditSink[];
  readonly breaker: Breaker;
  /** When a busy resource was first deferred: the deferral bound is counted from it too. */
  readonly deferrals?: DeferralClock;
  readonly exemptions?: ExemptionSource;
  readonly idempotency?: IdempotencyGuard;
  readonly actor: { readonly type: 'function' | 'operator'; readonly name: string };
  /** How the event reached us, when not the event's own (replay, rollback, sweep). */
  readonly trigger?: Trigger;
  /** `plan`: read real state, write nothing (the harness); otherwise the settings' mode applies. */
  readonly modeOverride?: 'plan' | 'enforce' | 'dry-run';
  readonly now?: () => number;
  /** Called with every record written (metrics, the harness' summary). */
  readonly onRecord?: (record: AuditRecord) => void;
}

/** The mode an event is handled in: `plan` and `dry-run` write nothing. */
export type RunMode = AuditRecord['mode'];
