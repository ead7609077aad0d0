import { createHash } from 'node:crypto';
import { emptyAccount, emptyRegion } from './state.js';

/**
 * The state as the core sees it: accounts -> regions, each holding the fields of the registered kinds
 * (`kinds/index.ts`), which the core does not name. Kinds reach their own fields through their slot.
 */
export interface SimStateCore {
  seed: number;
  sequence: number;
  settings: Record<string, unknown>;
  accounts: Record<string, SimAccountCore>;
}

export type SimAccountCore = Record<string, unknown> & {
  regions: Record<string, Record<string, unknown>>;
};

/** What a simulated API sees: the live state, where the call acts, the clock, id generation. */
export interface SimCallContext {
  readonly state: SimStateCore;
  readonly account: string;
  readonly region: string;
  readonly now: number;
  /** The account's resources in the call's region; `create` adds an empty region when missing (writes). */
  region$(create?: boolean): Record<string, unknown>;
  /** The call's account (added, empty, when missing). */
  account$(): SimAccountCore;
  /** A new, never repeated id: `sgr-` + 17 hex. */
  newId(prefix: string, hexLength?: number): string;
  /** A new UUID (EKS update ids). */
  newUuid(): string;
}

/** A deterministic id from the state's seed and sequence (persisted, so ids never repeat after a reload). */
export function makeIdSource(state: SimStateCore): {
  newId: SimCallContext['newId'];
  newUuid: () => string;
} {
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

export function accountOf(state: SimStateCore, account: string): SimAccountCore {
  state.accounts[account] ??= emptyAccount();
  return state.accounts[account];
}

/** The region of an account, without creating it (reads of a missing region see nothing). */
export function peekRegion(state: SimStateCore, account: string, region: string): Record<string, unknown> {
  return state.accounts[account]?.regions[region] ?? emptyRegion();
}

export function regionOf(state: SimStateCore, account: string, region: string): Record<string, unknown> {
  const a = accountOf(state, account);
  a.regions[region] ??= emptyRegion();
  return a.regions[region];
}
