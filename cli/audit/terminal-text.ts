/**
 * Text from records made safe for a terminal: control characters (ANSI escapes, carriage returns,
 * bidi overrides) shown as `\u…` escapes so that a hostile resource id cannot repaint the screen.
 */
export function safeText(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being escaped
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Colours for the outcome, only when writing to a terminal. */
const OUTCOME_COLOUR: Readonly<Record<string, string>> = {
  APPLIED: '32',
  NOOP: '90',
  PLANNED: '36',
  DEFERRED: '34',
  EXEMPT: '35',
  SUPPRESSED: '33',
  FAILED: '31',
  REJECTED: '33',
  'ROLLBACK ROLLED_BACK': '35',
  'ROLLBACK PLANNED': '36',
  'ROLLBACK REFUSED': '33',
  'ROLLBACK FAILED': '31',
};

/** Wraps text in an ANSI colour when `colour` is on. */
export function paint(text: string, outcome: string, colour: boolean): string {
  const code = OUTCOME_COLOUR[outcome];
  return colour && code ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** True when colour should be used on this stream: a TTY, and NO_COLOR not set. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
