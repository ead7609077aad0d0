import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import type { AuditRecord } from '../shared/audit-record.js';
import type { ClientFactoryOptions } from '../shared/clients.js';
import { type BuiltDeps, createDeps } from '../shared/deps.js';
import { RemediationFailedError } from '../shared/errors.js';
import { runPipeline } from '../shared/pipeline.js';
import { BENCH_REGION, BENCH_SETTINGS, type BenchResource } from './scenario.js';

/** The DynamoDB table and audit bucket the benchmark's deployment uses on the simulated account. */
export const BENCH_TABLE = 'airlock-idempotency';
export const BENCH_AUDIT_BUCKET = 'airlock-bench-audit';

/** One delivery of one event, as Lambda would see it, and how it ended. */
export interface Delivery {
  readonly resource: BenchResource;
  /** 0 = first delivery, 1 = the duplicate. */
  readonly copy: number;
  /** performance.now() when the first invocation for this delivery started (event receipt). */
  receivedAt?: number;
  /** performance.now() when the delivery ended (result or dead letter). */
  endedAt?: number;
  invocations: number;
  outcome?: string;
  recordId?: string;
  /** The last error, when every invocation failed and the event went to the dead-letter queue. */
  deadLetter?: string;
}

export interface DriveOptions {
  readonly concurrency: number;
  /** Lambda's asynchronous retries of a failed invocation (2, as Lambda's default). */
  readonly retries?: number;
  /** Delay before a retry (Lambda waits about a minute; shortened so that the run stays short). */
  readonly retryDelayMs?: number;
  readonly clientOptions?: Partial<ClientFactoryOptions>;
  readonly settings?: Record<string, unknown>;
}

export interface DriveResult {
  readonly deliveries: readonly Delivery[];
  readonly records: ReadonlyMap<string, AuditRecord>;
  readonly wallMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers events through the real pipeline the way Lambda would: `concurrency` containers, each
 * with its own clients and dependencies (built once, reused), handling one event at a time; a failed
 * invocation is retried `retries` times, then dead-lettered; an event whose duplicate is still in
 * progress is retried until it gets the stored result.
 */
export async function driveDeliveries(
  sim: SimulatedCloud,
  deliveries: Delivery[],
  options: DriveOptions,
): Promise<DriveResult> {
  const records = new Map<string, AuditRecord>();
  const retries = options.retries ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const containers = Array.from({ length: options.concurrency }, () => {
    const clients = sim.clientFactory(options.clientOptions ?? {});
    const deps = new Map<string, BuiltDeps>();
    return (id: string): BuiltDeps => {
      let d = deps.get(id);
      if (!d) {
        d = createDeps(id, {
          env: {},
          clients,
          homeRegion: BENCH_REGION,
          settings: {
            ...BENCH_SETTINGS,
            table: BENCH_TABLE,
            audit: { bucket: BENCH_AUDIT_BUCKET },
            ...options.settings,
          },
          onRecord: (r) => records.set(r.id, r),
          logger: new Logger({ serviceName: id, logLevel: 'SILENT' }),
        });
        d.registerContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
        deps.set(id, d);
      }
      return d;
    };
  });
  const queue = [...deliveries];
  const started = performance.now();
  let next = 0;
  const worker = async (container: (id: string) => BuiltDeps) => {
    while (next < queue.length) {
      const delivery = queue[next++]!;
      const remediation = findRemediation(delivery.resource.remediation)!;
      delivery.receivedAt = performance.now();
      let failures = 0;
      for (let inProgress = 0; ; ) {
        delivery.invocations++;
        try {
          const out = await runPipeline(delivery.resource.event, remediation, container(remediation.id));
          delivery.outcome = out.outcome;
          delivery.recordId = out.recordId;
          break;
        } catch (error) {
          const name = (error as Error).name;
          if (name === 'IdempotencyAlreadyInProgressError' && inProgress++ < 200) {
            await sleep(20);
            continue;
          }
          if (failures++ < retries) {
            await sleep(retryDelayMs);
            continue;
          }
          delivery.outcome = 'FAILED';
          if (error instanceof RemediationFailedError) delivery.recordId = error.recordId;
          delivery.deadLetter = `${name}: ${(error as Error).message}`;
          break;
        }
      }
      delivery.endedAt = performance.now();
    }
  };
  await Promise.all(containers.map((c) => worker(c)));
  return { deliveries, records, wallMs: performance.now() - started };
}

/** Each resource's event delivered twice, in a seeded shuffled order (duplicates sometimes concurrent). */
export function twiceShuffled(resources: readonly BenchResource[], seed = 42): Delivery[] {
  const out: Delivery[] = resources.flatMap((resource) =>
    [0, 1].map((copy) => ({ resource, copy, invocations: 0 })),
  );
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
