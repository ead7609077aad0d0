import type { Logger } from '@aws-lambda-powertools/logger';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { findExemption } from '../../shared/exemptions.js';
import { remediationSettings } from '../../shared/pipeline.js';
import { type AnyRemediation, apiName, GONE, type RemediationContext } from '../../shared/remediation.js';
import { checkResourceId } from '../../shared/resource-kind.js';
import { modeFor, type Settings } from '../../shared/settings.js';
import { mapConcurrently } from '../pool.js';

/**
 * What would happen to one resource if its remediation acted on it now, in enforce mode:
 * - `change`: the planner found a violation; `steps` are the exact calls it would make;
 * - `exempt`: a violation, but a valid exemption in the register covers it;
 * - `compliant`: a look-alike left alone, with the planner's reason;
 * - `deferred`: a violation the planner cannot act on now (cluster busy...);
 * - `gone`: deleted between the listing and the read;
 * - `error`: it could not be read (or its id is one the function would reject).
 */
export type ScanVerdict = 'change' | 'exempt' | 'compliant' | 'deferred' | 'gone' | 'error';
export const SCAN_VERDICTS: readonly ScanVerdict[] = [
  'change',
  'exempt',
  'deferred',
  'error',
  'compliant',
  'gone',
];

export interface ScanStep {
  readonly action: string;
  readonly api: string;
  readonly input: unknown;
  readonly reason: string;
}

export interface ScanFinding {
  readonly remediation: string;
  readonly resourceType: string;
  readonly resource: string;
  readonly verdict: ScanVerdict;
  readonly reason: string;
  /** The calls the remediation would make (`change`; for `exempt`, what the exemption holds back). */
  readonly steps: readonly ScanStep[];
  readonly exemption?: { id: string; reason: string; approvedBy: string; expires: string };
  readonly notes: readonly string[];
}

/** One remediation's part of the scan: how many resources it listed, in which configured mode. */
export interface ScanKind {
  readonly remediation: string;
  readonly resourceType: string;
  /** The mode the deployed function is configured with (a scan always plans as enforce would act). */
  readonly mode: string;
  readonly listed: number;
  /** Why the kind was not (fully) enumerated: no `list`, or the listing failed. */
  readonly problem?: string;
}

export interface ScanResult {
  readonly account: string;
  readonly region: string;
  readonly kinds: readonly ScanKind[];
  readonly findings: readonly ScanFinding[];
  readonly counts: Readonly<Record<ScanVerdict, number>>;
  /** Things the reader must know: allowlists, the exemption register. */
  readonly notes: readonly string[];
}

/** How the scan reports its progress: each kind listed, then each resource planned. */
export interface ScanProgress {
  listing?(remediation: string, listed: number): void;
  planning?(done: number, total: number): void;
}

export interface ScanOptions {
  readonly clients: ClientFactory;
  readonly account: string;
  readonly region: string;
  readonly settings: Settings;
  /** The exemption register as read (a JSON array), or undefined when there is none. */
  readonly exemptions?: unknown;
  readonly remediations?: readonly AnyRemediation[];
  readonly concurrency?: number;
  readonly progress?: ScanProgress;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Notes to carry into the result (the allowlists, the exemption register). */
  readonly notes?: readonly string[];
}

interface Task {
  readonly remediation: AnyRemediation;
  readonly settings: unknown;
  readonly resource: string;
}

/**
 * Previews a whole account and region: every resource each remediation lists (its own `list`,
 * paged), read with its own `describe` and planned with its own `plan` and the configured settings,
 * then looked up in the exemption register. Read-only: it never calls `apply`.
 *
 * @example
 * ```ts
 * const result = await scanAccount({ clients, account: '111122223333', region: 'eu-west-2', settings, logger });
 * result.counts.change; // resources the remediations would change
 * ```
 */
