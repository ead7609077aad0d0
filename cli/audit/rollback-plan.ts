import type { Logger } from '@aws-lambda-powertools/logger';
import { findRemediation } from '../../functions/registry.js';
import type { AuditRecord, AuditStep } from '../../shared/audit-record.js';
import { verifyRecordDigest } from '../../shared/audit-record.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import type { AnyRemediation, RemediationContext, Step } from '../../shared/remediation.js';
import { GONE } from '../../shared/remediation.js';
import { CliError, ExitCode } from '../errors.js';

/** One recorded step to undo, with the inverse steps the record kept and any conflict found. */
export interface UndoItem {
  /** Position of the step in the original record (0-based). */
  readonly index: number;
  readonly original: AuditStep;
  readonly undo: readonly Step[];
  /** Why undoing it now conflicts with the resource's current state (the remediation's own check). */
  readonly conflict?: string;
}

/** What a rollback would do, and every reason it must not (unless forced). */
export interface RollbackPlan {
  readonly record: AuditRecord;
  readonly remediation: AnyRemediation;
  readonly ctx: RemediationContext;
  /** Undo items in the order they are applied: last recorded step first. */
  readonly items: readonly UndoItem[];
  /** Reasons to refuse; `--force` overrides them. */
  readonly refusals: readonly string[];
  /** The resource as read now (summarised), or undefined when gone or unreadable. */
  readonly current?: unknown;
}

/** The step as the remediation knows it, rebuilt from the record (for undoConflict). */
export function stepFromAudit(step: {
  action: string;
  api?: string;
  input: unknown;
  reason: string;
  before?: unknown;
}): Step {
  return {
    action: step.action,
    ...(step.api ? { api: step.api } : {}),
    input: step.input,
    reason: step.reason,
    ...(step.before === undefined ? {} : { before: step.before }),
  };
}

/**
 * Plans the rollback of a record: the `undo` steps the record kept, for each step whose result was
 * applied or already done, last step first. Reads the resource live and asks the remediation whether
 * undoing conflicts with what is there now. Refuses (listing why) when the record's digest does not
 * verify, the record is not APPLIED, the resource is gone, or the state conflicts.
 */
export async function planRollback(
  record: AuditRecord,
  target: { clients: ClientFactory; logger: Logger },
  rolledBackBy: readonly AuditRecord[] = [],
  lookup: (id: string) => AnyRemediation | undefined = findRemediation,
): Promise<RollbackPlan> {
  const remediation = lookup(record.remediation);
  if (!remediation) {
    throw new CliError(
      `record ${record.id} is from remediation ${JSON.stringify(record.remediation)}, which this airlock does not ship`,
      ExitCode.BAD_INPUT,
    );
  }
  const resourceId = record.resource?.id;
  if (!resourceId || !record.region) {
    throw new CliError(
      `record ${record.id} names no resource or region: nothing to roll back`,
      ExitCode.BAD_INPUT,
    );
  }
  const region = record.region;
  const ctx: RemediationContext = {
    client: (ctor) =>
      target.clients.get(ctor, { region, ...(record.account ? { account: record.account } : {}) }),
    region,
    accountId: record.account ?? '',
    logger: target.logger,
  };

  const refusals: string[] = [];
  if (!verifyRecordDigest(record)) {
    refusals.push(`the record's digest does not verify: it was altered, its undo steps cannot be trusted`);
  }
  if (record.outcome !== 'APPLIED') {
    refusals.push(`the record is ${record.outcome}, not APPLIED: only an applied remediation is rolled back`);
  }
  for (const other of rolledBackBy) {
    if (other.links?.rollbackOf === record.id && other.outcome === 'APPLIED' && other.mode === 'enforce') {
      refusals.push(`the record was already rolled back by ${other.id} at ${other.time}`);
    }
  }

  const done = record.steps
    .map((original, index) => ({ original, index }))
    .filter(({ original }) => original.result === 'applied' || original.result === 'already-done')
    .reverse();
  if (done.length === 0) refusals.push('no step of the record was applied: there is nothing to undo');
  for (const { original, index } of done) {
    if (!original.undo?.length) refusals.push(`step ${index + 1} (${original.action}) recorded no undo step`);
  }

  let state: unknown;
  let current: unknown;
  try {
    const settings = remediation.settingsSchema.parse({});
    state = await remediation.describe(resourceId, ctx, settings);
    if (state === GONE) refusals.push(`the resource ${resourceId} no longer exists`);
    else current = remediation.summarize ? remediation.summarize(state) : state;
  } catch (error) {
    const e = describeError(error);
    throw new CliError(
      `cannot read ${resourceId} in ${record.account ?? '?'}/${region}: ${e.name}: ${e.message}`,
      ExitCode.FAILED,
      { cause: error },
    );
  }

  const items: UndoItem[] = done.map(({ original, index }) => {
    const conflict =
      state === GONE ? undefined : remediation.undoConflict?.(state, stepFromAudit(original) as never);
    return {
      index,
      original,
      undo: (original.undo ?? []).map(stepFromAudit),
      ...(conflict ? { conflict } : {}),
    };
  });
  for (const item of items) {
    if (item.conflict) refusals.push(`step ${item.index + 1} (${item.original.action}): ${item.conflict}`);
  }
  return { record, remediation, ctx, items, refusals, ...(current === undefined ? {} : { current }) };
}
