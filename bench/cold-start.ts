import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REMEDIATIONS } from '../functions/registry.js';
import { complianceEvent } from '../test/helpers/events.js';
import { type BundleSize, bundleSize } from './bundle-sizes.js';
import { type Spread, spread } from './stats.js';

export const ROOT = join(import.meta.dirname, '..');

/** The Node 22 release the figures use: the official binary from the npm registry, as Lambda's runtime. */
export const LAMBDA_NODE = 'node@22.23.3';

/**
 * The Node binary the figures use. Installed on first use into bench/.node22 (not a project
 * dependency: a `node` package in node_modules would put Node 22 in front of every npm script, and
 * the project must keep running on Node 20).
 */
export function lambdaNode(): string {
  const prefix = join(ROOT, 'bench', '.node22');
  const bin = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(bin)) {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, LAMBDA_NODE],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  }
  return existsSync(bin) ? bin : process.execPath;
}

/** A Python with boto3 for the comparison, or why there is none. */
export type PythonRuntime =
  | { readonly bin: string; readonly version: string; readonly boto3: string }
  | { readonly skipped: string };

/**
 * The Python the comparison runs: `$AIRLOCK_BENCH_PYTHON`, else Debian's /usr/bin/python3
 * (`apt-get install -y python3-boto3`), else `python3` on PATH; the first one that imports boto3.
 */
