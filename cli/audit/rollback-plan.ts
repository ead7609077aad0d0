import type { Logger } from '@aws-lambda-powertools/logger';
import { findRemediation } from '../../functions/registry.js';
import type { AuditRecord, AuditStep } from '../../shared/audit-record.js';
import { verifyRecordDigest } from '../../shared/audit-record.js';
import type { SignatureCheck } from '../../shared/audit-signer.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import type { AnyRemediation, RemediationContext, Step } from '../../shared/remediation.js';
import { apiName, GONE } from '../../shared/remediation.js';
import { ACCOUNT_ID, REGION, validateResourceId } from '../../shared/resource-id.js';
import { wrongAccountMessage } from '../caller-account.js';
import { CliError, ExitCode } from '../errors.js';
import type { RollbackClaim } from './rollback-claim.js';

/** One recorded step to undo, with the inverse steps derived from it and any conflict found. */
export interface UndoItem {
  /** Position of the step in the original record (0-based). */
  readonly index: number;
  readonly original: AuditStep;
  /** The inverse steps, derived by the remediation's own `undo` from the recorded step. */
  readonly undo: readonly Step[];
  /** Why undoing it now conflicts with the resource's current state (the remediation's own check). */
  readonly conflict?: string;
}

/** What a rollback would do, and every reason it must not. */
export interface RollbackPlan {
  readonly record: AuditRecord;
  readonly remediation: AnyRemediation;
  readonly ctx: RemediationContext;
  /** Undo items in the order they are applied: last recorded step first. */
  readonly items: readonly UndoItem[];
  /** Every reason to refuse; `--force` overrides those that are not in `untrusted`. */
  readonly refusals: readonly string[];
  /**
   * The refusals no `--force` overrides: the record cannot be trusted (altered, unsigned or
   * mis-signed where a signature is required, undo steps that are not the remediation's own or aim
   * at another resource), or the credentials act in another account.
   */
  readonly untrusted: readonly string[];
  /** Things worth saying that do not stop the rollback (an unsigned record of a local trail). */
  readonly warnings: readonly string[];
  /** The record's signature, as checked (undefined: not checked). */
  readonly signature?: SignatureCheck;
  /** The resource as read now (summarised), or undefined when gone or unreadable. */
  readonly current?: unknown;
}

/** Where a rollback acts and with what it knows of the credentials. */
export interface RollbackTarget {
  readonly clients: ClientFactory;
  readonly logger: Logger;
  /** The account the credentials belong to (sts:GetCallerIdentity); undefined: not checked. */
  readonly callerAccount?: string;
  /** True when accounts other than the caller's are reached through their member role. */
  readonly assumesRoles?: boolean;
}

/** What the caller found out about the record before planning. */
export interface RollbackChecks {
  /** Rollback records of the same trail (a local trail): an applied one refuses a second rollback. */
  readonly rolledBackBy?: readonly AuditRecord[];
  /** The S3 trail's claim that a rollback of this record was already started. */
  readonly claim?: RollbackClaim;
  /** The record's signature checked with the trusted key; undefined when no key was given. */
  readonly signature?: SignatureCheck;
  /** Refuse a record that is not validly signed (the command's default); false: unsigned is a warning. */
  readonly requireSignature?: boolean;
}

/** The step as the remediation knows it, rebuilt from the record (for undo and undoConflict). */
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

/** The part of a step that decides what it does: action, API, input, and what it restores. */
const effectOf = (s: { action: string; api?: string; input: unknown; before?: unknown }) =>
  canonicalJson({ action: s.action, api: apiName(s.action, s.api), input: s.input, before: s.before });

/** Why the record itself cannot be trusted to roll back: its seal, its identity, its signature. */
function recordProblems(record: AuditRecord, remediation: AnyRemediation, checks: RollbackChecks): string[] {
  const problems: string[] = [];
  if (!verifyRecordDigest(record)) {
    problems.push(`the record's digest does not verify: it was altered, its undo steps cannot be trusted`);
  }
  const signature = checks.signature;
  if (signature?.status === 'invalid') {
    problems.push(`the record's signature is not valid (${signature.reason}): it was not written by airlock`);
  } else if (checks.requireSignature && signature?.status !== 'valid') {
    problems.push(
      signature?.status === 'unsigned'
        ? 'the record is unsigned: nothing proves airlock wrote it (a signed trail is required to roll back; --no-require-signature accepts an unsigned local trail)'
        : 'the record must be signed but no key was given to check it (--signing-key or --public-key)',
    );
  }
  if (record.resource?.type !== remediation.resourceType) {
    problems.push(
      `the record's resource type ${JSON.stringify(record.resource?.type)} is not the one ${remediation.id} acts on (${remediation.resourceType})`,
    );
  }
  const id = record.resource?.id ?? '';
  const bad = validateResourceId(remediation.resourceType, id);
  if (bad) problems.push(`the record's resource id ${JSON.stringify(id.slice(0, 100))} ${bad}`);
  if (!record.account || !ACCOUNT_ID.test(record.account)) {
    problems.push(`the record names no valid account (${JSON.stringify(record.account)})`);
  }
  if (!REGION.test(record.region ?? '')) problems.push(`the record names no valid region`);
  return problems;
}

