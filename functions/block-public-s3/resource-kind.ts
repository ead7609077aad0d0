import { defineResourceKind } from '../../shared/resource-kind.js';

const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** The S3 bucket naming rules the pattern cannot say (Amazon S3 User Guide, "Bucket naming rules"). */
function bucketNameProblem(name: string): string | undefined {
  if (name.includes('..')) return 'is not a bucket name (two adjacent dots)';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'is not a bucket name (formatted as an IP address)';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return 'is not a bucket name (reserved prefix)';
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return 'is not a bucket name (reserved suffix)';
  return undefined;
}

/** S3 general purpose buckets, by name. */
export const bucketKind = defineResourceKind({
  type: 'AWS::S3::Bucket',
  pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
  words:
    'a bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)',
  check: bucketNameProblem,
  example: 'payments-exports',
});
