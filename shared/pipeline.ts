import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditRecord, AuditStep, Outcome, UnsignedAuditRecord } from './audit-record.js';
import { AUDIT_SCHEMA, newRecordId, sealRecord } from './audit-record.js';
import type { AuditSink } from './audit-sinks.js';
import { writeToSinks } from './audit-sinks.js';
import type { Breaker } from './breaker.js';
import type { ClientFactory } from './clients.js';
import { API_CALL, isOwnPrincipal } from './cloudtrail.js';
import {
  AuditWriteError,
  describeError,
  EventRejectedError,
  ExemptionRegisterError,
  errorCode,
  RemediationFailedError,
} from './errors.js';
import type { ApiCall, ParsedEvent, Trigger } from './event.js';
import { summarizeRejectedEvent } from './event.js';
import { type ExemptionSource, findExemption } from './exemptions.js';
import { memberRoleArn, partitionOf } from './member-roles.js';
import { parseEvent } from './parse-event.js';
import type { AnyRemediation, Plan, RemediationContext, Step } from './remediation.js';
import { apiName, GONE } from './remediation.js';
import { quote, validateResourceId } from './resource-id.js';
import type { Settings } from './settings.js';
import { allowed, modeFor } from './settings.js';
import { VERSION } from './version.js';

/** What a handled event returns (and what idempotency stores for a duplicate). */
export interface PipelineResult {
  readonly recordId: string;
  readonly outcome: Outcome;
  readonly reason: string;
}

/** Runs `work` at most once per key; a duplicate gets the stored result. */
export type IdempotencyGuard = (key: string, work: () => Promise<PipelineResult>) => Promise<PipelineResult>;

/** Everything the pipeline needs, injected: nothing module-level, nothing read from env here. */
export interface PipelineDeps {
  readonly clients: ClientFactory;
  readonly logger: Logger;
  /** Current settings (environment merged with Parameter Store, cached by the loader). */
  readonly settings: () => Promise<Settings>;
  readonly sinks: readonly AuditSink[];
  readonly breaker: Breaker;
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

/** The idempotency key: rule + resource + evaluation time (and where). */
export function idempotencyKey(e: ParsedEvent): string {
  return [e.account, e.region, e.rule, e.resourceType, e.resourceId, e.evaluationTime].join('|');
}

function ruleAccepted(patterns: readonly string[], rule: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === rule || (p.endsWith('*') && rule.startsWith(p.slice(0, -1))),
  );
}

interface Draft {
  record: Omit<UnsignedAuditRecord, 'time' | 'durationMs' | 'outcome' | 'reason' | 'steps' | 'notes'>;
  notes: string[];
  started: number;
}

/**
 * The pipeline every remediation runs through: parse → validate → idempotency → describe (live) →
 * plan (pure) → guard (exemption, mode, blast radius) → apply (one write per step) → verify
 * (describe again; the plan must be empty) → audit. One audit record per handled event.
 *
 * Throws only when the invocation must fail so that it is retried: a FAILED remediation
 * ({@link RemediationFailedError}) or an audit write that failed ({@link AuditWriteError}).
 *
 * @example
 * ```ts
 * const result = await runPipeline(event, revokeOpenSsh, deps);
 * result.outcome; // 'APPLIED'
 * ```
 */