/**
 * The undo steps of one recorded step, derived by the remediation's own `undo` (the record's stored
 * `undo` is only compared), with every reason not to trust them: an action the remediation never
 * writes or undoes, a target other than the record's resource, stored undo steps that differ.
 */
function deriveUndo(
  remediation: AnyRemediation,
  original: AuditStep,
  index: number,
  resourceId: string,
): { undo: Step[]; problems: string[] } {
  const label = `step ${index + 1} (${original.action})`;
  const step = stepFromAudit(original);
  const problems: string[] = [];
  if (!remediation.permissions.write.includes(step.action)) {
    problems.push(`${label} is not a write ${remediation.id} makes`);
  }
  let undo: Step[] = [];
  try {
    undo = [...remediation.undo(step as never)];
  } catch (error) {
    problems.push(`${label}: its undo cannot be derived (${describeError(error).message})`);
  }
  for (const s of [step, ...undo]) {
    const target = remediation.targetOf(s as never);
    if (target !== resourceId) {
      problems.push(
        `${label}: ${s === step ? 'the step' : `its undo ${s.action}`} acts on ${JSON.stringify(target ?? '(nothing named)')}, not the record's resource ${resourceId}`,
      );
    }
  }
  for (const u of undo) {
    if (!remediation.undoPermissions.includes(u.action)) {
      problems.push(`${label}: its undo ${u.action} is not an undo action of ${remediation.id}`);
    }
  }
  const stored = (original.undo ?? []).map(effectOf);
  if (stored.join('\n') !== undo.map(effectOf).join('\n')) {
    problems.push(
      `${label}: the undo steps the record holds are not the ones ${remediation.id} derives from the step`,
    );
  }
  return { undo, problems };
}

/**
 * Plans the rollback of a record: for each step whose result was applied or already done, last step
 * first, the inverse steps the remediation's own `undo` derives from the recorded step (the record's
 * stored `undo` steps are compared, never sent). Reads the resource live and asks the remediation
 * whether undoing conflicts with what is there now. Lists every reason to refuse; those in `untrusted`
 * (altered or unsigned record, undo aimed elsewhere, another account) no `--force` overrides.
 */
export async function planRollback(
  record: AuditRecord,
  target: RollbackTarget,
  checks: RollbackChecks = {},
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

  const untrusted = recordProblems(record, remediation, checks);
  const otherAccount =
    target.callerAccount !== undefined &&
    !target.assumesRoles &&
    record.account !== undefined &&
    record.account !== target.callerAccount;
  if (otherAccount) untrusted.push(wrongAccountMessage(target.callerAccount!, record.account!, 'the record'));
  const warnings: string[] = [];
  if (checks.signature?.status === 'unsigned' && !checks.requireSignature) {
    warnings.push('the record is unsigned: nothing proves airlock wrote it');
  }

  const refusals: string[] = [];
  if (record.outcome !== 'APPLIED') {
    refusals.push(`the record is ${record.outcome}, not APPLIED: only an applied remediation is rolled back`);
  }
  for (const other of checks.rolledBackBy ?? []) {
    if (other.links?.rollbackOf === record.id && other.outcome === 'APPLIED' && other.mode === 'enforce') {
      refusals.push(`the record was already rolled back by ${other.id} at ${other.time}`);
    }
  }
  if (checks.claim) {
    refusals.push(
      `a rollback of the record was already started by ${checks.claim.operator} at ${checks.claim.time} (s3 claim)`,
    );
  }

  const done = record.steps
    .map((original, index) => ({ original, index }))
    .filter(({ original }) => original.result === 'applied' || original.result === 'already-done')
    .reverse();
  if (done.length === 0) refusals.push('no step of the record was applied: there is nothing to undo');
  const derived = done.map(({ original, index }) => {
    const d = deriveUndo(remediation, original, index, resourceId);
    untrusted.push(...d.problems);
    if (d.undo.length === 0 && d.problems.length === 0) {
      refusals.push(`step ${index + 1} (${original.action}) has no undo step`);
    }
    return { original, index, undo: d.undo };
  });

  // never read (nor act) in an account the credentials do not belong to
  let state: unknown;
  let current: unknown;
  if (!otherAccount) {
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
  }

  const items: UndoItem[] = derived.map(({ original, index, undo }) => {
    const conflict =
      state === GONE || state === undefined
        ? undefined
        : remediation.undoConflict?.(state, stepFromAudit(original) as never);
    return { index, original, undo, ...(conflict ? { conflict } : {}) };
  });
  for (const item of items) {
    if (item.conflict) refusals.push(`step ${item.index + 1} (${item.original.action}): ${item.conflict}`);
  }
  return {
    record,
    remediation,
    ctx,
    items,
    refusals: [...untrusted, ...refusals],
    untrusted,
    warnings,
    ...(checks.signature ? { signature: checks.signature } : {}),
    ...(current === undefined ? {} : { current }),
  };
}
