import { REMEDIATIONS } from '../../functions/registry.js';
import type { AnyRemediation } from '../../shared/remediation.js';
import { sampleEvent } from '../events/sample.js';
import {
  eventBus,
  kmsKey,
  placeResources,
  SAMPLE_SIGNING_KEY_ALIAS,
  type SimRegion,
  type SimState,
  securityGroup,
  simState,
} from '../sim/index.js';
import { DEMO_ACCOUNT, DEMO_REGION, DEMO_VPC, type DemoCase } from './case.js';

export {
  DEMO_ACCOUNT,
  DEMO_ATTACHMENTS,
  DEMO_REGION,
  DEMO_TARGETS,
  DEMO_VPC,
  type DemoCase,
  demoTgwAttachments,
} from './case.js';

/** One violation the demo plants, and the event AWS Config would send for it. */
export interface DemoViolation {
  readonly remediation: string;
  readonly resourceId: string;
  readonly what: string;
  /** The Config rule that reports it, when not the remediation's first. */
  readonly rule?: string;
}

/** A compliant look-alike: the part of the state that must be byte-for-byte the same afterwards. */
export interface DemoLookAlike {
  readonly remediation: string;
  readonly what: string;
  select(region: SimRegion, state: SimState): unknown;
}

/** The group the fast-path part of the demo opens through the API, as an operator would by hand. */
export const DEMO_FAST_PATH_GROUP = 'sg-0a0a0a0a0a0a0a003';

/**
 * Every registered remediation's demo case (`functions/<id>/demo.ts`), in the registry's order: a new
 * remediation is in the demo as soon as its registry line and its `demo.ts` exist.
 */
export const DEMO_CASES: readonly (DemoCase & { readonly remediation: string })[] = await Promise.all(
  REMEDIATIONS.map(async (r) => {
    const { demo } = (await import(`../../functions/${r.id}/demo.ts`)) as { demo: DemoCase };
    return { ...demo, remediation: r.id };
  }),
);

/** Settings the demo deploys with: enforce, and each remediation's own (the public tier, the pod CIDR). */
export const DEMO_SETTINGS = {
  mode: 'enforce',
  // every record is signed with the account's KMS key, as the deployed functions sign theirs
  signingKey: SAMPLE_SIGNING_KEY_ALIAS,
  remediations: Object.fromEntries(
    DEMO_CASES.flatMap((c) => (c.settings ? [[c.remediation, { settings: c.settings }]] : [])),
  ),
};

export const DEMO_VIOLATIONS: readonly DemoViolation[] = DEMO_CASES.flatMap((c) =>
  c.violations.map((v) => ({ remediation: c.remediation, ...v })),
);

export const DEMO_LOOK_ALIKES: readonly DemoLookAlike[] = DEMO_CASES.flatMap((c) =>
  c.lookAlikes.map((l) => ({ remediation: c.remediation, what: l.what, select: l.select })),
);

/** The compliance change AWS Config would send for a demo violation (NON_COMPLIANT, was COMPLIANT). */
export function demoViolationEvent(v: DemoViolation, remediation: AnyRemediation) {
  return sampleEvent(remediation, {
    resourceId: v.resourceId,
    account: DEMO_ACCOUNT,
    region: DEMO_REGION,
    compliance: 'NON_COMPLIANT',
    previous: 'COMPLIANT',
    ...(v.rule ? { rule: v.rule } : {}),
  });
}

/** The demo's account: each remediation's violations and look-alikes, and the fast path's group. */
export function demoState(): SimState {
  const state = simState({ seed: 7, settings: { eksUpdateDelayMs: 0 } });
  return placeResources(state, { account: DEMO_ACCOUNT, region: DEMO_REGION }, [
    kmsKey({ id: '0d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60', aliases: [SAMPLE_SIGNING_KEY_ALIAS] }),
    // the audit bus a replay with AIRLOCK_EVENT_BUS=airlock-audit publishes on
    eventBus('airlock-audit'),
    ...DEMO_CASES.flatMap((c) => c.resources()),
    securityGroup({
      id: DEMO_FAST_PATH_GROUP,
      name: 'build-agents',
      vpc: DEMO_VPC,
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a031', ports: 22, cidr: '10.20.0.0/16', description: 'build network' }],
    }),
  ]);
}
