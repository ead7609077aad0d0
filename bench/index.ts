// npm run bench [-- --events N --runs N --fuzz N --only sizes,cold,warm,triggers,burst,fuzz --concurrency N --merge a.json,b.json]
// Figures on the simulated account (no network); writes bench/results.json and prints a table.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sizeTables } from './bundle-sizes.js';
import { type BurstResult, runBurst } from './burst.js';
import { coldTables, coldTargets } from './cold-report.js';
import { buildDist, type ColdStartResult, measureColdStarts, ROOT } from './cold-start.js';
import { type FuzzResult, runFuzz } from './fuzz.js';
import { showSpread, textTable } from './stats.js';
import { measureTriggers, type TriggerResult } from './triggers.js';
import { measureWarm, type WarmResult } from './warm.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
    warm: { type: 'string', default: '100' },
    fuzz: { type: 'string', default: '100000' },
    only: { type: 'string', default: 'cold,warm,triggers,burst,fuzz' },
    // `sizes` (bytes per package, no timing) is also a section: --only sizes
    out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
    /** Sections measured by earlier runs (their --out files), merged instead of measured again. */
    merge: { type: 'string' },
  },
});
const only = new Set((values.only ?? '').split(','));
const num = (v: string | undefined, name: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return n;
};
const events = num(values.events, 'events');
const concurrency = num(values.concurrency, 'concurrency');
const runs = num(values.runs, 'runs');
const warmN = num(values.warm, 'warm');
const fuzzN = num(values.fuzz, 'fuzz');

/** The retry backoff the burst runs with (see shared/retry-strategy.ts and bench/README.md). */
const RETRY = { baseMs: 25, throttlingBaseMs: 50, maxMs: 1000 };

const say = (s: string) => process.stderr.write(`${s}\n`);
const results: {
  machine: { cpus: number; loadavgAtStart: number[]; node: string };
  cold?: ColdStartResult;
  warm?: WarmResult;
  triggers?: TriggerResult;
  burst?: BurstResult;
  latencyProbe?: BurstResult;
  fuzz?: FuzzResult;
  targets?: { name: string; figure: string; ok: boolean }[];
} = { machine: { cpus: cpus().length, loadavgAtStart: loadavg(), node: process.version } };

let failed = false;

for (const file of values.merge ? values.merge.split(',') : []) {
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as typeof results;
  for (const k of ['cold', 'warm', 'triggers', 'burst', 'latencyProbe', 'fuzz'] as const) {
    if (earlier[k]) (results as Record<string, unknown>)[k] = earlier[k];
  }
  if (results.cold && !('floors' in results.cold)) {
    say(`${file}: its cold section predates the load/first-event figures: measure it again (--only cold)`);
    delete results.cold;
  }
  if (earlier.burst?.checks.some((c) => !c.ok) || earlier.latencyProbe?.checks.some((c) => !c.ok))
    failed = true;
  if (earlier.fuzz?.failures.length) failed = true;
  only.clear();
}

if (only.has('sizes')) {
  say('bundle sizes: building dist/...');
  process.stdout.write(`${sizeTables(ROOT, buildDist()).join('\n')}\n`);
  if (only.size === 1) process.exit(0);
}
if (only.has('cold')) {
  say(`cold starts: building dist/, ${runs} run(s) per bundle...`);
  results.cold = await measureColdStarts(runs);
}
if (only.has('warm')) {
  say(`warm overhead and calls per event: ${warmN} events per remediation and mode...`);
  results.warm = await measureWarm(warmN);
}
if (only.has('triggers')) {
  say(`time from a violating change to verified compliance, both triggers: ${runs} run(s)...`);
  results.triggers = await measureTriggers(runs);
}
if (only.has('burst')) {
  say(`burst: ${events} events x2 deliveries, concurrency ${concurrency}, faults injected...`);
  results.burst = await runBurst({ events, concurrency, retryDelays: RETRY });
  say(
    `latency probe: ${Math.min(events, 500)} events x2, concurrency 4 (the simulator's CPU not saturated)...`,
  );
  results.latencyProbe = await runBurst({
    events: Math.min(events, 500),
    concurrency: 4,
    retryDelays: RETRY,
  });
  if ([...results.burst.checks, ...results.latencyProbe.checks].some((c) => !c.ok)) failed = true;
}
if (only.has('fuzz')) {
  say(`fuzz: ${fuzzN} hostile inputs through every remediation...`);
  results.fuzz = await runFuzz(fuzzN);
  if (results.fuzz.failures.length) failed = true;
}

