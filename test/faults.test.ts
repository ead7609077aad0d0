import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BENCH_ACCOUNT,
  BENCH_REGION,
  BENCH_SETTINGS,
  type BenchResource,
  buildScenario,
  REMEDIATION_IDS,
} from '../bench/scenario.js';
import { type SimState, SimulatedCloud } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import type { AuditRecord } from '../shared/audit-record.js';
import type { ClientFactoryOptions } from '../shared/clients.js';
import { createDeps } from '../shared/deps.js';
import { AuditWriteError, RemediationFailedError } from '../shared/errors.js';
import { type PipelineResult, remediationSettings, runPipeline } from '../shared/pipeline.js';
import { GONE } from '../shared/remediation.js';
import { parseSettings } from '../shared/settings.js';

const TABLE = 'airlock-idempotency';
const AUDIT = 'airlock-faults-audit';
/** Short SDK backoff so that storms stay fast; the rules (attempts, quota) are the standard ones. */
const FAST: Partial<ClientFactoryOptions> = { retryDelays: { baseMs: 1, throttlingBaseMs: 2, maxMs: 10 } };
const CONTEXT = { getRemainingTimeInMillis: () => 60_000 } as Context;
/**
 * Per remediation: the SDK command of its write, and how to delete its resource from the simulator's
 * live state (the simulator has no delete APIs for them). A registered remediation missing here fails
 * the first test below.
 */
const FAULT_FACTS: Record<
  string,
  { write: string; idempotentSet?: boolean; remove(live: SimState, id: string): void }
