import { Logger } from '@aws-lambda-powertools/logger';
import { SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import { remediationSettings } from '../shared/pipeline.js';
import { GONE } from '../shared/remediation.js';
import type { RetryDelays } from '../shared/retry-strategy.js';
import { parseSettings } from '../shared/settings.js';
import { BENCH_AUDIT_BUCKET, BENCH_TABLE, driveDeliveries, twiceShuffled } from './drive.js';
import { BENCH_ACCOUNT, BENCH_REGION, BENCH_SETTINGS, buildScenario, untouchable } from './scenario.js';
import { percentile } from './stats.js';

export interface BurstOptions {
  readonly events: number;
  readonly concurrency: number;
  /** Backoff of the SDK's retries; undefined = the SDK's default (adaptive, 1 s throttling base). */
  readonly retryDelays?: RetryDelays;
  readonly faults?: boolean;
}

export interface BurstResult {
  readonly events: number;
  readonly deliveries: number;
  readonly concurrency: number;
  readonly retry: string;
  readonly wallMs: number;
  readonly eventsPerSecond: number;
  readonly toCompliantMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly n: number;
  };
  readonly invocationMs: { readonly p50: number; readonly p99: number };
  readonly outcomes: Record<string, number>;
  readonly lambdaRetries: number;
  readonly deadLetters: number;
  readonly injected: Record<string, number>;
  readonly apiCalls: number;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[];
}

/** The faults of the burst: 20 % throttling, 2 % 5xx, 20–50 ms latency on every call. */
export const BURST_FAULTS = [
  { kind: 'latency', rate: 1, latencyMs: [20, 50] },
  { kind: 'throttle', rate: 0.2 },
  { kind: 'server-error', rate: 0.02 },
] as const;

/**
 * The burst: `events` resources across the five remediations (violations and look-alikes), each
 * event delivered twice, faults injected, `concurrency` containers. Checks every violation fixed
 * with exactly one write, no event lost, no look-alike touched.
 */
