/** Exit codes of every `airlock` command. */
export const ExitCode = {
  /** Everything handled / every check holds. */
  OK: 0,
  /** Something FAILED, or a verification found a problem. */
  FAILED: 1,
  /** Bad input: unreadable file, not an event, wrong flag. */
  BAD_INPUT: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code of a run that handled many things, the same rule on every command: 1 when any
 * FAILED, else 2 when any was REJECTED (bad input), else 0.
 *
 * @example
 * ```ts
 * exitCodeOf(['APPLIED', 'REJECTED']); // 2
 * ```
 */
export function exitCodeOf(outcomes: readonly string[]): ExitCode {
  if (outcomes.includes('FAILED')) return ExitCode.FAILED;
  if (outcomes.includes('REJECTED')) return ExitCode.BAD_INPUT;
  return ExitCode.OK;
}

/** An error the CLI reports as one line on stderr, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.BAD_INPUT,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}
