import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runDemo } from '../demo/run-demo.js';
import { ExitCode } from '../errors.js';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the whole flow offline: a simulated account with one violation per remediation and compliant look-alikes beside each, the violations’ Config events replayed in apply mode, then proof that every violation is fixed, every look-alike untouched, and the audit trail intact.',
    )
    .option('--dir <path>', 'where the demo writes its account, events and audit trail', '.airlock/demo')
    .addHelpText(
      'after',
      '\nExit codes: 0 everything holds, 1 a check failed.\n\nExample:\n  npx airlock demo && npx airlock audit verify --file .airlock/demo/audit-trail.ndjson',
    )
    .action(async (flags: { dir: string }) => {
      const report = await runDemo(resolve(flags.dir), { write: (t) => process.stdout.write(t) });
      process.exitCode = report.ok ? ExitCode.OK : ExitCode.FAILED;
    });
}