export async function runPipeline(
  input: unknown,
  remediation: AnyRemediation,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const base = (mode: AuditRecord['mode'], trigger: Trigger): Draft['record'] => ({
    schema: AUDIT_SCHEMA,
    id: newRecordId(started),
    startedAt: new Date(started).toISOString(),
    actor: { ...deps.actor, version: VERSION },
    trigger,
    event: {},
    remediation: remediation.id,
    resource: {},
    mode,
  });

  let settings: Settings;
  try {
    settings = await deps.settings();
  } catch (error) {
    // settings that cannot be read or are invalid: nothing may act; fail so it is retried
    const draft: Draft = { record: base('dry-run', deps.trigger ?? 'config'), notes: [], started };
    const summary = summarizeRejectedEvent(input);
    draft.record = {
      ...draft.record,
      event: { id: summary.id, source: summary.source, detailType: summary.detailType },
      resource: { type: summary.resourceType, id: summary.resourceId },
    };
    return fail(draft, 'settings could not be loaded', error, true, []);
  }
  const mode =
    deps.modeOverride === 'plan' ? 'plan' : (deps.modeOverride ?? modeFor(settings, remediation.id));

  // 1. parse and validate: anything wrong ends REJECTED, with zero AWS calls. An API call that
  //    failed, or that airlock made itself, changed nothing to remediate: NOOP, zero AWS calls.
  let event: ParsedEvent;
  let ignored: string | undefined;
  try {
    event = parseEvent(input, remediation.cloudTrail);
    ignored = event.apiCall ? ignoredCall(event.apiCall, event.account, settings) : undefined;
    const problem = checkEvent(event, remediation, settings, ignored !== undefined);
    if (problem) throw new EventRejectedError(problem);
  } catch (error) {
    const summary = summarizeRejectedEvent(input);
    const draft: Draft = {
      record: {
        ...base(mode, deps.trigger ?? (summary.detailType === API_CALL ? 'cloudtrail' : 'config')),
        event: { id: summary.id, source: summary.source, detailType: summary.detailType },
        rule: summary.rule,
        account: summary.account,
        region: summary.region,
        resource: { type: summary.resourceType, id: summary.resourceId },
      },
      notes: [],
      started,
    };
    const reason =
      error instanceof EventRejectedError
        ? error.message
        : `event could not be read: ${describeError(error).message}`;
    return finish(draft, 'REJECTED', reason, []);
  }

  const draft: Draft = {
    record: {
      ...base(mode, deps.trigger ?? event.trigger),
      event: {
        id: event.eventId,
        source: event.source,
        detailType: event.detailType,
        time: event.time,
        evaluationTime: event.evaluationTime,
        complianceType: event.complianceType,
        ...(event.annotation ? { annotation: event.annotation } : {}),
        ...(event.apiCall ? { apiCall: auditApiCall(event.apiCall) } : {}),
      },
      rule: event.rule,
      account: event.account,
      region: event.region,
      ...assumedRoleOf(event, settings),
      resource: {
        type: event.resourceType,
        // a failed or own call is not validated further: keep its id only when it is a valid one
        ...(validateResourceId(event.resourceType, event.resourceId) ? {} : { id: event.resourceId }),
      },
    },
    notes: event.apiCall ? otherResources(event.apiCall, event.resourceId) : [],
    started,
  };

  if (ignored) return finish(draft, 'NOOP', ignored, []);

  if (event.complianceType !== 'NON_COMPLIANT') {
    return finish(draft, 'NOOP', `evaluation is ${event.complianceType}: nothing to remediate`, []);
  }

  const work = () => remediate(event, settings, draft);
  if (!deps.idempotency) return work();
  return deps.idempotency(idempotencyKey(event), work);

  // ---- the steps of the pipeline, closing over deps ----

  async function remediate(e: ParsedEvent, s: Settings, d: Draft): Promise<PipelineResult> {
    const logger = deps.logger;
    const ctx: RemediationContext = {
      client: (ctor) => deps.clients.get(ctor, { region: e.region, account: e.account }),
      region: e.region,
      accountId: e.account,
      logger,
    };
    let remSettings: unknown;
    try {
      remSettings = remediationSettings(remediation, s);
    } catch (error) {
      return fail(d, `settings of ${remediation.id} are invalid`, error, true, []);
    }

    // 2. describe the live state: never trust the event
    let state: unknown;
    try {
      state = await remediation.describe(e.resourceId, ctx, remSettings);
    } catch (error) {
      return fail(d, 'could not read the resource', error, true, []);
    }
    if (state === GONE) return finish(d, 'NOOP', 'the resource no longer exists', []);
    d.record = { ...d.record, before: remediation.summarize ? remediation.summarize(state) : state };

    // 3. plan: pure
    const plan: Plan = remediation.plan(state, remSettings);
    d.notes.push(...(plan.notes ?? []));
    logger.info('plan computed', { plan: plan.kind, steps: plan.kind === 'steps' ? plan.steps.length : 0 });
    if (plan.kind === 'noop') return finish(d, 'NOOP', plan.reason, []);
    if (plan.kind === 'skip') {
      if (mode !== 'enforce') return finish(d, 'PLANNED', `cannot act now: ${plan.reason}`, []);
      return fail(d, `cannot act now: ${plan.reason}`, undefined, true, []);
    }
    const steps = plan.steps.map((step) => toAuditStep(remediation, step, 'planned'));

    // 4. guard: exemption register (central, not tags), mode, blast radius
    if (deps.exemptions && s.exemptions.parameter) {
      let register: unknown;
      let readable = true;
      try {
        register = await deps.exemptions.load();
      } catch (error) {
        readable = false;
        if (s.exemptions.onUnreadable === 'stop') {
          return fail(
            d,
            'the exemption register could not be read and settings say stop',
            new ExemptionRegisterError('exemption register unreadable', { cause: error }),
            true,
            steps.map((x) => ({ ...x, result: 'not-run' as const })),
          );
        }
        d.notes.push(
          `exemption register could not be read (${describeError(error).name}): acting, fail closed`,
        );
      }
      if (readable) {
        const match = findExemption(
          register,
          { resourceId: e.resourceId, remediation: remediation.id, account: e.account },
          now(),
          s.exemptions.maxDays,
        );
        d.notes.push(...match.notes);
        if (match.exemption) {
          const x = match.exemption;
          d.record = {
            ...d.record,
            exemption: { id: x.id, reason: x.reason, approvedBy: x.approvedBy, expires: x.expires },
          };
          return finish(
            d,
            'EXEMPT',
            `exempt until ${x.expires} (${x.id}, approved by ${x.approvedBy})`,
            steps.map((x) => ({ ...x, result: 'not-run' as const })),
          );
        }
      }
    }
    if (mode !== 'enforce') {
      return finish(d, 'PLANNED', `${mode} mode: ${steps.length} step(s) planned, nothing written`, steps);
    }
    const decision = await deps.breaker
      .admit({ remediation: remediation.id, account: e.account }, steps.length, now())
      .catch((error: unknown) => ({ error }));
    if ('error' in decision) {
      return fail(d, 'the blast-radius counter could not be read', decision.error, true, steps);
    }
    if (!decision.allowed) {
      return finish(
        d,
        'SUPPRESSED',
        `blast-radius breaker is open for ${remediation.id} in ${e.account} (${decision.count} writes in the window, limit ${s.blastRadius.maxWrites}): an operator must reset it`,
        steps.map((x) => ({ ...x, result: 'not-run' as const })),
      );
    }

    // 5. apply: one write per step; "already done" counts as done
    const done: AuditStep[] = [];
    for (const [index, step] of plan.steps.entries()) {
      const t0 = now();
      const planned = steps[index]!;
      try {
        const output = await remediation.apply(step, ctx);
        done.push({
          ...planned,
          result: 'applied',
          output: stripMetadata(output),
          startedAt: new Date(t0).toISOString(),
          durationMs: now() - t0,
        });
        logger.info('step applied', { action: step.action });
      } catch (error) {
        const code = errorCode(error);
        const timing = { startedAt: new Date(t0).toISOString(), durationMs: now() - t0 };
        if ((code && remediation.alreadyDoneErrors.includes(code)) || remediation.alreadyDone?.(error)) {
          done.push({ ...planned, result: 'already-done', error: describeError(error), ...timing });
          logger.info('step already done', { action: step.action, code });
          continue;
        }
        done.push({ ...planned, result: 'failed', error: describeError(error), ...timing });
        const rest = steps.slice(index + 1).map((x) => ({ ...x, result: 'not-run' as const }));
        const later = code !== undefined && (remediation.retryLaterErrors ?? []).includes(code);
        return fail(d, later ? `cannot act now: ${code}` : `step ${step.action} failed`, error, true, [
          ...done,
          ...rest,
        ]);
      }
    }

    // 6. verify: describe again, the plan must now be empty
    let after: unknown;
    try {
      after = await remediation.describe(e.resourceId, ctx, remSettings);
    } catch (error) {
      return fail(d, 'could not verify: reading the resource again failed', error, true, done);
    }
    if (after === GONE) {
      d.record = {
        ...d.record,
        verification: { status: 'compliant', detail: 'the resource no longer exists' },
      };
      return finish(d, 'APPLIED', `${done.length} step(s) applied; the resource is gone since`, done);
    }
    const check: Plan = remediation.plan(after, remSettings);
    if (check.kind === 'noop') {
      d.record = { ...d.record, verification: { status: 'compliant' } };
      return finish(d, 'APPLIED', `${done.length} step(s) applied, verified compliant`, done);
    }
    if (check.kind === 'skip') {
      d.record = { ...d.record, verification: { status: 'pending', detail: check.reason } };
      return finish(
        d,
        'APPLIED',
        `${done.length} step(s) applied; change in progress: ${check.reason}`,
        done,
      );
    }
    d.record = {
      ...d.record,
      verification: {
        status: 'non-compliant',
        detail: `${check.steps.length} step(s) still planned after apply`,
      },
    };
    return fail(d, 'still non-compliant after apply', undefined, true, done);
  }

  async function finish(
    d: Draft,
    outcome: Outcome,
    reason: string,
    steps: readonly AuditStep[],
  ): Promise<PipelineResult> {
    const end = now();
    const record = sealRecord({
      ...d.record,
      time: new Date(end).toISOString(),
      durationMs: end - d.started,
      outcome,
      reason,
      steps,
      notes: d.notes,
    } as UnsignedAuditRecord);
    const failures = await writeToSinks(deps.sinks, record);
    if (failures.length) {
      deps.logger.error('audit write failed', { recordId: record.id, failures });
      throw new AuditWriteError(
        `audit record ${record.id} could not be written to ${failures.map((f) => `${f.sink} (${f.error.name})`).join(', ')}`,
      );
    }
    deps.onRecord?.(record);
    return { recordId: record.id, outcome, reason };
  }

  async function fail(
    d: Draft,
    reason: string,
    error: unknown,
    retryable: boolean,
    steps: readonly AuditStep[],
  ): Promise<never> {
    const described = error === undefined ? undefined : describeError(error);
    d.record = {
      ...d.record,
      error: {
        name: described?.name ?? 'RemediationFailed',
        message: described?.message ?? reason,
        retryable,
      },
    };
    const full = described ? `${reason}: ${described.name}: ${described.message}` : reason;
    const result = await finish(d, 'FAILED', full, steps);
    throw new RemediationFailedError(full, result.recordId, retryable, { cause: error });
  }
}