> = {
  'revoke-open-ssh': {
    write: 'RevokeSecurityGroupIngressCommand',
    remove: (live, id) => drop(home(live).securityGroups, (g) => g.GroupId !== id),
  },
  'block-public-s3': {
    write: 'PutPublicAccessBlockCommand',
    idempotentSet: true,
    remove: (live, id) => delete live.accounts[BENCH_ACCOUNT]!.buckets[id],
  },
  'privatize-eks-endpoint': {
    write: 'UpdateClusterConfigCommand',
    remove: (live, id) => drop(home(live).eksClusters, (c) => c.name !== id),
  },
  'strip-internet-routes': {
    write: 'DeleteRouteCommand',
    remove: (live, id) => drop(home(live).routeTables, (t) => t.RouteTableId !== id),
  },
  'remove-pod-cidr-tgw-routes': {
    // a static pod route replaced with a blackhole: the resend writes the same blackhole again
    write: 'ReplaceTransitGatewayRouteCommand',
    idempotentSet: true,
    remove: (live, id) =>
      drop(home(live).transitGatewayRouteTables, (t) => t.TransitGatewayRouteTableId !== id),
  },
  'disable-subnet-public-ip': {
    write: 'ModifySubnetAttributeCommand',
    idempotentSet: true,
    remove: (live, id) => drop(home(live).subnets, (s) => s.SubnetId !== id),
  },
};
const home = (live: SimState) => live.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!;
const drop = <T>(list: T[], keep: (x: T) => boolean) => list.splice(0, list.length, ...list.filter(keep));
const WRITE_APIS = new Set(Object.values(FAULT_FACTS).map((f) => f.write));
/** One resource per registered remediation. */
const N = REMEDIATION_IDS.length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One violation per remediation (the benchmark's shapes), a table and an audit bucket. */
async function account(): Promise<{ sim: SimulatedCloud; resources: BenchResource[] }> {
  const { state, resources } = buildScenario(N);
  state.accounts[BENCH_ACCOUNT]!.regions[BENCH_REGION]!.dynamodbTables[TABLE] = { items: [] };
  state.accounts[BENCH_ACCOUNT]!.buckets[AUDIT] = { region: BENCH_REGION, objects: [] } as never;
  const sim = await SimulatedCloud.create(state, {
    defaultAccount: BENCH_ACCOUNT,
    defaultRegion: BENCH_REGION,
  });
  return { sim, resources: [...resources] };
}

/** A Lambda container: dependencies per remediation on the simulated account, records collected. */
function container(
  sim: SimulatedCloud,
  options: Partial<ClientFactoryOptions> = {},
  logger?: Logger,
  context: Context = CONTEXT,
) {
  const clients = sim.clientFactory({ ...FAST, ...options });
  const records: AuditRecord[] = [];
  const deps = new Map<string, ReturnType<typeof createDeps>>();
  const depsFor = (id: string) => {
    let d = deps.get(id);
    if (!d) {
      d = createDeps(id, {
        env: {},
        clients,
        homeRegion: BENCH_REGION,
        settings: { ...BENCH_SETTINGS, table: TABLE, audit: { bucket: AUDIT } },
        onRecord: (r) => records.push(r),
        logger: logger ?? new Logger({ serviceName: id, logLevel: 'SILENT' }),
      });
      d.registerContext(context);
      deps.set(id, d);
    }
    return d;
  };
  /** Delivers an event as Lambda would: a thrown invocation is retried (up to `retries` times). */
  const deliver = async (
    r: BenchResource,
    retries = 4,
  ): Promise<{ result?: PipelineResult; errors: Error[] }> => {
    const errors: Error[] = [];
    for (let attempt = 0; attempt <= retries + 50; attempt++) {
      try {
        return {
          result: await runPipeline(r.event, findRemediation(r.remediation)!, depsFor(r.remediation)),
          errors,
        };
      } catch (error) {
        const e = error as Error;
        if (e.name !== 'IdempotencyAlreadyInProgressError') errors.push(e);
        if (errors.length > retries) return { errors };
        await sleep(5);
      }
    }
    return { errors };
  };
  return { deliver, records };
}

/** Each resource read back live (no fault) and planned: compliant = the plan is noop. */
async function compliance(
  sim: SimulatedCloud,
  resources: readonly BenchResource[],
): Promise<Record<string, string>> {
  sim.setFaults([]);
  const clients = sim.clientFactory();
  const settings = parseSettings({ ...BENCH_SETTINGS, table: TABLE });
  const out: Record<string, string> = {};
  for (const r of resources) {
    const rem = findRemediation(r.remediation)!;
    const s = remediationSettings(rem, settings);
    const ctx = {
      client: (ctor: never) => clients.get(ctor, { region: BENCH_REGION, account: BENCH_ACCOUNT }),
      region: BENCH_REGION,
      accountId: BENCH_ACCOUNT,
      logger: new Logger({ logLevel: 'SILENT' }),
    };
    const state = await rem.describe(r.resourceId, ctx as never, s);
    out[r.remediation] =
      state === GONE ? 'gone' : rem.plan(state, s).kind === 'noop' ? 'compliant' : 'non-compliant';
  }
  return out;
}

/** Successful remediation writes per resource (what CloudTrail would show), from the change log. */
function writesPerResource(sim: SimulatedCloud): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of sim.changes()) {
    if (c.api.startsWith('dynamodb:') || c.api === 's3:PutObject') continue;
    out[c.resourceId] = (out[c.resourceId] ?? 0) + 1;
  }
  return out;
}

const ALL_COMPLIANT = Object.fromEntries(REMEDIATION_IDS.map((id) => [id, 'compliant']));
const once = (resources: readonly BenchResource[]) =>
  Object.fromEntries(resources.map((r) => [r.resourceId, 1]));

