import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import type { SimKind, SimSnapshotReader } from './kind.js';
import { SIM_KINDS } from './kinds/index.js';
import { emptyAccount, emptyRegion, parseSimState, type SimState } from './state.js';

export interface SnapshotResult {
  readonly state: SimState;
  /** Reads that failed (permissions, unsupported services): the state lacks those resources. */
  readonly warnings: readonly string[];
}

/** Dates to ISO strings, `$metadata` dropped: the JSON form the state file holds. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === '$metadata' ? undefined : v))) as T;
}

async function pages<T>(
  page: (token?: string) => Promise<{ items?: T[] | undefined; next?: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const out = await page(token);
    all.push(...(out.items ?? []));
    token = out.next;
  } while (token);
  return all;
}

/**
 * Reads an account's resources in one region, read-only, into a simulator state: each kind reads
 * itself (security groups with their rules, the prefix lists they name, route tables, transit
 * gateway route tables and their routes, EKS clusters, the region's S3 buckets with their public
 * access block and Object Lock configuration, no objects). A read that fails is a warning, not a
 * failure. Region kinds are read first, in registry order, then account kinds.
 *
 * @example
 * ```ts
 * const { state, warnings } = await snapshotAccount(createClientFactory(), 'eu-west-2');
 * ```
 */
export async function snapshotAccount(clients: ClientFactory, region: string): Promise<SnapshotResult> {
  const warnings: string[] = [];
  const identity = await clients.get(STSClient, { region }).send(new GetCallerIdentityCommand({}));
  const account = identity.Account;
  if (!account) throw new Error('sts:GetCallerIdentity returned no account');
  const regionOut: Record<string, unknown> = emptyRegion();
  const accountOut: Record<string, unknown> = emptyAccount();
  const read: SimSnapshotReader = {
    clients,
    scope: { region, account },
    attempt: async (api, run) => {
      try {
        return await run();
      } catch (error) {
        const d = describeError(error);
        warnings.push(`${api}: ${d.name}: ${d.message}`);
        return undefined;
      }
    },
    warn: (message) => warnings.push(message),
    plain,
    pages,
    region: regionOut,
  };
  const kinds = SIM_KINDS as readonly SimKind[];
  for (const scope of ['region', 'account'] as const) {
    const into = scope === 'region' ? regionOut : accountOut;
    for (const kind of kinds) {
      if (kind.scope === scope && kind.snapshot) Object.assign(into, await kind.snapshot(read));
    }
  }
  const state = parseSimState(
    {
      version: 1,
      seed: 1,
      sequence: 0,
      faults: [],
      settings: {},
      accounts: { [account]: { ...accountOut, regions: { [region]: regionOut } } },
    },
    `snapshot of ${account} ${region}`,
  );
  return { state, warnings };
}
