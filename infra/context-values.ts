import { SettingsError } from '../shared/errors.js';

/** Reads one context key (`app.node.tryGetContext`). */
export type Get = (key: string) => unknown;

/**
 * A context key is missing or malformed: synth stops, and the message names the key.
 *
 * @example
 * ```ts
 * throw new ContextError('vpcId', 'must be a VPC id (vpc-…)');
 * ```
 */
export class ContextError extends SettingsError {
  constructor(
    readonly key: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`context ${key} ${problem}`, options);
  }
}

const absent = (value: unknown) => value === undefined || value === null || value === '';

/** A list: a JSON array, a comma-separated string, or an array (cdk.json). */
export function list(get: Get, key: string, fallback: readonly string[]): readonly string[] {
  const value = get(key);
  if (value === undefined || value === null) return fallback;
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new ContextError(key, 'is not a JSON list', { cause });
    }
    if (!Array.isArray(parsed)) throw new ContextError(key, 'must be a list');
    return parsed.map(String);
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function str(get: Get, key: string, fallback: string): string {
  const value = get(key);
  return absent(value) ? fallback : String(value);
}

export function optional(get: Get, key: string): string | undefined {
  const value = get(key);
  return absent(value) ? undefined : String(value);
}

/** A key without a default: missing or not matching `pattern` stops synth. */
export function required(get: Get, key: string, pattern: RegExp, what: string): string {
  const value = optional(get, key);
  if (value === undefined) throw new ContextError(key, `is required: ${what}`);
  if (!pattern.test(value)) throw new ContextError(key, `must be ${what}, got ${JSON.stringify(value)}`);
  return value;
}

export function int(get: Get, key: string, fallback: number, min: number, max: number): number {
  const value = get(key);
  const n = value === undefined || value === null ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ContextError(key, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** An optional integer, as `{ [key]: n }` when given (spread into the context). */
export function optionalInt(get: Get, key: string, min: number, max: number): Record<string, number> {
  return absent(get(key)) ? {} : { [key]: int(get, key, min, min, max) };
}
