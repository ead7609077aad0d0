import type { SimFragment, SimWhere } from './kind.js';
import { emptyAccount, emptyRegion, type SimSettings, type SimState } from './state.js';

/**
 * Builds states from resources described once. Each kind module exports its builders
 * (`securityGroup`, `routeTable`, `bucket`…); these two functions make the state and place them.
 */

/**
 * A state with no account yet: the top level of the state file.
 *
 * @example
 * ```ts
 * const state = simState({ seed: 7, settings: { eksUpdateDelayMs: 0 } });
 * placeResources(state, { account: '111122223333', region: 'eu-west-2' }, [securityGroup({ ... })]);
 * ```
 */
export function simState(spec: { readonly seed?: number; readonly settings?: SimSettings } = {}): SimState {
  return {
    version: 1,
    seed: spec.seed ?? 1,
    sequence: 0,
    faults: [],
    changeLog: [],
    settings: { ...spec.settings },
    accounts: {},
  };
}

/**
 * Places resources in an account and region of the state (each kind's empty value first, when the
 * account or region is new). Returns the state.
 */
export function placeResources(
  state: SimState,
  where: SimWhere,
  resources: readonly SimFragment[],
): SimState {
  for (const resource of resources) {
    state.accounts[where.account] ??= emptyAccount();
    const account = state.accounts[where.account]!;
    if (resource.scope === 'account') {
      resource.addTo(account, where);
      continue;
    }
    account.regions[where.region] ??= emptyRegion();
    resource.addTo(account.regions[where.region]!, where);
  }
  return state;
}
