import { EC2Client } from '@aws-sdk/client-ec2';
import { SimulatedCloud } from '../../cli/sim/cloud.js';
import type { SimRegion } from '../../cli/sim/state.js';

/** An EC2 client on a simulated account holding one region's resources, for the simulator's EC2 tests. */

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** A simulated account with `region`'s resources, and an EC2 client on it (one attempt per call). */
export async function ec2With(region: Partial<SimRegion>) {
  const sim = await SimulatedCloud.create(
    { accounts: { [ACCOUNT]: { regions: { [REGION]: region as never } } } },
    { dynamodb: false },
  );
  const ec2 = sim.clientFactory({ maxAttempts: 1 }).get(EC2Client, { account: ACCOUNT, region: REGION });
  return { sim, ec2 };
}

/** Drops empty lists and metadata so that recorded and simulated responses compare by content. */
export function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return new Date(value).toISOString();
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(
          ([k, v]) => k !== 'ResponseMetadata' && k !== '$metadata' && !(Array.isArray(v) && v.length === 0),
        )
        .map(([k, v]) => [k, normalize(v)]),
    );
  }
  return value;
}

export const errorOf = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e) => e as Error & { name: string });
