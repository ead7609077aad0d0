import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** One event to replay, with where it came from (file:line or file#index) for messages and output. */
export interface InputEvent {
  readonly origin: string;
  readonly event: unknown;
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

function parseJsonString(text: unknown, where: string): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${where}: the wrapped message is not JSON`);
  }
}

/**
 * Unwraps an event delivered inside an SQS message, an SNS notification, a Lambda on-failure
 * destination record, or SQS ReceiveMessage output; returns the EventBridge events inside.
 */
export function unwrap(value: unknown, where: string): InputEvent[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => unwrap(v, `${where}#${i}`));
  if (!isObject(value))
    throw new CliError(
      `${where}: not an event (expected a JSON object, got ${value === null ? 'null' : typeof value})`,
    );
  if (Array.isArray(value.Records)) {
    return value.Records.flatMap((r, i) => {
      const rec = r as Record<string, unknown>;
      if (rec.eventSource === 'aws:sqs')
        return unwrap(parseJsonString(rec.body, `${where}#${i}`), `${where}#${i}`);
      if (rec.EventSource === 'aws:sns' && isObject(rec.Sns)) return unwrap(rec.Sns, `${where}#${i}`);
      throw new CliError(`${where}#${i}: a record that is neither an SQS message nor an SNS notification`);
    });
  }
  if (Array.isArray(value.Messages)) {
    return value.Messages.flatMap((m, i) =>
      unwrap(parseJsonString((m as Record<string, unknown>).Body, `${where}#${i}`), `${where}#${i}`),
    );
  }
  if (value.Type === 'Notification' && 'Message' in value) {
    return unwrap(parseJsonString(value.Message, where), where);
  }
  if (isObject(value.requestPayload) && isObject(value.requestContext)) {
    return unwrap(value.requestPayload, where);
  }
  if (typeof value['detail-type'] === 'string' || typeof value.source === 'string')
    return [{ origin: where, event: value }];
  throw new CliError(
    `${where}: not an event (no "detail-type"; expected an EventBridge event, or one inside SQS/SNS)`,
  );
}

/** Parses a file's text: one JSON value (object or array), or NDJSON. */
export function parseEventText(text: string, name: string): InputEvent[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError(`${name}: empty, no event in it`);
  try {
    return unwrap(JSON.parse(trimmed), name);
  } catch (error) {
    if (error instanceof CliError) throw error;
  }
  const out: InputEvent[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CliError(`${name}:${index + 1}: not valid JSON (${(error as Error).message})`);
    }
    out.push(...unwrap(value, `${name}:${index + 1}`));
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
