import { S3Client } from '@aws-sdk/client-s3';
import type { AuditRecord } from '../../shared/audit-record.js';
import type { AuditSink } from '../../shared/audit-sinks.js';
import { fileSink, s3Sink } from '../../shared/audit-sinks.js';
import type { ClientFactory } from '../../shared/clients.js';
import { CliError, ExitCode } from '../errors.js';
import { type AwsFlags, awsClientFactory, resolveRegion } from './aws-options.js';
import type { RecordFilter } from './filter.js';
import { filterRecords } from './filter.js';
import { loadTrailRecords } from './trail-file.js';
import { loadS3Records, type S3Trail } from './trail-s3.js';

/** Where the trail is read from, as the flags say: `--file PATH` or `--bucket NAME [--prefix P]`. */
export interface SourceFlags extends AwsFlags {
  readonly file?: string;
  readonly bucket?: string;
  readonly prefix?: string;
  /** The account that must own the bucket (`ExpectedBucketOwner`). */
  readonly bucketOwner?: string;
}

export type TrailSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 's3'; readonly trail: S3Trail; readonly clients: ClientFactory };

/** Resolves the source flags; exactly one of --file and --bucket. */
export function resolveSource(flags: SourceFlags, clients?: ClientFactory): TrailSource {
  if (flags.file && flags.bucket) {
    throw new CliError('give either --file or --bucket, not both', ExitCode.BAD_INPUT);
  }
  if (flags.file) return { kind: 'file', path: flags.file };
  if (flags.bucket) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(flags.bucket)) {
      throw new CliError(`--bucket ${JSON.stringify(flags.bucket)} is not a bucket name`, ExitCode.BAD_INPUT);
    }
    if (flags.bucketOwner !== undefined && !/^\d{12}$/.test(flags.bucketOwner)) {
      throw new CliError(
        `--bucket-owner ${JSON.stringify(flags.bucketOwner)} is not a 12-digit account id`,
        ExitCode.BAD_INPUT,
      );
    }
    const region = resolveRegion(flags);
    const factory = clients ?? awsClientFactory(flags);
    return {
      kind: 's3',
      clients: factory,
      trail: {
        s3: factory.get(S3Client, { region }),
        bucket: flags.bucket,
        prefix: flags.prefix ?? 'audit/',
        ...(flags.bucketOwner ? { expectedOwner: flags.bucketOwner } : {}),
      },
    };
  }
  throw new CliError(
    'no audit trail given: pass --file TRAIL.ndjson (a local trail) or --bucket NAME (the S3 audit bucket)',
    ExitCode.BAD_INPUT,
  );
}

/** Describes the source for messages: the file path or the s3:// URL. */
export function sourceName(source: TrailSource): string {
  return source.kind === 'file' ? source.path : `s3://${source.trail.bucket}/${source.trail.prefix}`;
}

/** The records of the source that pass the filter, oldest first. */
export async function loadRecords(
  source: TrailSource,
  filter: RecordFilter,
  now: number,
): Promise<AuditRecord[]> {
  const records =
    source.kind === 'file'
      ? await loadTrailRecords(source.path)
      : await loadS3Records(source.trail, filter, now);
  return filterRecords(records, filter);
}

/** The sink that appends to the same trail (the rollback's own record). */
export function sinkFor(source: TrailSource): AuditSink {
  return source.kind === 'file'
    ? fileSink(source.path)
    : s3Sink(
        source.trail.s3 as S3Client,
        source.trail.bucket,
        source.trail.prefix,
        source.trail.expectedOwner ? { expectedOwner: source.trail.expectedOwner } : {},
      );
}
