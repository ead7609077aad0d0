import { Command, CommanderError } from 'commander';
import { VERSION } from '../shared/version.js';
import { registerAudit } from './commands/audit.js';
import { registerBreaker } from './commands/breaker.js';
import { registerDemo } from './commands/demo.js';
import { registerEvents } from './commands/events.js';
import { registerReplay } from './commands/replay.js';
import { registerRollback } from './commands/rollback.js';
import { registerScan } from './commands/scan.js';
import { registerSim } from './commands/sim.js';
import { CliError, ExitCode } from './errors.js';

/** The `airlock` program: every command registers itself from its own file under cli/commands/. */
export function buildProgram(): Command {
  const program = new Command('airlock')
    .description(
      'Event-driven auto-remediation for internet-isolated AWS platforms: preview an account, replay events, run the demo, read the audit trail.',
    )
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDemo(program);
  registerEvents(program);
  registerReplay(program);
  registerScan(program);
  registerAudit(program);
  registerRollback(program);
  registerSim(program);
  registerBreaker(program);
  return program;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 some FAILED / checks failed, 2 bad input). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.OK;
      }
      return ExitCode.BAD_INPUT;
    }
    if (error instanceof CliError) {
      process.stderr.write(`airlock: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`airlock: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.FAILED;
  }
}
