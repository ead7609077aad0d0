import type { SimKind } from './kind.js';
import { SIM_KINDS } from './kinds/index.js';
import { placeResources, simState } from './scenario.js';
import type { SimState } from './state.js';

/**
 * A small sample account (what `airlock sim init` writes): one account, one region, and one
 * violation of each kind airlock remediates, next to resources that must stay untouched. Each
 * kind contributes its part (`sample` in its module).
 */
export function sampleSimState(): SimState {
  const state = simState({ seed: 1, settings: { eksUpdateDelayMs: 0 } });
  const resources = (SIM_KINDS as readonly SimKind[]).flatMap((kind) => kind.sample?.() ?? []);
  return placeResources(state, { account: '111122223333', region: 'eu-west-2' }, resources);
}
