/**
 * zod's tree-shakable "mini" build (tens of KB in a bundle against about 450 KB for the classic
 * build), configured once with English error messages. Modules import the schema builders with
 * `import * as z from 'zod/mini'` (member access tree-shakes; re-exporting the namespace would not)
 * and import this module for its side effect and helpers.
 *
 * @example
 * ```ts
 * import * as z from 'zod/mini';
 * import '../shared/zod.js';
 * const Name = z.string().check(z.minLength(1), z.maxLength(64));
 * ```
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

/** A validator of settings or input: anything with zod's `parse`. */
export interface Schema<T> {
  parse(data: unknown): T;
}

/** The first problem of a failed parse, as `path: message`. */
export function firstIssue(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the schema';
  const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
