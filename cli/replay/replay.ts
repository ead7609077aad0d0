import { userInfo } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { routeEvent } from '../../functions/registry.js';
import type { AuditRecord, Outcome } from '../../shared/audit-record.js';
import type { ClientFactory } from '../../shared/clients.js';
import { type BuiltDeps, createDeps } from '../../shared/deps.js';
import { describeError, EventRejectedError, RemediationFailedError } from '../../shared/errors.js';
import { summarizeRejectedEvent } from '../../shared/event.js';
import { recordStage } from '../../shared/pipeline/record.js';
import { rejectedSubject } from '../../shared/pipeline/subject.js';
import { rejectWith } from '../../shared/pipeline/verdict.js';
import type { PipelineDeps } from '../../shared/pipeline.js';
import { runPipeline } from '../../shared/pipeline.js';
import { mapConcurrently } from '../pool.js';
import type { InputEvent } from './read-events.js';

export type ReplayMode = 'plan' | 'apply';

/** What one replayed event ended in. */
export interface ReplayResult {
  readonly origin: string;
  readonly eventId?: string;
  readonly remediation?: string;
  readonly resource?: string;
  readonly account?: string;
  readonly region?: string;
  readonly outcome: Outcome;
  readonly reason: string;
  readonly recordId?: string;
  readonly steps: readonly { api: string; input: unknown; result: string }[];
  readonly durationMs: number;
  /** True when idempotency returned an earlier result (a duplicate delivery; `asDeployed` only). */
  readonly duplicate: boolean;
}

/** What a result says about its event, whatever the outcome. */
type Base = Pick<ReplayResult, 'origin' | 'eventId' | 'resource' | 'account' | 'region'>;

/** The remediation id of the record of an event that no remediation handles. */
export const NO_REMEDIATION = 'none';

export interface ReplayOptions {
  readonly mode: ReplayMode;
  readonly clients: ClientFactory;
  /** Settings merged over the environment's (mode is set by `mode`). */
  readonly settings: Record<string, unknown>;
  readonly concurrency: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly homeRegion?: string;
  readonly onResult?: (result: ReplayResult, done: number, total: number) => void;
  readonly actor?: string;
  /** Log level of the functions' structured logs (stdout is the harness' own output: default SILENT). */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * Behave exactly like the deployed function: with a table in the settings, an event already
   * settled (APPLIED, NOOP) is answered from the idempotency record instead of being read again.
   * Default false: an operator's replay reads the resource and decides now.
   */
  readonly asDeployed?: boolean;
}

/** Outside Lambda, an in-progress idempotency record expires after this long if the harness dies. */
const HARNESS_IN_PROGRESS_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replays events through the real pipeline, each routed to the remediation of its resource type,
 * `concurrency` at a time (like Lambda would). `plan` reads real state and writes nothing.
 */
