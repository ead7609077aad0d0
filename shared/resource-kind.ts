/**
 * A kind of AWS resource a remediation acts on: its Config resource type and its id format, defined
 * once. The same definition checks event resource ids before any AWS call (`shared/resource-id.ts`),
 * gives the SSM documents their `ResourceId` allowedPattern, and names an example id for samples,
 * docs and tests.
 *
 * @example
 * ```ts
 * export const securityGroupKind = defineResourceKind({
 *   type: 'AWS::EC2::SecurityGroup',
 *   pattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$',
 *   words: 'a security group id (sg- and 8 or 17 hex digits)',
 *   example: 'sg-0123456789abcdef0',
 * });
 * checkResourceId(securityGroupKind, '../etc/passwd'); // 'is not a security group id (sg- and 8 or 17 hex digits)'
 * ```
 */
export interface ResourceKind {
  /** The Config resource type (`AWS::EC2::SecurityGroup`). */
  readonly type: string;
  /**
   * The id format as a regular expression source, anchored (`^…$`), in the syntax JavaScript and SSM's
   * `allowedPattern` read alike (no lookaround, no flags). It admits no quote, backslash, brace, space or
   * control character, so an id can never break out of the JSON or the log line it is placed in.
   */
  readonly pattern: string;
  /** The format in words, with its article: `a security group id (sg- and 8 or 17 hex digits)`. */
  readonly words: string;
  /**
   * Optional: rules beyond the pattern, for ids the pattern admits (S3: no two adjacent dots, no
   * reserved prefix). Returns the problem in words (`is not a bucket name (…)`), or undefined.
   */
  readonly check?: (id: string) => string | undefined;
  /** A valid id: examples, sample events, tests. */
  readonly example: string;
}

const DEFINED = new Map<string, { readonly kind: ResourceKind; readonly regex: RegExp }>();

/**
 * Defines a resource kind and makes it known to {@link findResourceKind} (so to `validateResourceId`).
 * Defining a type twice is allowed for the very same definition only.
 *
 * @example
 * ```ts
 * export const routeTableKind = defineResourceKind({ type: 'AWS::EC2::RouteTable', pattern: '^rtb-([0-9a-f]{8}|[0-9a-f]{17})$', words: 'a route table id (rtb- and 8 or 17 hex digits)', example: 'rtb-0123456789abcdef0' });
 * ```
 */
export function defineResourceKind(kind: ResourceKind): ResourceKind {
  if (!kind.pattern.startsWith('^') || !kind.pattern.endsWith('$')) {
    throw new Error(`resource kind ${kind.type}: the pattern must be anchored with ^ and $`);
  }
  const known = DEFINED.get(kind.type);
  if (known && known.kind !== kind) {
    throw new Error(`resource kind ${kind.type} is defined twice: define it once and import it`);
  }
  const regex = new RegExp(kind.pattern);
  if (checkWith(kind, regex, kind.example) !== undefined) {
    throw new Error(`resource kind ${kind.type}: its example ${JSON.stringify(kind.example)} is not valid`);
  }
  DEFINED.set(kind.type, { kind, regex });
  return kind;
}

/**
 * The kind defined for a Config resource type, or undefined. Kinds are defined by the remediation
 * modules that act on them: a bundle knows the kinds of the remediations it holds.
 *
 * @example
 * ```ts
 * findResourceKind('AWS::EC2::SecurityGroup')?.example; // 'sg-0123456789abcdef0'
 * ```
 */
export function findResourceKind(type: string): ResourceKind | undefined {
  return DEFINED.get(type)?.kind;
}

/**
 * The problem with `id` as a resource of this kind, in words, or undefined when it is valid.
 *
 * @example
 * ```ts
 * checkResourceId(bucketKind, 'logs..example'); // 'is not a bucket name (two adjacent dots)'
 * ```
 */
export function checkResourceId(kind: ResourceKind, id: string): string | undefined {
  return checkWith(kind, regexOf(kind), id);
}

function regexOf(kind: ResourceKind): RegExp {
  const known = DEFINED.get(kind.type);
  return known?.kind === kind ? known.regex : new RegExp(kind.pattern);
}

function checkWith(kind: ResourceKind, regex: RegExp, id: string): string | undefined {
  if (!regex.test(id)) return `is not ${kind.words}`;
  return kind.check?.(id);
}
