import type { AuditRecord } from '../audit-record.js';
import { AUDIT_SCHEMA, newRecordId, sealRecord } from '../audit-record.js';
import { writeToSinks } from '../audit-sinks.js';
import { AuditWriteError, describeError, RemediationFailedError } from '../errors.js';
import { VERSION } from '../version.js';
import type { PipelineDeps, PipelineResult, RunMode } from './pipeline-deps.js';
import type { Subject } from './subject.js';
import type { Verdict } from './verdict.js';

/** One handling of one event: which remediation, when it started, its clock. */
export interface Run {
  readonly remediation: string;
  readonly started: number;
  readonly now: () => number;
}

/**
 * The audit record of a run, built once from what the stages produced, and sealed.
 *
 * @example
 * ```ts
 * const record = buildRecord(run, subject, 'enforce', verdict, { type: 'function', name: 'airlock-revoke-open-ssh' });
 * verifyRecordDigest(record); // true
 * ```
 */
export function buildRecord(
  run: Run,
  subject: Subject,
  mode: RunMode,
  verdict: Verdict,
  actor: PipelineDeps['actor'],
): AuditRecord {
  const end = run.now();
  return sealRecord({
    schema: AUDIT_SCHEMA,
    id: newRecordId(run.started),
    startedAt: new Date(run.started).toISOString(),
    actor: { ...actor, version: VERSION },
    trigger: subject.trigger,
    event: subject.event,
    remediation: run.remediation,
    resource: subject.resource,
    mode,
    ...subject.where,
    ...('before' in verdict ? { before: verdict.before } : {}),
    ...(verdict.exemption ? { exemption: verdict.exemption } : {}),
    ...(verdict.verification ? { verification: verdict.verification } : {}),
    ...(verdict.failure ? { error: errorOf(verdict.reason, verdict.failure.cause) } : {}),
    time: new Date(end).toISOString(),
    durationMs: end - run.started,
    outcome: verdict.outcome,
    reason: verdict.reason,
    steps: verdict.steps,
    notes: [...subject.notes, ...verdict.notes],
  });
}

/**
 * The record stage, the pipeline's one exit: builds, seals and writes the record to every sink.
 * Throws {@link AuditWriteError} when a sink fails (no action goes unrecorded), and, once a FAILED
 * record is written, {@link RemediationFailedError} so that the invocation is retried.
 *
 * @example
 * ```ts
 * const result = await recordStage(run, subject, 'enforce', verdict, deps);
 * result.outcome; // 'APPLIED'
 * ```
 */
export async function recordStage(
  run: Run,
  subject: Subject,
  mode: RunMode,
  verdict: Verdict,
  deps: Pick<PipelineDeps, 'actor' | 'sinks' | 'logger' | 'onRecord'>,
): Promise<PipelineResult> {
  const record = buildRecord(run, subject, mode, verdict, deps.actor);
  const failures = await writeToSinks(deps.sinks, record);
  if (failures.length) {
    deps.logger.error('audit write failed', { recordId: record.id, failures });
    throw new AuditWriteError(
      `audit record ${record.id} could not be written to ${failures.map((f) => `${f.sink} (${f.error.name})`).join(', ')}`,
    );
  }
  deps.onRecord?.(record);
  if (verdict.failure) {
    throw new RemediationFailedError(record.reason, record.id, true, { cause: verdict.failure.cause });
  }
  return { recordId: record.id, outcome: record.outcome, reason: record.reason };
}

/** The record's `error`: the error behind a FAILED verdict, or the reason when nothing was thrown. */
function errorOf(reason: string, cause: unknown): NonNullable<AuditRecord['error']> {
  const described = cause === undefined ? undefined : describeError(cause);
  return {
    name: described?.name ?? 'RemediationFailed',
    message: described?.message ?? reason,
    retryable: true,
  };
}
