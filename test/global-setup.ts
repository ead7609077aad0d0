import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Builds every function bundle and the CLI bundle once before the tests that load or spawn them
 * (dist/ is never stale in a run; a spawned `airlock` starts from its bundle, as after `npm ci`).
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  for (const args of [[], ['--cli']]) {
    execFileSync(process.execPath, [join(root, 'esbuild.config.mjs'), ...args], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
}
