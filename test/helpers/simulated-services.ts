import { SimulatedCloud } from '../../cli/sim/cloud.js';
import type { SimStateInput } from '../../cli/sim/state.js';

/** A simulated account with one region's resources and a client factory on it, for the simulator's service tests. */

export const ACCOUNT = '644160558196';
export const REGION = 'us-east-1';
export const scope = { account: ACCOUNT, region: REGION };

export const errorOf = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e) => e as Error & { $metadata: { httpStatusCode?: number } });

export async function simWith(
  region: NonNullable<SimStateInput['accounts'][string]['regions']>[string],
  extra: Partial<SimStateInput> = {},
  clock = { now: 1_760_000_000_000 },
) {
  const sim = await SimulatedCloud.create(
    {
      ...extra,
      accounts: {
        [ACCOUNT]: { roles: ['airlock-remediation'], regions: { [REGION]: region } },
        ...(extra.accounts ?? {}),
      },
    },
    { dynamodb: false, now: () => clock.now },
  );
  return { sim, factory: sim.clientFactory({ maxAttempts: 1 }) };
}
