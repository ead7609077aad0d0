import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/**
 * One event to replay, with where it came from (`file`, `file:line` for NDJSON lines and array
 * elements, `#i` for a record inside an SQS/SNS wrapper). `problem` says why it is no event airlock
 * can read (not JSON, not an event): it still ends in a REJECTED record of its own.
 */
export interface InputEvent {
  readonly origin: string;
  readonly event: unknown;
  readonly problem?: string;
}

const EXTENSIONS = ['.json', '.ndjson', '.jsonl'];

function listFiles(path: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    throw new CliError(`${path}: no such file or directory`);
  }
  if (stat.isFile()) return [path];
  if (!stat.isDirectory()) throw new CliError(`${path}: not a file or directory`);
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return listFiles(full);
      return EXTENSIONS.some((ext) => entry.name.endsWith(ext)) ? [full] : [];
    });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const notAnEvent = (origin: string, event: unknown, problem: string): InputEvent[] => [
  { origin, event, problem },
];

/**
 * Unwraps an event delivered inside an SQS message, an SNS notification, a Lambda on-failure
 * destination record, or SQS ReceiveMessage output; returns the EventBridge events inside. A value
 * that is no event is returned with its problem (it ends REJECTED).
 */
export function unwrap(value: unknown, where: string): InputEvent[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unwrap(v, `${where}#${i}`));
  if (!isObject(value)) {
    const got = value === null ? 'null' : typeof value;
    return notAnEvent(where, value, `not an event (expected a JSON object, got ${got})`);
  }
  if (Array.isArray(value.Records)) {
    return value.Records.flatMap((r, i) => {
      const rec = r as Record<string, unknown>;
      const at = `${where}#${i}`;
      if (rec?.eventSource === 'aws:sqs') return unwrapText(rec.body, at);
      if (rec?.EventSource === 'aws:sns' && isObject(rec.Sns)) return unwrap(rec.Sns, at);
      return notAnEvent(at, r, 'a record that is neither an SQS message nor an SNS notification');
    });
  }
  if (Array.isArray(value.Messages)) {
    return value.Messages.flatMap((m, i) =>
      unwrapText((m as Record<string, unknown> | null)?.Body, `${where}#${i}`),
    );
  }
  if (value.Type === 'Notification' && 'Message' in value) return unwrapText(value.Message, where);
  if (isObject(value.requestPayload) && isObject(value.requestContext)) {
    return unwrap(value.requestPayload, where);
  }
  if (typeof value['detail-type'] === 'string' || typeof value.source === 'string')
    return [{ origin: where, event: value }];
  return notAnEvent(
    where,
    value,
    'not an event (no "detail-type"; expected an EventBridge event, or one inside SQS/SNS)',
  );
}

/** A wrapped message: JSON text (or an object already), unwrapped in turn. */
function unwrapText(text: unknown, where: string): InputEvent[] {
  if (typeof text !== 'string') return unwrap(text, where);
  try {
    return unwrap(JSON.parse(text), where);
  } catch {
    return notAnEvent(where, text.slice(0, 256), 'the wrapped message is not JSON');
  }
}

/** The 1-based line on which each element of a top-level JSON array starts. */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (expectElement && c !== ']') lines.push(line);
    expectElement = false;
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1 && c === '[') expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}

/** The events of one JSON value (object or array), each array element named by its line. */
function parseJsonValue(value: unknown, text: string, name: string): InputEvent[] {
  if (!Array.isArray(value)) return unwrap(value, name);
  const lines = arrayElementLines(text);
  return value.flatMap((v, i) => unwrap(v, `${name}:${lines[i] ?? `#${i}`}`));
}

/**
 * Parses a file's text: one JSON value (object or array), or NDJSON. A file that is neither is bad
 * input (a {@link CliError}); an NDJSON line that is not JSON is an event that ends REJECTED.
 */
export function parseEventText(text: string, name: string): InputEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError(`${name}: empty, no event in it`);
  let whole: unknown;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    return parseNdjson(text, name);
  }
  return parseJsonValue(whole, text, name);
}

function parseNdjson(text: string, name: string): InputEvent[] {
  const out: InputEvent[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `${name}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const problem = `not valid JSON (${(error as Error).message})`;
      // a first line that is no JSON: the file is neither JSON nor NDJSON
      if (out.length === 0) throw new CliError(`${where}: ${problem}`);
      out.push({ origin: where, event: line.slice(0, 256), problem });
      continue;
    }
    out.push(...unwrap(value, where));
  }
  return out;
}

/**
 * Reads events from files, directories (recursively: .json, .ndjson, .jsonl) and `-` (stdin).
 * Throws a {@link CliError} (exit 2) naming the file and what is wrong.
 */
export function readEvents(
  paths: readonly string[],
  stdin: () => string = () => readFileSync(0, 'utf8'),
): InputEvent[] {
  if (paths.length === 0) throw new CliError('no event given: name event files, directories, or - for stdin');
  const out: InputEvent[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(...parseEventText(stdin(), 'stdin'));
      continue;
    }
    for (const file of listFiles(path)) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new CliError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      out.push(...parseEventText(text, file));
    }
  }
  if (out.length === 0) throw new CliError(`no event found in ${paths.join(', ')}`);
  return out;
}
