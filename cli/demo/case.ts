import { type SimFragment, type SimRegion, type SimState, tgwAttachment } from '../sim/index.js';

/**
 * What a remediation shows in `airlock demo`: its folder's `demo.ts` exports `demo: DemoCase`, and the
 * demo builds its account, events and checks from every registered remediation's case
 * (`cli/demo/scenario.ts`). The account and its network are below.
 *
 * @example
 * ```ts
 * // functions/strip-internet-routes/demo.ts
 * export const demo: DemoCase = {
 *   settings: { publicRouteTableIds: [PUBLIC] },
 *   violations: [{ resourceId: 'rtb-0a0a0a0a0a0a0b001', what: 'private route table sends 0.0.0.0/0 to a NAT gateway' }],
 *   lookAlikes: [{ what: "the public tier's IGW route", select: (r) => r.routeTables.find((t) => t.RouteTableId === PUBLIC) }],
 *   resources: () => [routeTable({ ... }), routeTable({ ... })],
 * };
 * ```
 */
export interface DemoCase {
  /** The resources the case plants, violations and look-alikes, built with the simulator's scenario builders. */
  resources(): readonly SimFragment[];
  /** The remediation's settings in the demo (`remediations.<id>.settings`), when it needs any. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * The violations: resources of the remediation's type, each with what is wrong with it, and the Config
   * rule that reports it when not the remediation's first (a sidestep the managed rule passes).
   */
  readonly violations: readonly {
    readonly resourceId: string;
    readonly what: string;
    readonly rule?: string;
  }[];
  /** Compliant look-alikes beside the violations, each the part of the state that must not change. */
  readonly lookAlikes: readonly {
    readonly what: string;
    select(region: SimRegion, state: SimState): unknown;
  }[];
  /** The same case at scale, for the benchmark and the fault tests: resource `i`, violation or look-alike. */
  readonly scaled: ScaledCase;
}

/**
 * A remediation's resources at scale (`bench/scenario.ts` spreads `n` of them over every remediation):
 * resource `i` as a violation (one write fixes it, with compliant parts inside) or as a wholly compliant
 * look-alike that still receives a NON_COMPLIANT event and must end NOOP.
 */
export interface ScaledCase {
  /** Settings at scale, when they differ from the demo's (the public tier named by a tag...). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** An id of the right AWS format for resource `i`, distinct for a violation and a look-alike. */
  resourceId(i: number, violation: boolean): string;
  /** The resource with that id (and what it needs), a violation or a compliant look-alike. */
  resource(id: string, violation: boolean): SimFragment;
  /** The part of the resource the remediation must never touch (compared before and after). */
  untouched(region: SimRegion, state: SimState, id: string, violation: boolean): unknown;
}

/** A 17-digit hex id for resource `i` (`kind` 0 for a violation, 1 for a look-alike): `sg-` + it is an id. */
export function scaledHex(i: number, violation: boolean): string {
  return `${violation ? 0 : 1}${i.toString(16).padStart(16, '0')}`;
}

export const DEMO_ACCOUNT = '111122223333';
export const DEMO_REGION = 'eu-west-2';
/** The VPC of the demo's resources (the benchmark's follow it). */
export const DEMO_VPC = 'vpc-0d3e4f5a6b7c8d9e0';
/** The transit gateway attachments the demo's TGW routes go to: the workload VPC's and the inspection's. */
export const DEMO_ATTACHMENTS = {
  attachment: { id: 'tgw-attach-0a1b2c3d4e5f6a7b8', vpc: DEMO_VPC },
  inspection: { id: 'tgw-attach-0f9e8d7c6b5a4f3e2', vpc: DEMO_VPC },
} as const;
/** Route targets of the demo's route tables. */
export const DEMO_TARGETS = {
  nat: 'nat-0a0a0a0a0a0a0e001',
  peering: 'pcx-0a0a0a0a0a0a0a0a1',
  internetGateway: 'igw-0a0a0a0a0a0a0a0a2',
  transitGateway: 'tgw-0a0a0a0a0a0a0c0f0',
} as const;

/** The attachments TGW routes may target: the workload VPC's, and the inspection VPC's own (routes name it with the workload VPC). */
export function demoTgwAttachments(): SimFragment[] {
  return [
    tgwAttachment(DEMO_ATTACHMENTS.attachment),
    tgwAttachment({ id: DEMO_ATTACHMENTS.inspection.id, vpc: 'vpc-0f0f0f0f0f0f0f0f0' }),
  ];
}
