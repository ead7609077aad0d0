// One folder per function, dist/<id>/: index.mjs (the handler) and the chunks it loads when a setting
// needs them (Parameter Store, member roles), with source maps; target node22, AWS SDK bundled; the
// folder is the Lambda asset and runs alone. The esbuild metafile of each goes to dist/.meta/<id>.json
// (`npm run bench -- --only sizes` reads it: bytes per package, loaded at start or later).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { lambdaBundlePlugins } from './build/esbuild-plugins.mjs';

const root = new URL('.', import.meta.url).pathname;
const functionsDir = join(root, 'functions');
const args = process.argv.slice(2);

// `--cli`: the operator CLI as one ESM file (dependencies stay in node_modules), so `airlock` starts
// without compiling TypeScript; bin/airlock.mjs falls back to tsx when it is missing or stale.
if (args.includes('--cli')) {
  await build({
    entryPoints: { main: join(root, 'cli', 'main.ts') },
    outdir: join(root, 'dist', 'cli'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    logLevel: 'warning',
  });
  process.exit(0);
}

const only = args;

const ids = readdirSync(functionsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(functionsDir, d.name, 'handler.ts')))
  .map((d) => d.name)
  .filter((id) => only.length === 0 || only.includes(id));

if (ids.length === 0) {
  console.error(
    `no function found${only.length ? ` named ${only.join(', ')}` : ''} under functions/*/handler.ts`,
  );
  process.exit(2);
}

const metaDir = join(root, 'dist', '.meta');
mkdirSync(metaDir, { recursive: true });

for (const id of ids) {
  const outdir = join(root, 'dist', id);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(functionsDir, id, 'handler.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
    // dynamic import() becomes a chunk file loaded on first use (clients only some settings need)
    splitting: true,
    chunkNames: 'chunk-[hash]',
    bundle: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    treeShaking: true,
    // error class names (EventRejectedError...) appear in audit records and logs: keep them
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // ESM output still meets CommonJS dependencies that call require(): give them one
    banner: {
      js: "import { createRequire as __airlockCreateRequire } from 'node:module'; const require = __airlockCreateRequire(import.meta.url);",
    },
    // what a Lambda never runs: the schemas of unused operations, credential sources other than the
    // environment, a JMESPath interpreter for a field name, package.json files (build/esbuild-plugins.mjs)
    plugins: lambdaBundlePlugins(),
  });
  writeFileSync(join(metaDir, `${id}.json`), JSON.stringify(result.metafile));
  const files = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  const bytes = files.reduce((sum, [, out]) => sum + out.bytes, 0);
  console.log(`dist/${id}/  ${(bytes / 1024).toFixed(1)} KiB in ${files.length} file(s)`);
}
