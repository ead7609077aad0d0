import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';

/** Bytes of a function's folder (dist/<id>/): what Lambda stores, and what it reads at a cold start. */
export interface BundleSize {
  readonly id: string;
  /** Every .mjs file of the folder (the deployment artifact, source maps left out). */
  readonly totalBytes: number;
  readonly totalGzipBytes: number;
  /** index.mjs and the chunks it imports statically: what a cold start reads and compiles. */
  readonly startBytes: number;
  readonly startGzipBytes: number;
  readonly files: number;
  /** Chunks loaded only through import() (Parameter Store, member roles), by file, bytes. */
  readonly lazy: Readonly<Record<string, number>>;
  /** True when the function bundles the EC2 client (its size target is larger). */
  readonly ec2: boolean;
}

/** Bytes of output per package (or per source folder of the repository), at start and lazy. */
export interface PackageBytes {
  readonly name: string;
  readonly start: number;
  readonly lazy: number;
}

type Output = Metafile['outputs'][string];

/** The output files of `id`, keyed by their name inside the folder. */
function outputsOf(meta: Metafile, id: string): Map<string, Output> {
  const prefix = `dist/${id}/`;
  const map = new Map<string, Output>();
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (file.endsWith('.mjs')) map.set(file.slice(file.indexOf(prefix) + prefix.length), out);
  }
  return map;
}

/** index.mjs and everything it imports statically, transitively. */
function startFiles(outputs: Map<string, Output>): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs.has(file)) return;
    seen.add(file);
    for (const i of outputs.get(file)!.imports) {
      if (i.kind === 'import-statement' && !i.external) visit(i.path.split('/').at(-1)!);
    }
  };
  visit('index.mjs');
  return seen;
}

/** The package an input file belongs to (`@aws-sdk/client-ec2`), or its folder in the repository. */
function packageOf(input: string): string {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  return m ? m[1]! : input.split('/').slice(0, 2).join('/');
}

/** The esbuild metafile `npm run build` wrote for `id` (dist/.meta/<id>.json). */
export function readMetafile(root: string, id: string): Metafile {
  const file = join(root, 'dist', '.meta', `${id}.json`);
  if (!existsSync(file)) throw new Error(`${relative(root, file)} is missing: run npm run build`);
  return JSON.parse(readFileSync(file, 'utf8')) as Metafile;
}

/**
 * Sizes of the function folder `dir` (a copy of dist/<id>/), from its files and the build's metafile.
 *
 * @example
 * ```ts
 * const s = bundleSize(ROOT, 'revoke-open-ssh', join(ROOT, 'dist', 'revoke-open-ssh'));
 * s.startBytes; // what a cold start reads
 * ```
 */
export function bundleSize(root: string, id: string, dir: string): BundleSize {
  const outputs = outputsOf(readMetafile(root, id), id);
  const start = startFiles(outputs);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs'));
  const content = new Map(files.map((f) => [f, readFileSync(join(dir, f))]));
  const sum = (names: Iterable<string>, gz: boolean) =>
    [...names].reduce((n, f) => n + (gz ? gzipSync(content.get(f)!).length : content.get(f)!.length), 0);
  const lazy = Object.fromEntries(files.filter((f) => !start.has(f)).map((f) => [f, content.get(f)!.length]));
  return {
    id,
    totalBytes: sum(files, false),
    totalGzipBytes: sum(files, true),
    startBytes: sum(start, false),
    startGzipBytes: sum(start, true),
    files: files.length,
    lazy,
    ec2: [...content.values()].some((b) => b.includes('com.amazonaws.ec2')),
  };
}

/**
 * Output bytes per package of the function `id`, read at start or only later, largest first.
 *
 * @example
 * ```ts
 * bytesByPackage(ROOT, 'revoke-open-ssh')[0]; // { name: '@smithy/core', start: 142000, lazy: 0 }
 * ```
 */
export function bytesByPackage(root: string, id: string): PackageBytes[] {
  const outputs = outputsOf(readMetafile(root, id), id);
  const start = startFiles(outputs);
  const totals = new Map<string, { start: number; lazy: number }>();
  for (const [file, out] of outputs) {
    for (const [input, x] of Object.entries(out.inputs)) {
      const t = totals.get(packageOf(input)) ?? { start: 0, lazy: 0 };
      if (start.has(file)) t.start += x.bytesInOutput;
      else t.lazy += x.bytesInOutput;
      totals.set(packageOf(input), t);
    }
  }
  return [...totals]
    .map(([name, t]) => ({ name, ...t }))
    .sort((a, b) => b.start + b.lazy - (a.start + a.lazy));
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/**
 * Where the bytes of each function go: its folder's totals, then its largest packages (KiB read at
 * start, KiB in chunks loaded later), from the build's metafile.
 *
 * @example
 * ```ts
 * console.log(sizeTables(ROOT, ['revoke-open-ssh']).join('\n'));
 * ```
 */
export function sizeTables(root: string, ids: readonly string[], top = 15): string[] {
  const out: string[] = [];
  for (const id of ids) {
    const s = bundleSize(root, id, join(root, 'dist', id));
    const lazy = Object.values(s.lazy).reduce((a, b) => a + b, 0);
    out.push(
      '',
      `${id}: ${s.totalBytes} bytes in ${s.files} files (gzip ${s.totalGzipBytes}); read at start ${s.startBytes} (gzip ${s.startGzipBytes}); loaded on use ${lazy}`,
      ...bytesByPackage(root, id)
        .slice(0, top)
        .map((p) => `  ${kib(p.start).padStart(7)} ${kib(p.lazy).padStart(7)}  ${p.name}`),
    );
  }
  return ['BYTES PER PACKAGE — KiB read at start, KiB loaded on use', ...out];
}