// ---- targets ----
const targets: { name: string; figure: string; ok: boolean }[] = [];
if (results.cold) targets.push(...coldTargets(results.cold));
if (results.warm) {
  const p99 = Math.max(...Object.values(results.warm.overheadMs).map((o) => o.p99));
  targets.push({
    name: 'warm overhead p99 < 3 ms (worst outcome)',
    figure: `${p99.toFixed(2)} ms`,
    ok: p99 < 3,
  });
  const applied = Object.values(results.warm.calls).map((c) => c.APPLIED?.overhead ?? 0);
  const worst = Math.max(...applied);
  targets.push({ name: 'overhead calls per APPLIED event <= 4', figure: `${worst}`, ok: worst <= 4 });
}
if (results.burst) {
  targets.push({
    name: `burst p99 to verified compliance < 1 s (concurrency ${concurrency})`,
    figure: `${results.burst.toCompliantMs.p99.toFixed(0)} ms`,
    ok: results.burst.toCompliantMs.p99 < 1000,
  });
}
if (results.latencyProbe) {
  targets.push({
    name: 'burst p99 to verified compliance < 1 s (concurrency 4, CPU not saturated)',
    figure: `${results.latencyProbe.toCompliantMs.p99.toFixed(0)} ms`,
    ok: results.latencyProbe.toCompliantMs.p99 < 1000,
  });
}
results.targets = targets;
writeFileSync(values.out!, `${JSON.stringify(results, null, 2)}\n`);

// ---- the table ----
const out: string[] = [];
out.push(
  `machine: ${results.machine.cpus} CPU(s), load average at start ${results.machine.loadavgAtStart.map((l) => l.toFixed(1)).join(' ')}`,
);
if (results.cold) out.push(...coldTables(results.cold));
if (results.warm) {
  const w = results.warm;
  out.push(
    '',
    'WARM OVERHEAD — pipeline wall time minus time inside AWS SDK calls, zero simulated latency, one event at a time',
    textTable(
      ['outcome', 'p50 ms', 'p99 ms', 'events'],
      Object.entries(w.overheadMs).map(([o, x]) => [o, x.p50.toFixed(2), x.p99.toFixed(2), String(x.n)]),
    ),
    '',
    'AWS CALLS PER EVENT (median) — essential = reads + writes of the remediation; overhead = DynamoDB (idempotency, breaker) + audit PutObject',
    textTable(
      ['remediation', 'outcome', 'essential', 'reads', 'writes', 'overhead', 'dynamodb', 'audit'],
      Object.entries(w.calls).flatMap(([rem, by]) =>
        Object.entries(by).map(([o, x]) => [
          rem,
          o,
          String(x.essential),
          String(x.reads),
          String(x.writes),
          String(x.overhead),
          String(x.idempotencyAndCounters),
          String(x.audit),
        ]),
      ),
    ),
  );
}
for (const [label, b] of [
  ['BURST', results.burst],
  ['LATENCY PROBE', results.latencyProbe],
] as const) {
  if (!b) continue;
  out.push(
    '',
    `${label} — ${b.events} events x2 deliveries, concurrency ${b.concurrency}, 20% throttling, 2% 5xx, 20–50 ms per call; retries: ${b.retry}`,
    `  ${b.eventsPerSecond.toFixed(1)} deliveries/s over ${(b.wallMs / 1000).toFixed(1)} s; receipt → verified compliance p50 ${b.toCompliantMs.p50.toFixed(0)} ms, p99 ${b.toCompliantMs.p99.toFixed(0)} ms, max ${b.toCompliantMs.max.toFixed(0)} ms (${b.toCompliantMs.n} events)`,
    `  outcomes ${JSON.stringify(b.outcomes)}; Lambda retries ${b.lambdaRetries}; dead letters ${b.deadLetters}; faults injected ${JSON.stringify(b.injected)}; ${b.apiCalls} API attempts`,
    ...b.checks.map((c) => `  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`),
  );
}
if (results.triggers) {
  const t = results.triggers;
  const a = t.assumptionsS;
  out.push(
    '',
    'CHANGE → VERIFIED COMPLIANCE — tcp 22 opened through the simulated EC2 API, 20–50 ms per call; delivery delays are assumptions (not measured)',
    textTable(
      ['trigger', 'delivery (assumed)', 'airlock: event → verified (measured)', 'total'],
      [
        [
          'CloudTrail API call',
          `${a.cloudtrail} s`,
          `${showSpread(t.cloudtrailMs, 0)} ms`,
          `≈ ${t.totalS.cloudtrail.toFixed(1)} s`,
        ],
        [
          'Config, change-triggered rule',
          `${a.configChange} s`,
          `${showSpread(t.configMs, 0)} ms`,
          `≈ ${t.totalS.configChange.toFixed(1)} s`,
        ],
        [
          'Config, periodic rule (EKS endpoint)',
          `up to ${a.configPeriodic / 3600} h`,
          `${showSpread(t.configMs, 0)} ms`,
          `up to ≈ ${(t.totalS.configPeriodic / 3600).toFixed(1)} h`,
        ],
      ],
    ),
  );
}
if (results.fuzz) {
  const f = results.fuzz;
  out.push(
    '',
    `FUZZ — ${f.cases} hostile inputs through the pipeline of every remediation in ${(f.wallMs / 1000).toFixed(1)} s: outcomes ${JSON.stringify(f.outcomes)}`,
    ...(f.failures.length
      ? f.failures.slice(0, 10).map((x) => `  [FAIL] ${x}`)
      : [
          '  [ok] every input ended cleanly; invalid ones made zero AWS calls; nothing unescaped reached a key, log line or report',
        ]),
  );
}
out.push(
  '',
  'TARGETS',
  textTable(
    ['target', 'figure', ''],
    targets.map((t) => [t.name, t.figure, t.ok ? 'met' : 'NOT MET']),
  ),
);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(failed ? 1 : 0);
