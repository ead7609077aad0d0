import type { SimKind } from './kind.js';
import { SIM_KINDS } from './kinds/index.js';
import type { SimState } from './state.js';

/** One line per resource kind and where it lives: what `airlock sim show` prints. */
export interface SimSummaryRow {
  readonly account: string;
  readonly region: string;
  readonly kind: string;
  readonly id: string;
  readonly detail: string;
}

const KINDS = SIM_KINDS as readonly SimKind[];

/**
 * Summarises a state: every resource with the detail that matters to airlock (world-open ingress,
 * routes to gateways, endpoint access, public access block, Object Lock, item counts), as each kind
 * summarises itself. Per account: its account kinds, then each region's kinds, in registry order.
 *
 * @example
 * ```ts
 * for (const row of summarizeSimState(state)) console.log(row.kind, row.id, row.detail);
 * ```
 */
export function summarizeSimState(state: SimState): SimSummaryRow[] {
  const rows: SimSummaryRow[] = [];
  const add = (kinds: readonly SimKind[], view: Record<string, unknown>, account: string, region = '') => {
    for (const kind of kinds) {
      for (const item of kind.summarize?.(view) ?? []) {
        rows.push({
          account,
          region: item.region ?? region,
          kind: item.kind,
          id: item.id,
          detail: item.detail,
        });
      }
    }
  };
  for (const [account, a] of Object.entries(state.accounts)) {
    add(
      KINDS.filter((k) => k.scope === 'account'),
      a,
      account,
    );
    for (const [region, r] of Object.entries(a.regions)) {
      add(
        KINDS.filter((k) => k.scope === 'region'),
        r,
        account,
        region,
      );
    }
  }
  return rows;
}
