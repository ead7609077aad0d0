import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_ACCOUNT, BENCH_REGION, BENCH_SETTINGS, buildScenario } from '../bench/scenario.js';
import { main } from '../cli/main.js';
import { SIM_TABLE } from '../cli/replay/sim-target.js';
import { SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { createHandler } from '../shared/handler.js';
import type { PipelineResult } from '../shared/pipeline.js';
import { complianceEvent } from './helpers/events.js';

const ROUTES = findRemediation('strip-internet-routes')!;
const CONTEXT = {
  functionName: 'airlock-strip-internet-routes',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

/** Runs `work` with stdout captured (EMF metrics and CLI output); returns what was written. */
async function captureStdout<T>(work: () => Promise<T>): Promise<{ out: string; value: T }> {
  const chunks: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const value = await work();
    return { out: chunks.join(''), value };
  } finally {
    process.stdout.write = write;
  }
}

async function runAll(
  handler: (e: unknown) => Promise<PipelineResult>,
  events: readonly unknown[],
  concurrency: number,
): Promise<PipelineResult[]> {
  const results: PipelineResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events.length) results.push(await handler(events[next++]));
    }),
  );
  return results;
}

describe('Function: the blast-radius breaker', () => {
  let sim: SimulatedCloud | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('suppresses a runaway of 500 route tables after N writes and emits the Suppressed metric', async () => {
    // Prepare: 500 private route tables with a NAT route, flagged at once
    const { state, resources } = buildScenario(625, ['strip-internet-routes']);
    const violations = resources.filter((r) => r.violation);
    expect(violations).toHaveLength(500);
    sim = await SimulatedCloud.create(state, { dynamodb: false });
    const records: AuditRecord[] = [];
    const handler = createHandler(ROUTES, {
      env: {},
      clients: sim.clientFactory(),
      homeRegion: BENCH_REGION,
      settings: { ...BENCH_SETTINGS, blastRadius: { maxWrites: 20, windowSeconds: 300 } },
      logger: new Logger({ serviceName: ROUTES.id, logLevel: 'SILENT' }),
      onRecord: (r) => records.push(r),
    });

    // Act
    const { out, value: results } = await captureStdout(() =>
      runAll(
        handler,
        violations.map((v) => v.event),
        10,
      ),
    );

    // Assess: exactly N writes, the rest SUPPRESSED with nothing written
    const outcomes = results.map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'APPLIED')).toHaveLength(20);
    expect(outcomes.filter((o) => o === 'SUPPRESSED')).toHaveLength(480);
    expect(sim.changes().filter((c) => c.api === 'ec2:DeleteRoute')).toHaveLength(20);
    const suppressed = records.filter((r) => r.outcome === 'SUPPRESSED');
    expect(suppressed.every((r) => r.steps.every((s) => s.result === 'not-run'))).toBe(true);
    expect(suppressed[0]!.reason).toContain('an operator must reset it');
    // one EMF line per SUPPRESSED record: namespace airlock, metric Suppressed, dimension remediation
    const emf = out
      .split('\n')
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(480);
    const first = emf[0] as {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
      remediation: string;
      Suppressed: number;
    };
    expect(first._aws.CloudWatchMetrics[0]!.Namespace).toBe('airlock');
    expect(first._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual(['Suppressed']);
    expect(first._aws.CloudWatchMetrics[0]!.Dimensions.flat()).toContain('remediation');
    expect(first.remediation).toBe('strip-internet-routes');
    expect(first.Suppressed).toBe(1);
  });

  it('emits no metric when nothing is suppressed', async () => {
    // Prepare
    const { state, resources } = buildScenario(5, ['strip-internet-routes']);
    sim = await SimulatedCloud.create(state, { dynamodb: false });
    const handler = createHandler(ROUTES, {
      env: {},
      clients: sim.clientFactory(),
      homeRegion: BENCH_REGION,
      settings: BENCH_SETTINGS,
      logger: new Logger({ serviceName: ROUTES.id, logLevel: 'SILENT' }),
    });

    // Act
    const { out, value } = await captureStdout(() => runAll(handler, [resources[0]!.event], 1));

    // Assess
    expect(value[0]!.outcome).toBe('APPLIED');
    expect(out).not.toContain('"_aws"');
  });

  it('shows a tripped breaker with airlock breaker status and resets it with reset (simulated account)', async () => {
    // Prepare: a state file whose table holds a breaker tripped by 8 route tables against a limit of 3
    const { state, resources } = buildScenario(10, ['strip-internet-routes']);
    state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!.dynamodbTables[SIM_TABLE] = { items: [] };
    sim = await SimulatedCloud.create(state, { defaultAccount: BENCH_ACCOUNT, defaultRegion: BENCH_REGION });
    const handler = createHandler(ROUTES, {
      env: {},
      clients: sim.clientFactory(),
      homeRegion: BENCH_REGION,
      settings: { ...BENCH_SETTINGS, table: SIM_TABLE, blastRadius: { maxWrites: 3, windowSeconds: 300 } },
      logger: new Logger({ serviceName: ROUTES.id, logLevel: 'SILENT' }),
    });
    const violations = resources.filter((r) => r.violation);
    const { value: first } = await captureStdout(() =>
      runAll(
        (e) => handler(e, CONTEXT),
        violations.map((v) => v.event),
        1,
      ),
    );
    expect(first.map((r) => r.outcome)).toEqual([
      'APPLIED',
      'APPLIED',
      'APPLIED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
      'SUPPRESSED',
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'airlock-breaker-')), 'account.json');
    await sim.save(file);
    await sim.close();
    sim = undefined;
    const cli = (...args: string[]) => captureStdout(() => main(['node', 'airlock', 'breaker', ...args]));

    // Act
    const tripped = await cli('status', '--sim-state', file);
    process.exitCode = undefined;
    const reset = await cli(
      'reset',
      '--remediation',
      ROUTES.id,
      '--account',
      BENCH_ACCOUNT,
      '--sim-state',
      file,
    );
    const after = await cli('status', '--sim-state', file, '--output', 'json');
    process.exitCode = undefined;

    // Assess
    expect(tripped.value).toBe(1);
    expect(tripped.out).toMatch(/strip-internet-routes\s+111122223333\s+TRIPPED\s+8/);
    expect(reset.value).toBe(0);
    expect(reset.out).toContain(
      'reset strip-internet-routes in 111122223333 (was TRIPPED, 8 writes in the window)',
    );
    expect(after.value).toBe(0);
    expect(JSON.parse(after.out)).toEqual([
      expect.objectContaining({ remediation: ROUTES.id, account: BENCH_ACCOUNT, count: 0, tripped: false }),
    ]);

    // the reset breaker lets the remediation write again
    sim = await SimulatedCloud.create(file, { defaultAccount: BENCH_ACCOUNT, defaultRegion: BENCH_REGION });
    const records: AuditRecord[] = [];
    const again = createHandler(ROUTES, {
      env: {},
      clients: sim.clientFactory(),
      homeRegion: BENCH_REGION,
      settings: { ...BENCH_SETTINGS, table: SIM_TABLE, blastRadius: { maxWrites: 3, windowSeconds: 300 } },
      logger: new Logger({ serviceName: ROUTES.id, logLevel: 'SILENT' }),
      onRecord: (r) => records.push(r),
    });
    // the same delivery of a suppressed table (a retry, the sweep): SUPPRESSED was not stored, so it
    // is decided again; a new evaluation of another suppressed table is handled as well
    const reevaluated = complianceEvent({
      resourceType: 'AWS::EC2::RouteTable',
      resourceId: violations[4]!.resourceId,
      rule: 'airlock-private-route-tables-no-internet-route',
      orderingTimestamp: '2026-11-20T11:00:00.000Z',
    });
    const redelivered = await captureStdout(() => again(violations[3]!.event, CONTEXT));
    const duplicate = await captureStdout(() => again(violations[3]!.event, CONTEXT));
    const retried = await captureStdout(() => again(reevaluated, CONTEXT));
    expect(redelivered.value.outcome).toBe('APPLIED');
    expect(redelivered.value.recordId).not.toBe(first[3]!.recordId);
    // APPLIED is final: stored, so the next delivery gets it back with no new record and no write
    expect(duplicate.value).toEqual(redelivered.value);
    expect(retried.value.outcome).toBe('APPLIED');
    expect(records.map((r) => [r.resource.id, r.outcome])).toEqual([
      [violations[3]!.resourceId, 'APPLIED'],
      [violations[4]!.resourceId, 'APPLIED'],
    ]);
    const deletes = sim.changes().filter((c) => c.api === 'ec2:DeleteRoute');
    expect(deletes.map((c) => c.resourceId)).toEqual([violations[3]!.resourceId, violations[4]!.resourceId]);
  });

  it('refuses a reset without a scope and a bad account id', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'airlock-breaker-')), 'account.json');
    writeFileSync(
      file,
      JSON.stringify({ accounts: { [BENCH_ACCOUNT]: { regions: { [BENCH_REGION]: {} } } } }),
    );
    const errors: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((c: string) => errors.push(c) > 0) as typeof process.stderr.write;

    // Act
    let noScope: number;
    let badAccount: number;
    let noStore: number;
    try {
      noScope = await main(['node', 'airlock', 'breaker', 'reset', '--sim-state', file]);
      badAccount = await main([
        'node',
        'airlock',
        'breaker',
        'reset',
        '--remediation',
        ROUTES.id,
        '--account',
        '12;rm',
        '--sim-state',
        file,
      ]);
      noStore = await main(['node', 'airlock', 'breaker', 'status']);
    } finally {
      process.stderr.write = write;
    }

    // Assess
    expect([noScope, badAccount, noStore]).toEqual([2, 2, 2]);
    expect(errors.join('')).toContain('reset needs --remediation ID and --account ID');
    expect(errors.join('')).toContain('is not a 12-digit account id');
    expect(errors.join('')).toContain('pass --sim-state FILE, or --table NAME');
  });
});
