import { SimApiError } from './errors.js';

/** One page of `items` from an opaque `token`; the next token when more remain. */
export function paginate<T>(
  items: readonly T[],
  maxResults: number | undefined,
  token: string | undefined,
  defaultMax: number,
  tokenError = 'InvalidPaginationToken',
): { page: T[]; next: string | undefined } {
  let offset = 0;
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
      if (typeof parsed.o !== 'number' || parsed.o < 0) throw new Error('bad');
      offset = parsed.o;
    } catch {
      throw new SimApiError(tokenError, `The pagination token '${token}' is invalid.`);
    }
  }
  const size = maxResults && maxResults > 0 ? maxResults : defaultMax;
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  const next = end < items.length ? Buffer.from(JSON.stringify({ o: end })).toString('base64url') : undefined;
  return { page, next };
}

/** `{ Name, Values }` filters: every filter must hold (AND), any of its values (OR). */
export interface Filter {
  Name?: string;
  Values?: string[];
}

/**
 * Applies EC2-style filters. `fields(name)` gives the values an item has for a filter name, or
 * `undefined` when the filter name is not supported (the call then fails like EC2 does).
 */
export function applyFilters<T>(
  items: readonly T[],
  filters: readonly Filter[] | undefined,
  fields: (item: T, name: string) => readonly (string | undefined)[] | undefined,
  matches: (value: string, wanted: string) => boolean = (v, w) => globMatch(w, v),
): T[] {
  if (!filters?.length) return [...items];
  for (const f of filters) {
    if (!f.Name) throw new SimApiError('InvalidParameterValue', 'A filter needs a Name.');
    if (items.length && fields(items[0]!, f.Name) === undefined) {
      throw new SimApiError('InvalidParameterValue', `The filter '${f.Name}' is invalid`);
    }
  }
  return items.filter((item) =>
    filters.every((f) => {
      const have = (fields(item, f.Name!) ?? []).filter((v): v is string => v !== undefined);
      return (f.Values ?? []).some((w) => have.some((v) => matches(v, w)));
    }),
  );
}

/** EC2 filter values accept `*` and `?` wildcards. */
export function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(value);
}

/** Values of `tag:Key` / `tag-key` / `tag-value` filters for a resource's tags, or undefined. */
export function tagFilter(
  tags: readonly { Key?: string; Value?: string }[] | undefined,
  name: string,
): (string | undefined)[] | undefined {
  if (name.startsWith('tag:')) {
    const key = name.slice(4);
    return (tags ?? []).filter((t) => t.Key === key).map((t) => t.Value);
  }
  if (name === 'tag-key') return (tags ?? []).map((t) => t.Key);
  if (name === 'tag-value') return (tags ?? []).map((t) => t.Value);
  return undefined;
}
