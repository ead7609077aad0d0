import { S3Client } from '@aws-sdk/client-s3';
import type { Pluggable } from '@smithy/types';
import { type SimBucket, type SimState, SimulatedCloud } from '../../cli/sim/index.js';

/** An Object Lock bucket on the simulated account (cli/sim), for tests of what reads and writes the S3 trail. */

type SimObject = SimBucket['objects'][number];

export interface SimulatedBucket {
  readonly name: string;
  /** An S3 client on the simulated account; `ListObjectsV2` without a delimiter pages every `pageSize` keys. */
  client(): S3Client;
  /** The input of each call of an API (`ListObjectsV2`) made through `client()`, in order. */
  inputsOf(api: string): Record<string, unknown>[];
  /**
   * Changes the stored objects outside the API, as someone with other access would (the objects are
   * locked: the API refuses). Checksums and ETags follow the new bodies. Clients made before are closed.
   */
  tamper(change: (objects: SimObject[]) => void): Promise<void>;
  close(): Promise<void>;
}

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';

/**
 * A bucket with Object Lock on, new objects kept `retentionDays` days in COMPLIANCE mode.
 *
 * @example
 * ```ts
 * const bucket = await simulatedBucket('acme-airlock-audit');
 * await s3Sink(bucket.client(), bucket.name, 'audit/').write(record);
 * await bucket.tamper((objects) => { objects[0]!.Body = '{}'; });
 * ```
 */
export async function simulatedBucket(
  name: string,
  options: { retentionDays?: number; pageSize?: number } = {},
): Promise<SimulatedBucket> {
  const state = {
    accounts: {
      [ACCOUNT]: {
        buckets: {
          [name]: {
            region: REGION,
            publicAccessBlock: null,
            objectLock: {
              ObjectLockEnabled: 'Enabled' as const,
              Rule: { DefaultRetention: { Mode: 'COMPLIANCE' as const, Days: options.retentionDays ?? 365 } },
            },
          },
        },
        regions: { [REGION]: {} },
      },
    },
  };
  let sim = await SimulatedCloud.create(state, { dynamodb: false });
  const calls: { api: string; input: Record<string, unknown> }[] = [];
  const recorder = recordCalls(calls, options.pageSize ?? 2);
  const scope = { account: ACCOUNT, region: REGION };
  return {
    name,
    client: () =>
      sim
        .clientFactory({ maxAttempts: 1, pluginsFor: (s) => [sim.plugin(s), recorder] })
        .get(S3Client, scope),
    inputsOf: (api) => calls.filter((c) => c.api === api).map((c) => c.input),
    tamper: async (change) => {
      const next: SimState = sim.state();
      const objects = next.accounts[ACCOUNT]!.buckets[name]!.objects;
      change(objects);
      for (const o of objects) {
        // recomputed on load from the (new) body
        delete o.ChecksumSHA256;
        delete o.ETag;
      }
      await sim.close();
      sim = await SimulatedCloud.create(next, { dynamodb: false });
    },
    close: () => sim.close(),
  };
}

/** Records each command's input; gives `ListObjectsV2` without a delimiter a small page size. */
function recordCalls(
  calls: { api: string; input: Record<string, unknown> }[],
  pageSize: number,
  // biome-ignore lint/suspicious/noExplicitAny: the plugin applies to any client
): Pluggable<any, any> {
  return {
    applyToStack: (stack) => {
      stack.add(
        // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
        (next: any, context: any) => async (args: any) => {
          const api = String(context.commandName ?? '').replace(/Command$/, '');
          calls.push({ api, input: { ...args.input } });
          if (api === 'ListObjectsV2' && !args.input.Delimiter && args.input.MaxKeys === undefined) {
            return next({ ...args, input: { ...args.input, MaxKeys: pageSize } });
          }
          return next(args);
        },
        { step: 'initialize', name: 'recordCallsForTests' },
      );
    },
  };
}