/**
 * Checks an event before anything is read. A CloudTrail event is not matched against Config rule
 * names (its trigger lists the calls); `ignored` (a failed or airlock's own call, which ends NOOP
 * without a read) skips the resource id check, not the account and region allowlists.
 */
function checkEvent(
  event: ParsedEvent,
  remediation: AnyRemediation,
  settings: Settings,
  ignored = false,
): string | undefined {
  if (event.resourceType !== remediation.resourceType) {
    return `resource type ${event.resourceType} is not remediated by ${remediation.id} (${remediation.resourceType})`;
  }
  const patterns = settings.remediations[remediation.id]?.configRuleNames ?? remediation.configRuleNames;
  if (!event.apiCall && !ruleAccepted(patterns, event.rule)) {
    return `Config rule ${JSON.stringify(event.rule)} is not one that ${remediation.id} acts on (${patterns.join(', ')})`;
  }
  const problem = ignored ? undefined : validateResourceId(event.resourceType, event.resourceId);
  if (problem) return `resourceId ${JSON.stringify(event.resourceId.slice(0, 100))} ${problem}`;
  if (!allowed(settings.allowedAccounts, event.account)) {
    return `account ${event.account} is not in this deployment's allowlist`;
  }
  if (!allowed(settings.allowedRegions, event.region)) {
    return `region ${event.region} is not in this deployment's allowlist`;
  }
  return undefined;
}

