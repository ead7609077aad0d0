import { createHash } from 'node:crypto';
import type { SimAccount, SimRegion, SimState } from './state.js';
import { emptyRegion } from './state.js';

/** What a simulated API sees: the live state, where the call acts, the clock, id generation. */
export interface SimCallContext {
  readonly state: SimState;
  readonly account: string;
  readonly region: string;
  readonly now: number;
  /** The account's resources in the call's region; `create` adds an empty region when missing (writes). */
  region$(create?: boolean): SimRegion;
  account$(): SimAccount;
  /** A new, never repeated id: `sgr-` + 17 hex. */
  newId(prefix: string, hexLength?: number): string;
  /** A new UUID (EKS update ids). */
  newUuid(): string;
}

/** A deterministic id from the state's seed and sequence (persisted, so ids never repeat after a reload). */
export function makeIdSource(state: SimState): { newId: SimCallContext['newId']; newUuid: () => string } {
  const next = () => {
    state.sequence += 1;
    return createHash('sha256').update(`${state.seed}:${state.sequence}`).digest('hex');
  };
  return {
    newId: (prefix, hexLength = 17) => `${prefix}${next().slice(0, hexLength)}`,
    newUuid: () => {
      const h = next();
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  };
}

export function accountOf(state: SimState, account: string): SimAccount {
  const a = state.accounts[account];
  if (!a) {
    const created: SimAccount = { roles: [], buckets: {}, regions: {} };
    state.accounts[account] = created;
    return created;
  }
  return a;
}

/** The region of an account, without creating it (reads of a missing region see nothing). */
export function peekRegion(state: SimState, account: string, region: string): SimRegion {
  return state.accounts[account]?.regions[region] ?? emptyRegion();
}

export function regionOf(state: SimState, account: string, region: string): SimRegion {
  const a = accountOf(state, account);
  a.regions[region] ??= emptyRegion();
  return a.regions[region];
}