export async function runBurst(o: BurstOptions): Promise<BurstResult> {
  const { state, resources } = buildScenario(o.events);
  const region = state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
  region.dynamodbTables[BENCH_TABLE] = { items: [] };
  state.accounts[BENCH_ACCOUNT]!.buckets[BENCH_AUDIT_BUCKET] = {
    region: BENCH_REGION,
    publicAccessBlock: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
    objects: [],
  } as never;
  const sim = await SimulatedCloud.create(state, {
    defaultAccount: BENCH_ACCOUNT,
    defaultRegion: BENCH_REGION,
  });
  try {
    const initial = sim.state();
    const before = resources.map((r) => JSON.stringify(untouchable(initial, r)));
    if (o.faults !== false) sim.setFaults(BURST_FAULTS as never);
    const deliveries = twiceShuffled(resources);
    const run = await driveDeliveries(sim, deliveries, {
      concurrency: o.concurrency,
      clientOptions: o.retryDelays ? { retryDelays: o.retryDelays } : {},
      // a burst is expected here: the blast-radius breaker is sized for it (its own test trips it)
      settings: { blastRadius: { maxWrites: 1_000_000, windowSeconds: 300 } },
    });
    const injected = sim.injected();
    const apiCalls = Object.values(sim.calls()).reduce((a, b) => a + b, 0);
    sim.setFaults([]);

    // time from event receipt to verified compliance: the delivery whose record says APPLIED + compliant
    const toCompliant: number[] = [];
    for (const d of deliveries) {
      const record = d.recordId ? run.records.get(d.recordId) : undefined;
      if (record?.outcome === 'APPLIED' && record.verification?.status === 'compliant' && d.copy >= 0) {
        if (record.id === d.recordId && !d.deadLetter) toCompliant.push(d.endedAt! - d.receivedAt!);
      }
    }
    const outcomes: Record<string, number> = {};
    for (const d of deliveries) outcomes[d.outcome ?? 'LOST'] = (outcomes[d.outcome ?? 'LOST'] ?? 0) + 1;

    // checks
    const checks: BurstResult['checks'][number][] = [];
    const writes = new Map<string, number>();
    const changes = sim.changes().filter((c) => !c.api.startsWith('dynamodb:') && c.api !== 's3:PutObject');
    for (const c of changes) writes.set(c.resourceId, (writes.get(c.resourceId) ?? 0) + 1);
    const wrongWrites = resources.filter((r) => (writes.get(r.resourceId) ?? 0) !== r.expectedWrites);
    const known = new Set(resources.map((r) => r.resourceId));
    const strays = [...writes.keys()].filter((id) => !known.has(id));
    checks.push({
      name: 'every violation written exactly once, look-alikes never',
      ok: wrongWrites.length === 0 && strays.length === 0,
      detail:
        wrongWrites.length || strays.length
          ? `${wrongWrites.length} resource(s) with a wrong write count (e.g. ${wrongWrites
              .slice(0, 3)
              .map((r) => `${r.resourceId}: ${writes.get(r.resourceId) ?? 0}`)
              .join(', ')}); ${strays.length} write(s) to other resources`
          : `${changes.length} writes for ${resources.filter((r) => r.violation).length} violations`,
    });
    const lost = deliveries.filter((d) => !d.deadLetter && !(d.recordId && run.records.has(d.recordId)));
    checks.push({
      name: 'no event lost (each delivery ended in a record or a dead letter)',
      ok: lost.length === 0,
      detail: lost.length
        ? `${lost.length} deliveries without a record (e.g. ${lost[0]!.resource.resourceId})`
        : `${deliveries.length} deliveries: ${deliveries.filter((d) => d.deadLetter).length} dead-lettered, the rest recorded`,
    });
    const after = await sim.snapshot();
    const touched = resources.filter((r, i) => JSON.stringify(untouchable(after, r)) !== before[i]);
    checks.push({
      name: 'no look-alike touched',
      ok: touched.length === 0,
      detail: touched.length
        ? `${touched.length} look-alike(s) changed (e.g. ${touched[0]!.resourceId})`
        : `${resources.length} resources' compliant parts unchanged`,
    });
    const settings = parseSettings({ ...BENCH_SETTINGS, table: BENCH_TABLE });
    const clients = sim.clientFactory();
    const logger = new Logger({ serviceName: 'bench', logLevel: 'SILENT' });
    const nonCompliant: string[] = [];
    for (const r of resources) {
      const rem = findRemediation(r.remediation)!;
      const s = remediationSettings(rem, settings);
      const ctx = {
        client: (ctor: never) => clients.get(ctor, { region: BENCH_REGION, account: BENCH_ACCOUNT }),
        region: BENCH_REGION,
        accountId: BENCH_ACCOUNT,
        logger,
      };
      const live = await rem.describe(r.resourceId, ctx as never, s);
      if (live === GONE || rem.plan(live, s).kind !== 'noop') nonCompliant.push(r.resourceId);
    }
    checks.push({
      name: 'every violation fixed (compliant when read back)',
      ok: nonCompliant.length === 0,
      detail: nonCompliant.length
        ? `${nonCompliant.length} still non-compliant (e.g. ${nonCompliant[0]})`
        : `${resources.length} resources compliant`,
    });

    const invocation = deliveries.map((d) => d.endedAt! - d.receivedAt!);
    return {
      events: resources.length,
      deliveries: deliveries.length,
      concurrency: o.concurrency,
      retry: o.retryDelays
        ? `airlock retryDelays base ${o.retryDelays.baseMs} ms, throttling ${o.retryDelays.throttlingBaseMs} ms`
        : 'SDK default (adaptive, throttling base 1 s)',
      wallMs: run.wallMs,
      eventsPerSecond: deliveries.length / (run.wallMs / 1000),
      toCompliantMs: {
        p50: percentile(toCompliant, 50),
        p99: percentile(toCompliant, 99),
        max: percentile(toCompliant, 100),
        n: toCompliant.length,
      },
      invocationMs: { p50: percentile(invocation, 50), p99: percentile(invocation, 99) },
      outcomes,
      lambdaRetries: deliveries.reduce((a, d) => a + d.invocations - 1, 0),
      deadLetters: deliveries.filter((d) => d.deadLetter).length,
      injected: Object.fromEntries(
        Object.entries(
          Object.entries(injected).reduce<Record<string, number>>((acc, [k, v]) => {
            const kind = k.slice(k.lastIndexOf(':') + 1);
            acc[kind] = (acc[kind] ?? 0) + v;
            return acc;
          }, {}),
        ),
      ),
      apiCalls,
      checks,
    };
  } finally {
    await sim.close();
  }
}