export async function replayEvents(
  events: readonly InputEvent[],
  options: ReplayOptions,
): Promise<ReplayResult[]> {
  const records = new Map<string, AuditRecord>();
  const returned = new Set<string>();
  const depsCache = new Map<string, BuiltDeps>();
  const actor = options.actor ?? safeUser();
  const depsFor = (id: string): PipelineDeps => {
    let d: BuiltDeps | undefined = depsCache.get(id);
    if (!d) {
      d = createDeps(id, {
        env: options.env ?? {},
        clients: options.clients,
        ...(options.homeRegion ? { homeRegion: options.homeRegion } : {}),
        settings: options.settings,
        modeOverride: options.mode === 'plan' ? 'plan' : 'enforce',
        trigger: 'replay',
        actor: { type: 'operator', name: actor },
        onRecord: (r) => records.set(r.id, r),
        logger: new Logger({ serviceName: id, logLevel: options.logLevel ?? 'SILENT' }),
      });
      d.registerContext({ getRemainingTimeInMillis: () => HARNESS_IN_PROGRESS_MS } as Context);
      // an operator's replay reads the live state: no stored answer unless asked to act as deployed
      if (!options.asDeployed) {
        const { idempotency: _stored, ...live } = d;
        d = live;
      }
      depsCache.set(id, d);
    }
    return d;
  };

  /** An event no remediation takes (or no event at all): REJECTED, with a record of its own. */
  async function rejectOne(
    input: InputEvent,
    base: Base,
    reason: string,
    started: number,
  ): Promise<ReplayResult> {
    const end = { steps: [], duplicate: false } as const;
    try {
      const out = await recordStage(
        { remediation: NO_REMEDIATION, started: Date.now(), now: Date.now },
        rejectedSubject(input.event, 'replay'),
        options.mode === 'plan' ? 'plan' : 'enforce',
        rejectWith(new EventRejectedError(reason)),
        depsFor(NO_REMEDIATION),
      );
      returned.add(out.recordId);
      const { outcome, recordId } = out;
      return {
        ...base,
        ...end,
        outcome,
        reason: out.reason,
        recordId,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      const failed = `${reason}; its record could not be written: ${describeError(error).message}`;
      return {
        ...base,
        ...end,
        outcome: 'FAILED' as const,
        reason: failed,
        durationMs: performance.now() - started,
      };
    }
  }

  async function replayOne(input: InputEvent): Promise<ReplayResult> {
    const started = performance.now();
    const p = summarizeRejectedEvent(input.event);
    const base: Base = {
      origin: input.origin,
      ...(p.id ? { eventId: p.id } : {}),
      ...(p.resourceId ? { resource: p.resourceId } : {}),
      ...(p.account ? { account: p.account } : {}),
      ...(p.region ? { region: p.region } : {}),
    };
    if (input.problem) return rejectOne(input, base, input.problem, started);
    const remediation = routeEvent(input.event);
    if (!remediation) return rejectOne(input, base, unroutedReason(p), started);
    const deps = depsFor(remediation.id);
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await runPipeline(input.event, remediation, deps);
        const record = records.get(out.recordId);
        // idempotency hands a duplicate the first delivery's result: same record id, no new record
        const fresh = record !== undefined && !returned.has(out.recordId);
        returned.add(out.recordId);
        return {
          ...base,
          remediation: remediation.id,
          outcome: out.outcome,
          reason: out.reason,
          recordId: out.recordId,
          steps: (fresh && record ? record.steps : []).map((s) => ({
            api: s.api,
            input: s.input,
            result: s.result,
          })),
          durationMs: performance.now() - started,
          duplicate: !fresh,
        };
      } catch (error) {
        // a concurrent duplicate is still in progress: Lambda would retry it; so do we
        if ((error as Error).name === 'IdempotencyAlreadyInProgressError' && attempt < 50) {
          await sleep(20 + attempt * 10);
          continue;
        }
        const record = error instanceof RemediationFailedError ? records.get(error.recordId) : undefined;
        return {
          ...base,
          remediation: remediation.id,
          outcome: 'FAILED',
          reason: error instanceof Error ? error.message : describeError(error).message,
          ...(record ? { recordId: record.id } : {}),
          steps: (record?.steps ?? []).map((s) => ({ api: s.api, input: s.input, result: s.result })),
          durationMs: performance.now() - started,
          duplicate: false,
        };
      }
    }
  }

  return mapConcurrently(events, options.concurrency, replayOne, options.onResult);
}

/** Why no remediation takes an event, from its summary. */
function unroutedReason(p: Record<string, string>): string {
  if (p.resourceType) {
    return `no remediation handles resource type ${JSON.stringify(p.resourceType.slice(0, 100))}`;
  }
  if (p.rule?.startsWith('cloudtrail:')) {
    return `no remediation acts on the API call ${JSON.stringify(p.rule.slice('cloudtrail:'.length, 100))}`;
  }
  return 'neither a Config compliance change (no detail.resourceType) nor an API call airlock acts on';
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator';
  }
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface ReplaySummary {
  readonly events: number;
  readonly byOutcome: Record<string, number>;
  readonly byRemediation: Record<string, Record<string, number>>;
  readonly duplicates: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly apiCalls: Record<string, number>;
  readonly apiCallsTotal: number;
}

export function summarize(results: readonly ReplayResult[], apiCalls: Record<string, number>): ReplaySummary {
  const byOutcome: Record<string, number> = {};
  const byRemediation: Record<string, Record<string, number>> = {};
  for (const r of results) {
    byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + 1;
    const key = r.remediation ?? '(none)';
    byRemediation[key] ??= {};
    byRemediation[key][r.outcome] = (byRemediation[key][r.outcome] ?? 0) + 1;
  }
  const durations = results.map((r) => r.durationMs);
  return {
    events: results.length,
    byOutcome,
    byRemediation,
    duplicates: results.filter((r) => r.duplicate).length,
    p50Ms: percentile(durations, 50),
    p99Ms: percentile(durations, 99),
    apiCalls,
    apiCallsTotal: Object.values(apiCalls).reduce((a, b) => a + b, 0),
  };
}
