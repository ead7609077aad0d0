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
