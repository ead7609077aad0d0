import { DEMO_CASES, demoTgwAttachments } from '../cli/demo/scenario.js';
import { placeResources, type SimState, simState } from '../cli/sim/index.js';
import { REMEDIATIONS } from '../functions/registry.js';
import { complianceEvent } from '../test/helpers/events.js';

/**
 * The benchmark's simulated account: `n` resources spread over every registered remediation, each its
 * own resource, built by the remediation's scaled demo case (`functions/<id>/demo.ts`). Four in five
 * are violations (with compliant look-alike parts inside: private SSH, HTTPS, local and peering routes,
 * the node-CIDR TGW route...); one in five is a wholly compliant look-alike that still receives a
 * NON_COMPLIANT event (a stale evaluation) and must end NOOP.
 */

export const BENCH_ACCOUNT = '111122223333';
export const BENCH_REGION = 'eu-west-2';

/** Every registered remediation, in the registry's order. */
export const REMEDIATION_IDS: readonly string[] = REMEDIATIONS.map((r) => r.id);
export type RemediationId = string;

const CASES = new Map(DEMO_CASES.map((c) => [c.remediation, c]));
const REMEDIATION_BY_ID = new Map(REMEDIATIONS.map((r) => [r.id, r]));

function caseOf(remediation: RemediationId) {
  const found = CASES.get(remediation);
  if (!found) throw new Error(`no demo case for remediation ${remediation}`);
  return found;
}

/** The resource type and the first Config rule name a remediation answers. */
function ruleOf(remediation: RemediationId): { resourceType: string; rule: string } {
  const r = REMEDIATION_BY_ID.get(remediation);
  if (!r?.configRuleNames[0]) throw new Error(`remediation ${remediation} names no Config rule`);
  return { resourceType: r.resourceType, rule: r.configRuleNames[0] };
}

/** Settings the benchmark deploys with: enforce, the demo's, each remediation's at scale (the public tier by tag). */
export const BENCH_SETTINGS = {
  mode: 'enforce',
  allowedAccounts: [BENCH_ACCOUNT],
  remediations: Object.fromEntries(
    DEMO_CASES.flatMap((c) => {
      const settings = { ...c.settings, ...c.scaled.settings };
      return Object.keys(settings).length ? [[c.remediation, { settings }]] : [];
    }),
  ),
};

/** One resource of the scenario and the event AWS Config would send for it. */
export interface BenchResource {
  readonly remediation: RemediationId;
  readonly resourceId: string;
  /** True for a violation (exactly `expectedWrites` writes fix it); false for a compliant look-alike. */
  readonly violation: boolean;
  readonly expectedWrites: number;
  readonly event: ReturnType<typeof complianceEvent>;
}

export interface BenchScenario {
  readonly state: SimState;
  readonly resources: readonly BenchResource[];
}

/** An id of the right AWS format for resource `i` of a remediation. */
export function resourceIdFor(remediation: RemediationId, i: number, lookAlike = false): string {
  return caseOf(remediation).scaled.resourceId(i, !lookAlike);
}

/**
 * Builds the scenario: `n` resources, round-robin over the remediations (or only `only`).
 *
 * @example
 * ```ts
 * const { state, resources } = buildScenario(100);
 * const sim = await SimulatedCloud.create(state);
 * ```
 */
export function buildScenario(n: number, only: readonly RemediationId[] = REMEDIATION_IDS): BenchScenario {
  const where = { account: BENCH_ACCOUNT, region: BENCH_REGION };
  const state = simState({ seed: 7, settings: { eksUpdateDelayMs: 0 } });
  placeResources(state, where, demoTgwAttachments());
  const resources: BenchResource[] = [];
  for (let k = 0; k < n; k++) {
    const remediation = only[k % only.length]!;
    const i = Math.floor(k / only.length);
    const lookAlike = i % 5 === 4;
    const id = resourceIdFor(remediation, i, lookAlike);
    placeResources(state, where, [caseOf(remediation).scaled.resource(id, !lookAlike)]);
    resources.push({
      remediation,
      resourceId: id,
      violation: !lookAlike,
      expectedWrites: lookAlike ? 0 : 1,
      event: complianceEvent({
        ...ruleOf(remediation),
        resourceId: id,
        account: BENCH_ACCOUNT,
        region: BENCH_REGION,
        id: `b1a9c0de-0000-4000-8000-${k.toString(16).padStart(12, '0')}`,
      }),
    });
  }
  return { state, resources };
}

/** The event for `resource`, as Config would send it (remediation id -> resource type and rule). */
export function eventFor(remediation: RemediationId, resourceId: string, id?: string) {
  return complianceEvent({
    ...ruleOf(remediation),
    resourceId,
    account: BENCH_ACCOUNT,
    region: BENCH_REGION,
    ...(id ? { id } : {}),
  });
}

/** The part of the state a remediation must never touch for this resource (compared before/after). */
export function untouchable(state: SimState, r: BenchResource): unknown {
  const region = state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
  return caseOf(r.remediation).scaled.untouched(region, state, r.resourceId, r.violation);
}