export async function scanAccount(o: ScanOptions): Promise<ScanResult> {
  const context: RemediationContext = {
    client: (ctor) => o.clients.get(ctor, { region: o.region, account: o.account }),
    region: o.region,
    accountId: o.account,
    logger: o.logger,
  };
  const kinds: ScanKind[] = [];
  const tasks: Task[] = [];
  for (const remediation of o.remediations ?? REMEDIATIONS) {
    const listed = await listKind(remediation, context, o.progress);
    kinds.push({
      remediation: remediation.id,
      resourceType: remediation.resourceType,
      mode: modeFor(o.settings, remediation.id),
      listed: listed.ids.length,
      ...(listed.problem ? { problem: listed.problem } : {}),
    });
    const settings = remediationSettings(remediation, o.settings);
    for (const resource of listed.ids) tasks.push({ remediation, settings, resource });
  }
  const findings = await mapConcurrently(
    tasks,
    o.concurrency ?? 8,
    (task) => planOne(task, context, o),
    (_f, done, total) => o.progress?.planning?.(done, total),
  );
  const counts = Object.fromEntries(SCAN_VERDICTS.map((v) => [v, 0])) as Record<ScanVerdict, number>;
  for (const f of findings) counts[f.verdict]++;
  return { account: o.account, region: o.region, kinds, findings, counts, notes: [...(o.notes ?? [])] };
}

/** The ids one remediation lists, in order; a listing that fails keeps what it read, with why. */
async function listKind(
  remediation: AnyRemediation,
  context: RemediationContext,
  progress: ScanProgress | undefined,
): Promise<{ ids: string[]; problem?: string }> {
  if (!remediation.list) return { ids: [], problem: 'declares no list: its resources cannot be enumerated' };
  const ids: string[] = [];
  try {
    for await (const id of remediation.list.ids(context)) {
      ids.push(id);
      progress?.listing?.(remediation.id, ids.length);
    }
  } catch (error) {
    const d = describeError(error);
    return { ids, problem: `listing failed after ${ids.length}: ${d.name}: ${d.message}` };
  }
  return { ids };
}

/** One resource: read live, planned, then the exemption register if there is anything to do. */
async function planOne(task: Task, context: RemediationContext, o: ScanOptions): Promise<ScanFinding> {
  const { remediation, resource } = task;
  const base = { remediation: remediation.id, resourceType: remediation.resourceType, resource };
  const end = (verdict: ScanVerdict, reason: string, more: Partial<ScanFinding> = {}): ScanFinding => ({
    ...base,
    verdict,
    reason,
    steps: [],
    notes: [],
    ...more,
  });
  const problem = checkResourceId(remediation.resourceKind, resource);
  if (problem) return end('error', `the function would reject this id: it ${problem}`);
  let state: unknown;
  try {
    state = await remediation.describe(resource, context, task.settings);
  } catch (error) {
    const d = describeError(error);
    return end('error', `could not read the resource: ${d.name}: ${d.message}`);
  }
  if (state === GONE) return end('gone', 'the resource no longer exists');
  const plan = remediation.plan(state, task.settings);
  const notes = [...(plan.notes ?? [])];
  if (plan.kind === 'noop') return end('compliant', plan.reason, { notes });
  if (plan.kind === 'skip') return end('deferred', `cannot act now: ${plan.reason}`, { notes });
  const steps = plan.steps.map((s) => ({
    action: s.action,
    api: apiName(s.action, s.api),
    input: s.input,
    reason: s.reason,
  }));
  const match = findExemption(
    o.exemptions,
    { resourceId: resource, remediation: remediation.id, account: o.account },
    (o.now ?? Date.now)(),
    o.settings.exemptions.maxDays,
  );
  notes.push(...match.notes);
  const x = match.exemption;
  if (!x)
    return end('change', `${steps.length} call(s): ${steps.map((s) => s.reason).join('; ')}`, {
      steps,
      notes,
    });
  return end('exempt', `exempt until ${x.expires} (${x.id}, approved by ${x.approvedBy}): ${x.reason}`, {
    steps,
    notes,
    exemption: { id: x.id, reason: x.reason, approvedBy: x.approvedBy, expires: x.expires },
  });
}
