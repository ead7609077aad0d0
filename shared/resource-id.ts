/**
 * Resource-ID formats, checked before any AWS call so that a hostile or malformed id never reaches
 * an API, an S3 key or a log line unchecked.
 *
 * @example
 * ```ts
 * validateResourceId('AWS::EC2::SecurityGroup', 'sg-0123456789abcdef0'); // undefined: valid
 * validateResourceId('AWS::EC2::SecurityGroup', '../etc/passwd'); // 'is not a security group id (sg- and 8 or 17 hex digits)'
 * ```
 */

const FORBIDDEN_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const FORBIDDEN_BUCKET_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'is not a bucket name (3 to 63 characters)';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'is not a bucket name (lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)';
  }
  if (name.includes('..')) return 'is not a bucket name (two adjacent dots)';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'is not a bucket name (formatted as an IP address)';
  if (FORBIDDEN_BUCKET_PREFIXES.some((p) => name.startsWith(p)))
    return 'is not a bucket name (reserved prefix)';
  if (FORBIDDEN_BUCKET_SUFFIXES.some((s) => name.endsWith(s)))
    return 'is not a bucket name (reserved suffix)';
  return undefined;
}

type Validator = (id: string) => string | undefined;

const pattern =
  (re: RegExp, what: string): Validator =>
  (id) =>
    re.test(id) ? undefined : what;

/** Validators per Config resource type: each returns a problem in words, or undefined when valid. */
export const RESOURCE_ID_VALIDATORS: Readonly<Record<string, Validator>> = {
  'AWS::EC2::SecurityGroup': pattern(
    /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
    'is not a security group id (sg- and 8 or 17 hex digits)',
  ),
  'AWS::S3::Bucket': bucketNameProblem,
  'AWS::EKS::Cluster': pattern(
    /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
    'is not an EKS cluster name (1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit)',
  ),
  'AWS::EC2::RouteTable': pattern(
    /^rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
    'is not a route table id (rtb- and 8 or 17 hex digits)',
  ),
  'AWS::EC2::TransitGatewayRouteTable': pattern(
    /^tgw-rtb-(?:[0-9a-f]{8}|[0-9a-f]{17})$/,
    'is not a transit gateway route table id (tgw-rtb- and 8 or 17 hex digits)',
  ),
};

/** The problem with `id` for `resourceType` in words, or undefined when the id is valid. */
export function validateResourceId(resourceType: string, id: string): string | undefined {
  const validator = RESOURCE_ID_VALIDATORS[resourceType];
  if (!validator) return `resource type ${resourceType} is not one airlock remediates`;
  return validator(id);
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
