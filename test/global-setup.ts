import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Builds every function bundle once before the tests that load them (dist/ is never stale in a run). */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