describe('Function: every remediation under faults on the simulated account', () => {
  let sim: SimulatedCloud | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('knows the write and the deletion of every registered remediation', () => {
    expect(Object.keys(FAULT_FACTS).sort()).toEqual([...REMEDIATION_IDS].sort());
  });

  it.each([
    ['a throttling storm (60 % of calls)', [{ kind: 'throttle', rate: 0.6 }]],
    ['5xx on 40 % of calls', [{ kind: 'server-error', rate: 0.4 }]],
    ['timeouts on 30 % of calls', [{ kind: 'timeout', rate: 0.3 }]],
  ] as const)('ends compliant with one write each under %s', async (_name, faults) => {
    // Prepare
    const a = await account();
    sim = a.sim;
    sim.setFaults(faults as never);
    // an invocation that dies with its idempotency record in progress blocks its retries until the
    // record expires with the invocation's time: a short invocation keeps the test short
    const lambda = container(sim, {}, undefined, { getRemainingTimeInMillis: () => 300 } as Context);

    // Act: Lambda's two retries during the storm; what still failed is re-driven after it (DLQ, sweep)
    const during = await Promise.all(a.resources.map((r) => lambda.deliver(r, 2)));
    sim.setFaults([]);
    await sleep(400);
    const after = await Promise.all(
      a.resources.map((r, i) => (during[i]!.result ? during[i]! : lambda.deliver(r, 0))),
    );

    // Assess: every failure was thrown to be retried and recorded retryable; each ends APPLIED, with
    // exactly one write (a re-driven event that finds its fix done ends NOOP)
    for (const e of during.flatMap((d) => d.errors)) {
      expect(
        e instanceof RemediationFailedError ||
          e instanceof AuditWriteError ||
          e.name.startsWith('Idempotency'),
      ).toBe(true);
    }
    const failures = lambda.records.filter((r) => r.outcome === 'FAILED');
    expect(failures.every((r) => r.error?.retryable === true)).toBe(true);
    expect(after.map((d) => d.result?.outcome)).toEqual(
      a.resources.map(() => expect.stringMatching(/^(APPLIED|NOOP)$/)),
    );
    // the fix is recorded once at most: in an APPLIED record, or as an applied step of a FAILED one
    // (verification or audit failed after the write; the re-drive then finds it done: NOOP)
    for (const r of a.resources) {
      const applied = lambda.records
        .filter((x) => x.remediation === r.remediation)
        .flatMap((x) => x.steps)
        .filter((x) => x.result === 'applied');
      expect(applied.length).toBeLessThanOrEqual(1);
    }
    expect(Object.values(sim.injected()).reduce((x, y) => x + y, 0)).toBeGreaterThan(0);
    expect(await compliance(sim, a.resources)).toEqual(ALL_COMPLIANT);
    expect(writesPerResource(sim)).toEqual(once(a.resources));
  });

  it('counts a write whose answer was lost (timeout after the write) as done, writes twice only an idempotent set, with the same values', async () => {
    // Prepare: the write reaches AWS, then its answer is lost once; the SDK sends it again
    const a = await account();
    sim = a.sim;
    const lost = new Set<string>();
    const loseAnswer = {
      // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
      applyToStack: (stack: any) =>
        stack.add(
          // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
          (next: any, context: any) => async (args: any) => {
            const out = await next(args);
            if (WRITE_APIS.has(context.commandName) && !lost.has(context.commandName)) {
              lost.add(context.commandName);
              throw Object.assign(new Error('socket hang up after the request was sent'), {
                name: 'TimeoutError',
                $metadata: {},
              });
            }
            return out;
          },
          { step: 'finalizeRequest', priority: 'low', name: 'loseAnswer' },
        ),
    };
    const lambda = container(sim, { plugins: [loseAnswer] });

    // Act
    const delivered = await Promise.all(a.resources.map((r) => lambda.deliver(r)));

    // Assess: compliant; the resent write found the work done (already-done) or was the same PUT again
    expect(lost.size).toBe(N);
    expect(delivered.map((d) => d.result?.outcome)).toEqual(a.resources.map(() => 'APPLIED'));
    expect(await compliance(sim, a.resources)).toEqual(ALL_COMPLIANT);
    const writes = writesPerResource(sim);
    for (const r of a.resources) {
      // an idempotent set (PutPublicAccessBlock, ModifySubnetAttribute, ReplaceTransitGatewayRoute) resent writes the same values
      // again; a revoke or a delete resent finds the work done
      const set = FAULT_FACTS[r.remediation]!.idempotentSet === true;
      expect([r.resourceId, writes[r.resourceId]]).toEqual([r.resourceId, set ? 2 : 1]);
      if (!set) continue;
      const sameTwice = sim.changes().filter((c) => c.resourceId === r.resourceId);
      expect(sameTwice[0]!.requestParameters).toEqual(sameTwice[1]!.requestParameters);
    }
  });

  it('records a failed verification (every read after the write times out) as retryable, and the retry ends NOOP', async () => {
    // Prepare: after each write, the reads of that resource time out on every attempt, once
    const a = await account();
    sim = a.sim;
    const written = new Set<string>();
    const failedReads = new Map<string, number>();
    const reads = {
      // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
      applyToStack: (stack: any) =>
        stack.add(
          // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
          (next: any, context: any) => async (args: any) => {
            const name = String(context.commandName);
            const id = JSON.stringify(args.input).slice(0, 120);
            const key = context.clientName as string;
            if (WRITE_APIS.has(name)) {
              const out = await next(args);
              written.add(key);
              return out;
            }
            if (written.has(key) && /^(Describe|Get|Search)/.test(name) && (failedReads.get(key) ?? 0) < 5) {
              failedReads.set(key, (failedReads.get(key) ?? 0) + 1);
              throw Object.assign(new Error(`read timed out: ${id}`), {
                name: 'TimeoutError',
                $metadata: {},
              });
            }
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'verifyTimesOut' },
        ),
    };
    // one remediation at a time: the fault keys on the client
    for (const r of a.resources) {
      written.clear();
      failedReads.clear();
      const lambda = container(sim, { plugins: [reads], maxAttempts: 5 });

      // Act
      const d = await lambda.deliver(r);

      // Assess: FAILED recorded (retryable, the step applied), then the retry reads it compliant
      expect(d.errors[0]).toBeInstanceOf(RemediationFailedError);
      const failed = lambda.records.find((x) => x.outcome === 'FAILED')!;
      expect(failed.reason).toContain('could not verify');
      expect(failed.error?.retryable).toBe(true);
      expect(failed.steps.map((s) => s.result)).toEqual(['applied']);
      expect(d.result?.outcome).toBe('NOOP');
    }
    expect(await compliance(sim, a.resources)).toEqual(ALL_COMPLIANT);
    expect(writesPerResource(sim)).toEqual(once(a.resources));
  });

  it('handles the violation being fixed by someone else between describe and apply', async () => {
    // Prepare: just before airlock's write, the same fix is made by another principal
    const a = await account();
    sim = a.sim;
    const other = sim.clientFactory();
    const raced = new Set<string>();
    const race = {
      // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
      applyToStack: (stack: any) =>
        stack.add(
          // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
          (next: any, context: any) => async (args: any) => {
            const name = String(context.commandName);
            if (WRITE_APIS.has(name) && !raced.has(name)) {
              raced.add(name);
              await sendAs(other, name, args.input);
            }
            return next(args);
          },
          { step: 'initialize', priority: 'high', name: 'raceTheWrite' },
        ),
    };
    const lambda = container(sim, { plugins: [race] });

    // Act
    const delivered = await Promise.all(a.resources.map((r) => lambda.deliver(r)));

    // Assess: no failure left; compliant; airlock's own write either found it done or wrote the same again
    expect(raced.size).toBe(N);
    for (const d of delivered) expect(['APPLIED', 'NOOP']).toContain(d.result?.outcome);
    expect(await compliance(sim, a.resources)).toEqual(ALL_COMPLIANT);
    const results = lambda.records.flatMap((r) => r.steps.map((s) => `${r.remediation}:${s.result}`));
    expect(results).toContain('revoke-open-ssh:already-done');
    expect(results).toContain('strip-internet-routes:already-done');
  });

  it('handles the resource being deleted between describe and apply: recorded, retried, ends NOOP (gone)', async () => {
    // Prepare: the resource disappears from the account just before airlock's write
    const a = await account();
    sim = a.sim;
    // the simulator has no delete APIs for these resources: remove them from its live state
    const live = (sim as unknown as { live: SimState }).live;
    const byWrite: Record<string, BenchResource> = {};
    for (const r of a.resources) byWrite[FAULT_FACTS[r.remediation]!.write] = r;
    const deleter = {
      // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
      applyToStack: (stack: any) =>
        stack.add(
          // biome-ignore lint/suspicious/noExplicitAny: middleware generics differ per client
          (next: any, context: any) => async (args: any) => {
            const r = byWrite[String(context.commandName)];
            if (r) FAULT_FACTS[r.remediation]!.remove(live, r.resourceId);
            return next(args);
          },
          { step: 'initialize', priority: 'high', name: 'deleteBeforeWrite' },
        ),
    };
    const lambda = container(sim, { plugins: [deleter] });

    // Act
    const delivered = await Promise.all(a.resources.map((r) => lambda.deliver(r)));

    // Assess: nothing thrown past the retries; every event ends in a record; the resources are gone
    for (const [i, d] of delivered.entries()) {
      expect([a.resources[i]!.remediation, d.result?.outcome]).toEqual([
        a.resources[i]!.remediation,
        expect.stringMatching(/^(APPLIED|NOOP)$/),
      ]);
    }
    for (const e of delivered.flatMap((d) => d.errors)) expect(e).toBeInstanceOf(RemediationFailedError);
    expect(Object.values(await compliance(sim, a.resources))).toEqual(a.resources.map(() => 'gone'));
    expect(writesPerResource(sim)).toEqual({});
  });

  it('writes once when the same event is delivered five times concurrently', async () => {
    // Prepare
    const a = await account();
    sim = a.sim;
    const lambdas = Array.from({ length: 5 }, () => container(sim!));

    // Act: five containers receive each event at the same moment
    const delivered = await Promise.all(a.resources.flatMap((r) => lambdas.map((l) => l.deliver(r))));

    // Assess: one write, one APPLIED record per resource; every delivery got that result
    expect(delivered.map((d) => d.result?.outcome)).toEqual(delivered.map(() => 'APPLIED'));
    const applied = lambdas.flatMap((l) => l.records).filter((r) => r.outcome === 'APPLIED');
    expect(applied).toHaveLength(N);
    expect(new Set(delivered.map((d) => d.result?.recordId)).size).toBe(N);
    expect(writesPerResource(sim)).toEqual(once(a.resources));
  });

  it('fails the invocation when the audit bucket cannot be written, keeps the record in the log, and the retry records it', async () => {
    // Prepare: every attempt of the first PutObject of each record fails (5xx, all 5 SDK attempts)
    const a = await account();
    sim = a.sim;
    const lines: string[] = [];
    const write = { out: process.stdout.write, err: process.stderr.write };
    const capture = ((c: string) => lines.push(String(c)) > 0) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
    const delivered: Awaited<ReturnType<ReturnType<typeof container>['deliver']>>[] = [];
    try {
      const lambda = container(sim, {}, new Logger({ serviceName: 'faults', logLevel: 'INFO' }));
      for (const r of a.resources) {
        sim.setFaults([{ kind: 'server-error', api: 's3:PutObject', rate: 1, times: 5 }] as never);
        // Act
        delivered.push(await lambda.deliver(r));
      }
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }

    // Assess: the first invocation failed on the audit write (Lambda retries it); the APPLIED record
    // reached the log sink; the retry found the resource compliant and its NOOP record reached S3
    for (const d of delivered) {
      expect(d.errors[0]).toBeInstanceOf(AuditWriteError);
      expect(d.result?.outcome).toBe('NOOP');
    }
    const logged = lines
      .join('')
      .split('\n')
      .filter((l) => l.includes('"audit record"'))
      .map((l) => (JSON.parse(l) as { audit: AuditRecord }).audit);
    expect(logged.filter((r) => r.outcome === 'APPLIED')).toHaveLength(N);
    const stored = (await sim.snapshot()).accounts[BENCH_ACCOUNT]!.buckets[AUDIT]!.objects;
    expect(stored).toHaveLength(N);
    expect(await compliance(sim, a.resources)).toEqual(ALL_COMPLIANT);
    expect(writesPerResource(sim)).toEqual(once(a.resources));
  });
});

/** Sends the same write as airlock would, from another principal's client (the racing change). */
async function sendAs(
  clients: ReturnType<SimulatedCloud['clientFactory']>,
  command: string,
  // biome-ignore lint/suspicious/noExplicitAny: the input of whichever write is raced
  input: any,
): Promise<void> {
  const scope = { region: BENCH_REGION, account: BENCH_ACCOUNT };
  if (command === 'PutPublicAccessBlockCommand') {
    const { PutPublicAccessBlockCommand, S3Client } = await import('@aws-sdk/client-s3');
    await clients.get(S3Client, scope).send(new PutPublicAccessBlockCommand(input));
  } else if (command === 'UpdateClusterConfigCommand') {
    const { EKSClient, UpdateClusterConfigCommand } = await import('@aws-sdk/client-eks');
    await clients.get(EKSClient, scope).send(new UpdateClusterConfigCommand(input));
  } else {
    const ec2 = await import('@aws-sdk/client-ec2');
    const Ctor = (ec2 as unknown as Record<string, new (i: unknown) => never>)[command]!;
    await clients.get(ec2.EC2Client, scope).send(new Ctor(input));
  }
}