export function pythonWithBoto3(): PythonRuntime {
  const candidates = [process.env.AIRLOCK_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter(
    (c): c is string => Boolean(c),
  );
  for (const bin of candidates) {
    try {
      const out = execFileSync(
        bin,
        ['-c', 'import sys, boto3; print(sys.executable, sys.version.split()[0], boto3.__version__)'],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      const [exe, version, boto3] = out.toString().trim().split(' ');
      return { bin: exe ?? bin, version: version ?? '?', boto3: boto3 ?? '?' };
    } catch {
      // no such interpreter, or no boto3 in it: try the next
    }
  }
  return {
    skipped: `no Python with boto3 (tried ${candidates.join(', ')}): apt-get install -y python3-boto3, or set AIRLOCK_BENCH_PYTHON`,
  };
}

/** One phase of a cold start, timed above the runtime's floor (a process that does nothing). */
export interface PhaseFigures {
  /** Wall time from spawn to the child's report, minus the floor's median, ms. */
  readonly wallMs: Spread;
  /** CPU time of the child (all threads) at its report, minus the floor's median, ms. */
  readonly cpuMs: Spread;
}

/** The Python equivalent of one remediation's cold start (bench/cold_start.py). */
export interface PythonFigures {
  readonly service: string;
  /** import boto3 and build the clients. */
  readonly load: PhaseFigures;
  /** ...and handle the COMPLIANT event (record sealed, logged, one PutObject). */
  readonly first: PhaseFigures;
  readonly importMs: Spread;
  readonly clientsMs: Spread;
  readonly eventMs: Spread;
  /** The same work again in the same process (WARM_EVENTS times, pooled), ms. */
  readonly warmMs: Spread;
}

export interface ColdFigures {
  /** Import of the bundle: module evaluation and the handler's init (settings, clients). */
  readonly load: PhaseFigures;
  /** Import and one COMPLIANT event handled end to end. */
  readonly first: PhaseFigures;
  /** From inside the process: the import, then the first event. */
  readonly importMs: Spread;
  readonly eventMs: Spread;
  /** Warm events in the same processes after the first (WARM_EVENTS each, pooled), ms. */
  readonly warmMs: Spread;
  /** The same handler with node_modules loaded unbundled (esbuild `packages: 'external'`): import + event. */
  readonly unbundledMs: Spread;
  /** first.wallMs / unbundledMs, of the medians. */
  readonly ratio: number;
  /** Peak RSS after the first event (process.resourceUsage().maxRSS), MiB. */
  readonly rssMiB: Spread;
  readonly unbundledRssMiB: Spread;
  readonly outcome: string;
  readonly python?: PythonFigures & {
    /** Node over Python, medians of wall time above each floor: load, and first event included. */
    readonly loadRatio: number;
    readonly firstRatio: number;
    /** The same with CPU time. */
    readonly loadCpuRatio: number;
    readonly firstCpuRatio: number;
    /** Node over Python, medians of the warm events. */
    readonly warmRatio: number;
  };
}

export interface FunctionFigures extends BundleSize {
  /** Absent for functions that are not remediations (the sweep, the Config rule evaluators). */
  readonly cold?: ColdFigures;
}

export interface ColdStartResult {
  readonly node: string;
  /** The machine's load average when the section started: wall-clock figures grow with it. */
  readonly loadAverage?: readonly number[];
  readonly python: PythonRuntime;
  readonly floors: {
    readonly nodeMs: Spread;
    readonly nodeCpuMs: Spread;
    readonly pythonMs?: Spread;
    readonly pythonCpuMs?: Spread;
  };
  readonly functions: readonly FunctionFigures[];
}

const VALID_ID: Record<string, string> = {
  'AWS::EC2::SecurityGroup': 'sg-0123456789abcdef0',
  'AWS::S3::Bucket': 'airlock-bench-bucket',
  'AWS::EKS::Cluster': 'payments',
  'AWS::EC2::RouteTable': 'rtb-0123456789abcdef0',
  'AWS::EC2::TransitGatewayRouteTable': 'tgw-rtb-0123456789abcdef0',
};

const AUDIT_BUCKET = 'airlock-bench-audit';

/** Warm events each _first_ child handles after its first one, timed one by one. */
export const WARM_EVENTS = 10;

/**
 * What a Node child runs: nothing (floor), import the handler (load), or import it and handle one
 * event (first): it reports, then handles WARM_EVENTS more (other event ids) and reports their times.
 */
const NODE_CHILD = `
const phase = process.argv[1];
const line = (values) => process.stdout.write('\\n' + JSON.stringify(values) + '\\n');
const report = (values) => {
  const cpu = process.cpuUsage();
  line({ bench: { ...values, cpuMs: (cpu.user + cpu.system) / 1000, maxRssKiB: process.resourceUsage().maxRSS } });
};
if (phase === 'floor') report({});
else {
  const started = performance.now();
  const { handler } = await import(process.argv[2]);
  const imported = performance.now();
  if (phase === 'load') report({ importMs: imported - started });
  else {
    const event = JSON.parse(process.argv[3]);
    const result = await handler(event);
    report({ importMs: imported - started, eventMs: performance.now() - imported, outcome: result.outcome });
    const warm = [];
    for (let i = 1; i <= ${WARM_EVENTS}; i++) {
      const t = performance.now();
      await handler({ ...event, id: event.id.slice(0, -12) + String(i).padStart(12, '0') });
      warm.push(performance.now() - t);
    }
    line({ warm });
  }
}
process.stdout.write('', () => process.exit(0));
`;

interface ChildReport {
  readonly cpuMs: number;
  /** The warm events' times after the first event (first phase only), ms. */
  readonly warmMs?: readonly number[];
  readonly maxRssKiB?: number;
  readonly importMs?: number;
  readonly eventMs?: number;
  readonly clientsMs?: number;
  readonly firstMs?: number;
  readonly outcome?: string;
}

/**
 * A tiny S3 endpoint on loopback that accepts any request (the audit record's PutObject answers 200):
 * the cold start then includes building the S3 client, signing and sending the record, as in Lambda.
 */
async function startAcceptAll(): Promise<{
  url: string;
  close: () => Promise<void>;
  requests: () => number;
}> {
  let n = 0;
  const server = createServer((req, res) => {
    n++;
    req.resume();
    req.on('end', () => {
      res.setHeader('ETag', '"0"');
      res.setHeader('x-amz-request-id', 'bench');
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    requests: () => n,
  };
}

/** Runs a child to its report line: wall time from spawn to that line, and what it reported. */
function runChild(
  bin: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; report: ChildReport }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let report: { wallMs: number; report: ChildReport } | undefined;
    child.stdout.on('data', (c) => {
      out += c;
      const line = report
        ? undefined
        : out.split('\n').find((l) => l.startsWith('{"bench"') && l.endsWith('}'));
      if (line) {
        report = {
          wallMs: performance.now() - t0,
          report: (JSON.parse(line) as { bench: ChildReport }).bench,
        };
      }
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const warm = out.split('\n').find((l) => l.startsWith('{"warm"'));
      if (code === 0 && report && warm)
        resolve({
          ...report,
          report: { ...report.report, warmMs: (JSON.parse(warm) as { warm: number[] }).warm },
        });
      else if (code === 0 && report) resolve(report);
      else reject(new Error(`${bin} ${args[0] ?? ''} exited ${code}: ${err.slice(-800) || out.slice(-300)}`));
    });
  });
}

/** Builds dist/ (npm run build): the ids of the functions built. */
export function buildDist(): string[] {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return readdirSync(join(ROOT, 'dist')).filter((id) => existsSync(join(ROOT, 'dist', id, 'index.mjs')));
}

/** Builds dist/, then copies each function's folder alone into a temporary folder (like /var/task). */
export function buildBundles(): { dir: string; ids: string[] } {
  const ids = buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
  for (const id of ids) {
    cpSync(join(ROOT, 'dist', id), join(dir, id), {
      recursive: true,
      filter: (f) => !f.endsWith('.map'),
    });
  }
  return { dir, ids };
}

/** The same handler with only node_modules left unbundled (esbuild `packages: 'external'`). */
async function buildUnbundled(id: string): Promise<string> {
  const outdir = join(ROOT, 'node_modules', '.cache', 'airlock-bench', id);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { index: join(ROOT, 'functions', id, 'handler.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node22',
    format: 'esm',
    logLevel: 'error',
  });
  return join(outdir, 'index.mjs');
}

/** The service client a remediation builds besides DynamoDB and S3 (boto3's name for it). */
function serviceOf(services: readonly string[]): string {
  return services.find((s) => s !== 's3') ?? 's3';
}

type Sample = { wallMs: number; report: ChildReport };

function phase(samples: readonly Sample[], floor: { wall: number; cpu: number }): PhaseFigures {
  return {
    wallMs: spread(samples.map((s) => s.wallMs - floor.wall)),
    cpuMs: spread(samples.map((s) => s.report.cpuMs - floor.cpu)),
  };
}

const field = (samples: readonly Sample[], f: keyof ChildReport) =>
  spread(samples.map((s) => Number(s.report[f] ?? 0)));

const warmOf = (samples: readonly Sample[]) => spread(samples.flatMap((s) => s.report.warmMs ?? []));

/**
 * Bundle sizes and cold starts on Lambda's Node: for each remediation, fresh processes that import
 * the bundle (load: module evaluation and the handler's init), or import it and handle one COMPLIANT
 * evaluation end to end (settings, parse, validate, NOOP record sealed, written to the log and to S3
 * on a loopback endpoint; no other AWS call); beside them the same handler unbundled, and the Python
 * equivalent (bench/cold_start.py) against the same endpoint. Every figure is above its runtime's
 * floor measured in the same run, and the kinds alternate run by run.
 */
export async function measureColdStarts(runs: number): Promise<ColdStartResult> {
  const loadAverage = loadavg();
  const node = lambdaNode();
  const version = execFileSync(node, ['--version']).toString().trim();
  const python = pythonWithBoto3();
  const { dir, ids } = buildBundles();
  const s3 = await startAcceptAll();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: 'AKIABENCHAIRLOCK0000',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_ENDPOINT_URL_S3: s3.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AIRLOCK_TABLE: 'airlock-idempotency',
    AIRLOCK_AUDIT_BUCKET: AUDIT_BUCKET,
    AIRLOCK_ALLOWED_ACCOUNTS: '111122223333',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AIRLOCK_BENCH_WARM_EVENTS: String(WARM_EVENTS),
  };
  const nodeRun = (phaseName: string, file = '', event = '') =>
    runChild(node, ['--input-type=module', '-e', NODE_CHILD, phaseName, file, event], env);
  const pythonRun =
    'bin' in python
      ? (phaseName: string, service: string) =>
          runChild(
            python.bin,
            [join(ROOT, 'bench', 'cold_start.py'), phaseName, service, s3.url, AUDIT_BUCKET],
            env,
          )
      : undefined;
  try {
    const remediations = REMEDIATIONS.filter((r) => ids.includes(r.id));
    const unbundled = new Map<string, string>();
    for (const r of remediations) unbundled.set(r.id, await buildUnbundled(r.id));
    const floors = { node: [] as Sample[], python: [] as Sample[] };
    const kinds = ['load', 'first', 'unbundled', 'pyLoad', 'pyFirst'] as const;
    const samples = new Map<string, Record<(typeof kinds)[number], Sample[]>>();
    for (let run = 0; run < runs; run++) {
      floors.node.push(await nodeRun('floor'));
      if (pythonRun) floors.python.push(await pythonRun('floor', 's3'));
      for (const r of remediations) {
        const event = JSON.stringify(
          complianceEvent({
            resourceType: r.resourceType,
            resourceId: VALID_ID[r.resourceType] ?? 'x',
            rule: r.configRuleNames[0] ?? 'rule',
            compliance: 'COMPLIANT',
          }),
        );
        const file = join(dir, r.id, 'index.mjs');
        const s = samples.get(r.id) ?? { load: [], first: [], unbundled: [], pyLoad: [], pyFirst: [] };
        const measure: Record<(typeof kinds)[number], () => Promise<Sample> | undefined> = {
          load: () => nodeRun('load', file),
          first: () => nodeRun('first', file, event),
          unbundled: () => nodeRun('first', unbundled.get(r.id)!, event),
          pyLoad: () => pythonRun?.('load', serviceOf(r.services)),
          pyFirst: () => pythonRun?.('first', serviceOf(r.services)),
        };
        // alternate: the order of the kinds turns by one each run
        for (let k = 0; k < kinds.length; k++) {
          const kind = kinds[(k + run) % kinds.length]!;
          const sample = await measure[kind]();
          if (sample) s[kind].push(sample);
        }
        samples.set(r.id, s);
      }
    }
    const nodeFloor = {
      wall: spread(floors.node.map((s) => s.wallMs)).median,
      cpu: spread(floors.node.map((s) => s.report.cpuMs)).median,
    };
    const pyFloor = {
      wall: spread(floors.python.map((s) => s.wallMs)).median,
      cpu: spread(floors.python.map((s) => s.report.cpuMs)).median,
    };
    const functions: FunctionFigures[] = ids.map((id) => {
      const size = bundleSize(ROOT, id, join(dir, id));
      const s = samples.get(id);
      const r = remediations.find((x) => x.id === id);
      if (!s || !r) return size;
      const load = phase(s.load, nodeFloor);
      const first = phase(s.first, nodeFloor);
      const unbundledMs = spread(s.unbundled.map((x) => x.wallMs - nodeFloor.wall));
      const cold: ColdFigures = {
        load,
        first,
        importMs: field(s.first, 'importMs'),
        eventMs: field(s.first, 'eventMs'),
        warmMs: warmOf(s.first),
        unbundledMs,
        ratio: first.wallMs.median / unbundledMs.median,
        rssMiB: spread(s.first.map((x) => (x.report.maxRssKiB ?? 0) / 1024)),
        unbundledRssMiB: spread(s.unbundled.map((x) => (x.report.maxRssKiB ?? 0) / 1024)),
        outcome: s.first[0]?.report.outcome ?? '?',
      };
      if (!s.pyFirst.length) return { ...size, cold };
      const pyLoad = phase(s.pyLoad, pyFloor);
      const pyFirst = phase(s.pyFirst, pyFloor);
      return {
        ...size,
        cold: {
          ...cold,
          python: {
            service: serviceOf(r.services),
            load: pyLoad,
            first: pyFirst,
            importMs: field(s.pyFirst, 'importMs'),
            clientsMs: field(s.pyFirst, 'clientsMs'),
            eventMs: field(s.pyFirst, 'firstMs'),
            warmMs: warmOf(s.pyFirst),
            loadRatio: load.wallMs.median / pyLoad.wallMs.median,
            firstRatio: first.wallMs.median / pyFirst.wallMs.median,
            loadCpuRatio: load.cpuMs.median / pyLoad.cpuMs.median,
            firstCpuRatio: first.cpuMs.median / pyFirst.cpuMs.median,
            warmRatio: warmOf(s.first).median / warmOf(s.pyFirst).median,
          },
        },
      };
    });
    if (s3.requests() === 0) throw new Error('no audit record reached the loopback S3 endpoint');
    return {
      node: `${version} (${node.replace(`${ROOT}/`, '')})`,
      loadAverage,
      python: 'bin' in python ? { ...python, bin: python.bin } : python,
      floors: {
        nodeMs: spread(floors.node.map((s) => s.wallMs)),
        nodeCpuMs: spread(floors.node.map((s) => s.report.cpuMs)),
        ...(floors.python.length
          ? {
              pythonMs: spread(floors.python.map((s) => s.wallMs)),
              pythonCpuMs: spread(floors.python.map((s) => s.report.cpuMs)),
            }
          : {}),
      },
      functions,
    };
  } finally {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
