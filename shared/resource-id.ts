import { checkResourceId, findResourceKind } from './resource-kind.js';

/**
 * The problem with `id` as a resource of the Config type `resourceType`, in words, or undefined when
 * the id is valid. Checked before any AWS call so that a hostile or malformed id never reaches an API,
 * an S3 key or a log line unchecked. The formats are the resource kinds the remediations define
 * (`functions/<id>/resource-kind.ts`); a type no loaded remediation defines is refused.
 *
 * @example
 * ```ts
 * validateResourceId('AWS::EC2::SecurityGroup', 'sg-0123456789abcdef0'); // undefined: valid
 * validateResourceId('AWS::EC2::SecurityGroup', '../etc/passwd'); // 'is not a security group id (sg- and 8 or 17 hex digits)'
 * ```
 */
export function validateResourceId(resourceType: string, id: string): string | undefined {
  const kind = findResourceKind(resourceType);
  if (!kind) return `resource type ${resourceType} is not one airlock remediates`;
  return checkResourceId(kind, id);
}

/** Account ids are 12 digits. */
export const ACCOUNT_ID = /^\d{12}$/;
/** Region names such as eu-west-2, us-gov-west-1, cn-north-1. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * Shows an untrusted string safely in a message: control characters escaped, length capped.
 */
export function quote(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return JSON.stringify(cut);
}
