/**
 * An EventBridge event-pattern matcher for the subset of the pattern language the stack uses, so the
 * tests can check a synthesized rule against real events instead of comparing JSON shapes.
 *
 * Supported: nested objects, arrays of allowed values (exact match of strings, numbers, booleans,
 * null), and the content filters `prefix`, `suffix`, `wildcard` (`*`: any run of characters),
 * `anything-but` (value or list), `exists`.
 * Semantics follow EventBridge: every field of the pattern must match; an array in the event matches
 * when any of its elements matches; a field absent from the event (or under an absent or non-object
 * parent: EventBridge matches flattened paths) matches only `{ exists: false }`.
 * Anything else in a pattern throws, so a test never silently passes on an unsupported filter.
 *
 * @example
 * ```ts
 * matchesPattern({ source: ['aws.config'] }, { source: 'aws.config' }); // true
 * ```
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new PatternError('a pattern must be an object');
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, rule]) => matchField(rule, event[key], key in event, key));
}

/** A pattern that uses something this matcher does not implement. */
export class PatternError extends Error {
  override readonly name = 'PatternError';
}

type Scalar = string | number | boolean | null;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/**
 * EventBridge's `wildcard`: `*` stands for any run of characters (possibly none), everything else is
 * literal. Written here on its own (segments matched left to right), not shared with the code whose
 * patterns the tests check with it.
 */
function globMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (parts.length === 1) return value === pattern;
  if (!value.startsWith(first) || value.length < first.length + last.length) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = value.indexOf(middle, at);
    if (found < 0) return false;
    at = found + middle.length;
  }
  return value.length - last.length >= at && value.endsWith(last);
}

function matchField(rule: unknown, value: unknown, present: boolean, path: string): boolean {
  if (isObject(rule)) {
    // EventBridge matches flattened paths: under an absent object every field is absent
    const object = present && isObject(value) ? value : {};
    return Object.entries(rule).every(([key, sub]) =>
      matchField(sub, object[key], key in object, `${path}.${key}`),
    );
  }
  if (!Array.isArray(rule)) throw new PatternError(`${path}: a leaf of a pattern must be an array`);
  if (rule.length === 0) throw new PatternError(`${path}: an empty array matches nothing`);
  return rule.some((allowed) => matchAllowed(allowed, value, present, path));
}

function matchAllowed(allowed: unknown, value: unknown, present: boolean, path: string): boolean {
  if (isObject(allowed)) {
    const keys = Object.keys(allowed);
    if (keys.length !== 1) throw new PatternError(`${path}: a content filter has exactly one key`);
    const [filter] = keys as [string];
    const arg = allowed[filter];
    if (filter === 'exists') {
      if (typeof arg !== 'boolean') throw new PatternError(`${path}: exists takes a boolean`);
      return arg === (present && value !== undefined);
    }
    if (!present) return false;
    const values = Array.isArray(value) ? value : [value];
    switch (filter) {
      case 'prefix':
        if (typeof arg !== 'string') throw new PatternError(`${path}: prefix takes a string`);
        return values.some((v) => typeof v === 'string' && v.startsWith(arg));
      case 'suffix':
        if (typeof arg !== 'string') throw new PatternError(`${path}: suffix takes a string`);
        return values.some((v) => typeof v === 'string' && v.endsWith(arg));
      case 'wildcard': {
        if (typeof arg !== 'string' || arg.includes('**') || arg.includes('\\')) {
          throw new PatternError(`${path}: wildcard takes a string without ** or escapes`);
        }
        return values.some((v) => typeof v === 'string' && globMatch(arg, v));
      }
      case 'anything-but': {
        const excluded = Array.isArray(arg) ? arg : [arg];
        if (!excluded.every(isScalar)) throw new PatternError(`${path}: anything-but takes values`);
        // EventBridge: every value of an array field must differ from the excluded ones
        return values.length > 0 && values.every((v) => isScalar(v) && !excluded.includes(v));
      }
      default:
        throw new PatternError(`${path}: content filter ${JSON.stringify(filter)} is not supported`);
    }
  }
  if (!isScalar(allowed))
    throw new PatternError(`${path}: allowed values are strings, numbers, booleans or null`);
  if (!present) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v === allowed);
}
