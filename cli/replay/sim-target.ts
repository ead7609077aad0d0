import { existsSync } from 'node:fs';
import { STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory } from '../../shared/clients.js';
import { memberCredentials } from '../../shared/member-roles.js';
import { CliError } from '../errors.js';
import { loadSimState, SimStateError, SimulatedCloud } from '../sim/index.js';
import type { Target } from './target.js';

/** The DynamoDB table the harness uses on the simulated account for idempotency and breaker counters. */
export const SIM_TABLE = 'airlock-idempotency';

/**
 * The embedded simulated account, loaded from a state file. Its table (breaker counters, and
 * idempotency when asked for) is created when missing; `close(true)` saves the state back.
 * `dynamodb: false` starts no local DynamoDB (a run that writes nothing needs none) and names no table.
 */
export async function simTarget(
  path: string,
  saveTo?: string,
  roles: { assumeRoleName?: string; externalId?: string } = {},
  options: { dynamodb?: boolean } = {},
): Promise<Target & { readonly sim: SimulatedCloud }> {
  if (!existsSync(path))
    throw new CliError(`${path}: no such state file (create one with: airlock sim init ${path})`);
  let state: ReturnType<typeof loadSimState>;
  try {
    state = loadSimState(path);
  } catch (error) {
    if (error instanceof SimStateError) throw new CliError(`${path}: ${error.message}`);
    throw new CliError(`${path}: ${(error as Error).message}`);
  }
  const account = Object.keys(state.accounts)[0];
  if (!account) throw new CliError(`${path}: the state has no account`);
  const region = Object.keys(state.accounts[account]?.regions ?? {})[0];
  if (!region) throw new CliError(`${path}: account ${account} has no region`);
  const hasTable = Object.values(state.accounts).some((a) =>
    Object.values(a.regions).some((r) => SIM_TABLE in r.dynamodbTables),
  );
  const served = options.dynamodb !== false;
  if (served && !hasTable)
    state.accounts[account]!.regions[region]!.dynamodbTables[SIM_TABLE] = { items: [] };
  const sim = await SimulatedCloud.create(state, {
    defaultAccount: account,
    defaultRegion: region,
    ...(served ? {} : { dynamodb: false }),
  });
  // with a member role name, every account but the first (the home account) is reached through it
  let clients: ClientFactory;
  const credentialsFor = roles.assumeRoleName
    ? memberCredentials(() => clients.get(STSClient, { region }), {
        roleName: roles.assumeRoleName,
        homeAccount: account,
        ...(roles.externalId ? { externalId: roles.externalId } : {}),
      })
    : undefined;
  clients = sim.clientFactory(credentialsFor ? { credentialsFor } : {});
  return {
    kind: 'sim',
    sim,
    clients,
    homeRegion: region,
    settings: { ...(served ? { table: SIM_TABLE } : {}), allowedAccounts: Object.keys(state.accounts) },
    calls: () => sim.calls(),
    close: async (save) => {
      let saved: string | undefined;
      if (save) {
        saved = saveTo ?? path;
        await sim.save(saved);
      }
      await sim.close();
      return saved;
    },
  };
}