/** Why a CloudTrail call needs no remediation at all (it failed, or airlock made it), or undefined. */
function ignoredCall(call: ApiCall, account: string, settings: Settings): string | undefined {
  if (call.errorCode !== undefined) return `the call failed (${call.errorCode}): nothing changed`;
  if (isOwnPrincipal(call, settings.ownPrincipals, account)) {
    return `made by airlock itself (${call.issuer ?? call.principal}): its own write, nothing to remediate`;
  }
  return undefined;
}

/** The API call as the audit record keeps it: who, what, from where. */
function auditApiCall(call: ApiCall): Omit<ApiCall, 'resourceIds'> {
  const { resourceIds: _ids, ...rest } = call;
  return rest;
}

/**
 * The pipeline handles one resource per event: a call that names several acts on the first; the
 * others are named in the record (Config's evaluation, or the periodic sweep, covers them).
 */
function otherResources(call: ApiCall, handled: string): string[] {
  const others = call.resourceIds.filter((id) => id !== handled);
  if (others.length === 0) return [];
  const named = others.slice(0, 10).map((id) => quote(id, 128));
  const more = others.length > 10 ? ` and ${others.length - 10} more` : '';
  return [`the call also named ${named.join(', ')}${more}: this event acts on ${quote(handled, 128)} only`];
}

/** The remediation's own settings, validated by its schema (defaults applied). */
export function remediationSettings(remediation: AnyRemediation, settings: Settings): unknown {
  return remediation.settingsSchema.parse(settings.remediations[remediation.id]?.settings ?? {});
}

function toAuditStep(remediation: AnyRemediation, step: Step, result: AuditStep['result']): AuditStep {
  return {
    action: step.action,
    api: apiName(step.action, step.api),
    input: step.input,
    reason: step.reason,
    ...(step.before === undefined ? {} : { before: step.before }),
    undo: remediation.undo(step).map((u) => ({
      action: u.action,
      api: apiName(u.action, u.api),
      input: u.input,
      reason: u.reason,
      ...(u.before === undefined ? {} : { before: u.before }),
    })),
    result,
  };
}

function stripMetadata(output: unknown): unknown {
  if (output && typeof output === 'object') {
    const { $metadata: _m, ...rest } = output as Record<string, unknown>;
    return Object.keys(rest).length ? rest : undefined;
  }
  return output;
}

/** The member role airlock acts with in the event's account, when it is not the home account. */
function assumedRoleOf(event: ParsedEvent, settings: Settings): { assumedRole?: string } {
  const role = settings.memberRole;
  if (!role || event.account === settings.homeAccount) return {};
  return {
    assumedRole: memberRoleArn(event.account, { roleName: role.name, partition: partitionOf(event.region) }),
  };
}
