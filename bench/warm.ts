import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import { createDeps } from '../shared/deps.js';
import { runPipeline } from '../shared/pipeline.js';
import { BENCH_AUDIT_BUCKET, BENCH_TABLE } from './drive.js';
import {
  BENCH_ACCOUNT,
  BENCH_REGION,
  BENCH_SETTINGS,
  type BenchResource,
  buildScenario,
  REMEDIATION_IDS,
} from './scenario.js';
import { percentile } from './stats.js';

/** AWS calls of one event, by kind. */
export interface CallSplit {
  /** describe (reads) + write + verify: what the remediation itself needs. */
  readonly essential: number;
  readonly reads: number;
  readonly writes: number;
  /** Idempotency (DynamoDB put + update), blast-radius counter (DynamoDB update), audit (S3 PutObject). */
  readonly overhead: number;
  readonly idempotencyAndCounters: number;
  readonly audit: number;
}

export interface WarmResult {
  /** Pipeline time minus time inside AWS SDK calls, per event, ms. */
  readonly overheadMs: Record<string, { readonly p50: number; readonly p99: number; readonly n: number }>;
  /** Median calls per event, per remediation and outcome. */
  readonly calls: Record<string, Record<string, CallSplit>>;
}

/**
 * Warm per-event overhead and AWS calls per event, on the simulated account with no injected latency
 * or fault. Events run one at a time through warm dependencies (one container). A middleware at the
 * top of every client's stack (initialize step) times each `send`; the pipeline's overhead is its wall
 * time minus that: parsing, validation, planning, record sealing (SHA-256 of the canonical form),
 * logging, idempotency bookkeeping outside the SDK. Logs are SILENT (no stdout write is timed).
 */
export async function measureWarm(perRemediation: number): Promise<WarmResult> {
  const { state, resources } = buildScenario(perRemediation * REMEDIATION_IDS.length * 2);
  const region = state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
  region.dynamodbTables[BENCH_TABLE] = { items: [] };
  state.accounts[BENCH_ACCOUNT]!.buckets[BENCH_AUDIT_BUCKET] = { region: BENCH_REGION, objects: [] } as never;
  const sim = await SimulatedCloud.create(state, {
    defaultAccount: BENCH_ACCOUNT,
    defaultRegion: BENCH_REGION,
  });
  let sdkMs = 0;
  const timer = {
    // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
    applyToStack: (stack: any) => {
      stack.add(
        // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
        (next: any) => async (args: any) => {
          const t0 = performance.now();
          try {
            return await next(args);
          } finally {
            sdkMs += performance.now() - t0;
          }
        },
        { step: 'initialize', priority: 'high', name: 'benchTimer' },
      );
    },
  };
  const clients = sim.clientFactory({ plugins: [timer] });
  const depsFor = (mode: 'enforce' | 'dry-run') => {
    const cache = new Map<string, ReturnType<typeof createDeps>>();
    return (id: string) => {
      let d = cache.get(id);
      if (!d) {
        d = createDeps(id, {
          env: {},
          clients,
          homeRegion: BENCH_REGION,
          settings: {
            ...BENCH_SETTINGS,
            mode,
            table: BENCH_TABLE,
            audit: { bucket: BENCH_AUDIT_BUCKET },
            blastRadius: { maxWrites: 1_000_000, windowSeconds: 300 },
          },
          logger: new Logger({ serviceName: id, logLevel: 'SILENT' }),
        });
        d.registerContext({ getRemainingTimeInMillis: () => 60_000 } as Context);
        cache.set(id, d);
      }
      return d;
    };
  };
  const enforce = depsFor('enforce');
  const dryRun = depsFor('dry-run');
  const overhead: Record<string, number[]> = {};
  const calls: Record<string, Record<string, CallSplit[]>> = {};
  const runOne = async (r: BenchResource, deps: ReturnType<typeof enforce>, measure: boolean) => {
    sim.resetCalls();
    const before = sdkMs;
    const t0 = performance.now();
    const out = await runPipeline(r.event, findRemediation(r.remediation)!, deps);
    const total = performance.now() - t0;
    if (!measure) return;
    overhead[out.outcome] ??= [];
    overhead[out.outcome]!.push(total - (sdkMs - before));
    let reads = 0;
    let writes = 0;
    let idem = 0;
    let audit = 0;
    for (const [key, n] of Object.entries(sim.calls())) {
      if (key.startsWith('dynamodb:')) idem += n;
      else if (key === 's3:PutObject') audit += n;
      else if (key in sim.writes()) writes += n;
      else reads += n;
    }
    calls[r.remediation] ??= {};
    const byOutcome = calls[r.remediation]!;
    byOutcome[out.outcome] ??= [];
    byOutcome[out.outcome]!.push({
      essential: reads + writes,
      reads,
      writes,
      overhead: idem + audit,
      idempotencyAndCounters: idem,
      audit,
    });
  };
  try {
    // half the violations run in dry-run (PLANNED), half enforced (APPLIED); look-alikes end NOOP
    const violations = resources.filter((r) => r.violation);
    const lookAlikes = resources.filter((r) => !r.violation);
    const warmup = 5 * REMEDIATION_IDS.length;
    for (const [i, r] of violations.entries()) {
      await runOne(r, i % 2 ? dryRun(r.remediation) : enforce(r.remediation), i >= warmup);
    }
    for (const r of lookAlikes) await runOne(r, enforce(r.remediation), true);
    const median = (xs: CallSplit[], k: keyof CallSplit) =>
      percentile(
        xs.map((x) => x[k]),
        50,
      );
    return {
      overheadMs: Object.fromEntries(
        Object.entries(overhead).map(([o, xs]) => [
          o,
          { p50: percentile(xs, 50), p99: percentile(xs, 99), n: xs.length },
        ]),
      ),
      calls: Object.fromEntries(
        Object.entries(calls).map(([rem, byOutcome]) => [
          rem,
          Object.fromEntries(
            Object.entries(byOutcome).map(([o, xs]) => [
              o,
              {
                essential: median(xs, 'essential'),
                reads: median(xs, 'reads'),
                writes: median(xs, 'writes'),
                overhead: median(xs, 'overhead'),
                idempotencyAndCounters: median(xs, 'idempotencyAndCounters'),
                audit: median(xs, 'audit'),
              },
            ]),
          ),
        ]),
      ),
    };
  } finally {
    await sim.close();
  }
}
