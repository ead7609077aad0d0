import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { REMEDIATIONS } from '../functions/registry.js';
import { complianceEvent } from '../test/helpers/events.js';
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

export interface BundleFigures {
  readonly id: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** True when the bundle holds the EC2 client (its size target is larger). */
  readonly ec2: boolean;
  /** Absent for functions that are not remediations (the sweep): see the README. */
  readonly cold?: {
    /** Wall time of the process above a bare `node -e 0` of the same run, ms. */
    readonly bundledMs: Spread;
    readonly unbundledMs: Spread;
    /** bundled / unbundled, of the medians. */
    readonly ratio: number;
    /** Peak RSS of the bundled process (process.resourceUsage().maxRSS), MiB. */
    readonly bundledRssMiB: Spread;
    readonly unbundledRssMiB: Spread;
    readonly outcome: string;
  };
}

export interface ColdStartResult {
  readonly node: string;
  readonly baselineMs: Spread;
  readonly functions: readonly BundleFigures[];
}

const VALID_ID: Record<string, string> = {
  'AWS::EC2::SecurityGroup': 'sg-0123456789abcdef0',
  'AWS::S3::Bucket': 'airlock-bench-bucket',
  'AWS::EKS::Cluster': 'payments',
  'AWS::EC2::RouteTable': 'rtb-0123456789abcdef0',
  'AWS::EC2::TransitGatewayRouteTable': 'tgw-rtb-0123456789abcdef0',
};

/** What a child process runs: import the handler, build its clients, handle one event. */
const CHILD = `
const started = performance.now();
const { handler } = await import(process.argv[1]);
const imported = performance.now();
const result = await handler(JSON.parse(process.argv[2]));
const done = performance.now();
process.stdout.write('\\n' + JSON.stringify({ bench: { importMs: imported - started, handleMs: done - imported, sinceStartMs: done, outcome: result.outcome, maxRssKiB: process.resourceUsage().maxRSS } }) + '\\n');
`;

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

function runChild(
  node: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(node, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0)
        reject(new Error(`${args.join(' ').slice(0, 120)} exited ${code}: ${err.slice(0, 500)}`));
      else resolve({ wallMs, out, code });
    });
  });
}

function parseChild(out: string): { outcome: string; maxRssKiB: number } {
  const line = out
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"bench"'));
  if (!line) throw new Error(`the child printed no result: ${out.slice(-300)}`);
  return (JSON.parse(line) as { bench: { outcome: string; maxRssKiB: number } }).bench;
}

/** Builds dist/ (npm run build), then copies each bundle alone into a temporary folder (like /var/task). */
export function buildBundles(): { dir: string; ids: string[] } {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'));
  const ids = readdirSync(join(ROOT, 'dist')).filter((id) => existsSync(join(ROOT, 'dist', id, 'index.mjs')));
  for (const id of ids) {
    mkdirSync(join(dir, id));
    copyFileSync(join(ROOT, 'dist', id, 'index.mjs'), join(dir, id, 'index.mjs'));
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

/**
 * Bundle sizes and cold starts: for each remediation, a fresh process that imports the bundle, builds
 * its clients and handles one COMPLIANT evaluation end to end (settings, parse, validate, NOOP record
 * sealed, written to the log and to S3 on a loopback endpoint; no other AWS call), against the same
 * handler with node_modules loaded unbundled; timed above a bare `node -e 0` of the same run.
 */
export async function measureColdStarts(runs: number): Promise<ColdStartResult> {
  const node = lambdaNode();
  const version = execFileSync(node, ['--version']).toString().trim();
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
    AIRLOCK_AUDIT_BUCKET: 'airlock-bench-audit',
    AIRLOCK_ALLOWED_ACCOUNTS: '111122223333',
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
  };
  try {
    const remediations = REMEDIATIONS.filter((r) => ids.includes(r.id));
    const unbundled = new Map<string, string>();
    for (const r of remediations) unbundled.set(r.id, await buildUnbundled(r.id));
    const baseline: number[] = [];
    const samples = new Map<
      string,
      { b: number[]; u: number[]; br: number[]; ur: number[]; outcome: string }
    >();
    for (let run = 0; run < runs; run++) {
      baseline.push((await runChild(node, ['-e', '0'], env)).wallMs);
      for (const r of remediations) {
        const event = JSON.stringify(
          complianceEvent({
            resourceType: r.resourceType,
            resourceId: VALID_ID[r.resourceType] ?? 'x',
            rule: r.configRuleNames[0] ?? 'rule',
            compliance: 'COMPLIANT',
          }),
        );
        const s = samples.get(r.id) ?? { b: [], u: [], br: [], ur: [], outcome: '' };
        const order = run % 2 ? ['u', 'b'] : ['b', 'u'];
        for (const kind of order) {
          const file = kind === 'b' ? join(dir, r.id, 'index.mjs') : unbundled.get(r.id)!;
          const res = await runChild(node, ['--input-type=module', '-e', CHILD, file, event], env);
          const parsed = parseChild(res.out);
          s.outcome = parsed.outcome;
          (kind === 'b' ? s.b : s.u).push(res.wallMs);
          (kind === 'b' ? s.br : s.ur).push(parsed.maxRssKiB / 1024);
        }
        samples.set(r.id, s);
      }
    }
    const base = spread(baseline);
    const functions: BundleFigures[] = ids.map((id) => {
      const bytes = readFileSync(join(dir, id, 'index.mjs'));
      const s = samples.get(id);
      const figures: BundleFigures = {
        id,
        bytes: statSync(join(dir, id, 'index.mjs')).size,
        gzipBytes: gzipSync(bytes).length,
        ec2: bytes.includes('com.amazonaws.ec2'),
      };
      if (!s) return figures;
      const bundledMs = spread(s.b.map((x) => x - base.median));
      const unbundledMs = spread(s.u.map((x) => x - base.median));
      return {
        ...figures,
        cold: {
          bundledMs,
          unbundledMs,
          ratio: bundledMs.median / unbundledMs.median,
          bundledRssMiB: spread(s.br),
          unbundledRssMiB: spread(s.ur),
          outcome: s.outcome,
        },
      };
    });
    if (s3.requests() === 0) throw new Error('no audit record reached the loopback S3 endpoint');
    return { node: `${version} (${node.replace(`${ROOT}/`, '')})`, baselineMs: base, functions };
  } finally {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
