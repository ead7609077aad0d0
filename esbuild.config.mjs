// One small bundle per function: dist/<id>/index.mjs (+ source map), target node22, AWS SDK bundled.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

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

for (const id of ids) {
  const outdir = join(root, 'dist', id);
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(functionsDir, id, 'handler.ts') },
    outdir,
    outExtension: { '.js': '.mjs' },
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
  });
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => file.endsWith('.mjs'))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
  console.log(`dist/${id}/index.mjs  ${(bytes / 1024).toFixed(1)} KiB`);
}
