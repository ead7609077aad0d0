import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { Outcome } from '../../shared/audit-record.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { awsClientFactory } from '../audit/aws-options.js';
import { buildFilter, collectList, type FilterFlags, type RecordFilter } from '../audit/filter.js';
import { findRecord } from '../audit/find-record.js';
import { formatCsv } from '../audit/format-csv.js';
import { formatShow } from '../audit/format-show.js';
import { formatTable } from '../audit/format-table.js';
import { toOcsf } from '../audit/ocsf.js';
import { renderReportHtml } from '../audit/report-html.js';
import { computeReportStats } from '../audit/report-stats.js';
import {
  describeSignatures,
  kmsClientFor,
  resolveVerifier,
  type SignatureFlags,
  signatureOptions,
  signatureProblems,
  summarizeSignatures,
} from '../audit/signatures.js';
import {
  loadRecords,
  resolveSource,
  type SourceFlags,
  sourceName,
  type TrailSource,
} from '../audit/source.js';
import { wantsColour } from '../audit/terminal-text.js';
import { readTrailFile } from '../audit/trail-file.js';
import { verifyChain } from '../audit/verify-chain.js';
import { verifyS3Trail } from '../audit/verify-s3.js';
import { CliError, ExitCode } from '../errors.js';

type Flags = Omit<SourceFlags, 'region'> &
  FilterFlags &
  SignatureFlags & { bucketRegion?: string; output?: string; html?: string; expectHead?: string };

/** The options every `audit` subcommand takes to find the trail. */
function sourceOptions(command: Command): Command {
  return signatureOptions(command, 'on for --bucket, off for --file')
    .option('--file <path>', 'a local NDJSON audit trail (written by the file sink)')
    .option('--bucket <name>', 'the S3 audit bucket (Object Lock)')
    .option('--prefix <prefix>', 'key prefix of the records in the bucket', 'audit/')
    .option('--bucket-owner <account>', 'the account that owns the audit bucket (ExpectedBucketOwner)')
    .option(
      '--bucket-region <region>',
      'region of the audit bucket (default: AWS_REGION, or the one --region)',
    )
    .option('--profile <name>', 'AWS profile from the shared config/credentials files')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint instead of AWS');
}

/** The filter options of list, report and verify. */
function filterOptions(command: Command, what: string): Command {
  return command
    .option('--since <time>', `${what} at or after: ISO time or a duration before now (30m, 24h, 7d)`)
    .option('--until <time>', `${what} at or before: ISO time or a duration before now`)
    .option('--resource <id>', 'resource id (repeatable, or a comma list)', collectList)
    .option('--remediation <id>', `remediation (${REMEDIATIONS.map((r) => r.id).join(', ')})`, collectList)
    .option('--rule <name>', 'Config rule name (repeatable, or a comma list)', collectList)
    .option(
      '--outcome <outcome>',
      `outcome: ${Object.keys(Outcome).join(', ')} (repeatable, or a comma list)`,
      collectList,
    )
    .option('--account <id>', '12-digit account id (repeatable, or a comma list)', collectList)
    .option('--region <region>', 'region the record is about (repeatable, or a comma list)', collectList)
    .option('--mode <mode>', 'enforce, dry-run or plan (repeatable, or a comma list)', collectList);
}

/**
 * The source flags: `--region` filters records by the region they are about, so the bucket's own
 * region is `--bucket-region` (default AWS_REGION, else the single `--region` given).
 */
function sourceFlags(o: Flags): SourceFlags {
  const { region: _filter, bucketRegion, ...rest } = o;
  const region = bucketRegion ?? process.env.AWS_REGION ?? (o.region?.length === 1 ? o.region[0] : undefined);
  return { ...rest, ...(region ? { region } : {}) };
}

/** Signatures are required of an S3 trail unless the flags say otherwise; a local trail only reports them. */
function signatureRequired(o: Flags, source: TrailSource): boolean {
  return o.requireSignature ?? source.kind === 's3';
}

/** The verifier the signature flags ask for (KMS in the bucket's region, unless the key is an ARN). */
function verifierFor(o: Flags, source: TrailSource): Promise<SignatureVerifier | undefined> {
  const flags = sourceFlags(o);
  let clients: ClientFactory | undefined = source.kind === 's3' ? source.clients : undefined;
  return resolveVerifier(o, (key) => {
    clients ??= awsClientFactory(flags);
    return kmsClientFor(clients, key, flags.region);
  });
}

/** What the records' signatures say, for list and report: warnings, never a failure. */
async function signatureLines(
  o: Flags,
  source: TrailSource,
  records: readonly AuditRecord[],
): Promise<{ lines: string[]; problems: number }> {
  const required = signatureRequired(o, source);
  const summary = await summarizeSignatures(records, await verifierFor(o, source));
  const lines = describeSignatures(summary, records.length, required);
  if (required && !summary.checkedWith && records.length) {
    lines.push(
      'signatures are expected of this trail but were not checked: pass --signing-key or --public-key',
    );
  }
  return { lines, problems: signatureProblems(summary, required) };
}

function titles(): Record<string, string> {
  return Object.fromEntries(REMEDIATIONS.map((r) => [r.id, r.title]));
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      'Read, filter, export, verify and report on the audit trail (local NDJSON file or the S3 bucket).',
    )
    .addHelpText(
      'after',
      `
Examples:
  airlock audit list --file audit.ndjson --since 24h
  airlock audit verify --bucket acme-airlock-audit --bucket-region eu-west-2 --since 7d
  airlock audit report --file audit.ndjson --html report.html`,
    );

  filterOptions(sourceOptions(audit.command('list')), 'records')
    .description('List audit records, filtered, as a table or exported (json, ndjson, csv, ocsf).')
    .addOption(
      new Option('--output <format>', 'output format')
        .choices(['table', 'json', 'ndjson', 'csv', 'ocsf'])
        .default('table'),
    )
    .addHelpText(
      'after',
      `
Examples:
  airlock audit list --file audit.ndjson --since 24h --outcome FAILED,SUPPRESSED
  airlock audit list --bucket acme-airlock-audit --bucket-region eu-west-2 --since 7d --output csv > week.csv
  airlock audit list --file audit.ndjson --output ocsf > ocsf.ndjson   # OCSF 1.3 Remediation Activity (7001)`,
    )
    .action(async (o: Flags) => {
      const now = Date.now();
      const filter = buildFilter(o, now);
      const source = resolveSource(sourceFlags(o));
      const records = await loadRecords(source, filter, now);
      for (const line of (await signatureLines(o, source, records)).lines) process.stderr.write(`${line}\n`);
      const out = process.stdout;
      switch (o.output) {
        case 'json':
          out.write(`${JSON.stringify(records, null, 2)}\n`);
          break;
        case 'ndjson':
          out.write(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
          break;
        case 'csv':
          out.write(formatCsv(records));
          break;
        case 'ocsf': {
          const t = titles();
          out.write(records.map((r) => `${JSON.stringify(toOcsf(r, t))}\n`).join(''));
          break;
        }
        default:
          out.write(formatTable(records, { colour: wantsColour(out) }));
      }
    });

  sourceOptions(audit.command('show'))
    .description(
      'Show one record in full: event, state before, each step with its undo, verification, digest.',
    )
    .argument('<id>', 'the record id (as `audit list` shows it)')
    .addHelpText(
      'after',
      '\nExample:\n  airlock audit show 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --file audit.ndjson',
    )
    .action(async (id: string, o: Flags) => {
      const source = resolveSource(sourceFlags(o));
      const record = await findRecord(source, id);
      const verifier = await verifierFor(o, source);
      const signature = verifier ? await verifier.verify(record) : undefined;
      process.stdout.write(
        formatShow(record, { colour: wantsColour(process.stdout), ...(signature ? { signature } : {}) }),
      );
    });

  filterOptions(sourceOptions(audit.command('verify')), 'check records')
    .description(
      "Prove the trail untouched. File: every digest and the hash chain (altered, removed, inserted, reordered records are named). S3: every object's digest, metadata, key and Object Lock retention (COMPLIANCE, retain-until in the future). Exit 0 only when all holds.",
    )
    .option(
      '--expect-head <sha256>',
      'file trail: the chain value the last record must end on (kept elsewhere)',
    )
    .addHelpText(
      'after',
      `
Examples:
  airlock audit verify --file audit.ndjson
  airlock audit verify --bucket acme-airlock-audit --bucket-region eu-west-2 --since 30d`,
    )
    .action(async (o: Flags) => {
      const now = Date.now();
      const filter = buildFilter(o, now);
      const source = resolveSource(sourceFlags(o));
      const required = signatureRequired(o, source);
      const verifier = await verifierFor(o, source);
      if (required && !verifier) {
        throw new CliError(
          `signatures are required of ${source.kind === 's3' ? 'the S3 trail' : 'this trail'}: pass --signing-key (or AIRLOCK_SIGNING_KEY) or --public-key, or --no-require-signature to check digests only`,
          ExitCode.BAD_INPUT,
        );
      }
      const ok =
        source.kind === 'file'
          ? await verifyFileTrail(source.path, filter, o.expectHead, verifier, required)
          : await verifyBucketTrail(source, filter, now, verifier, required);
      if (!ok) process.exitCode = ExitCode.FAILED;
    });

  filterOptions(sourceOptions(audit.command('report')), 'records')
    .description(
      'Write one self-contained HTML page for the SOC: charts by outcome over time, counts, latency, failures, expiring exemptions.',
    )
    .requiredOption('--html <file>', 'where to write the HTML page')
    .addHelpText(
      'after',
      '\nExample:\n  airlock audit report --file audit.ndjson --since 30d --html report.html',
    )
    .action(async (o: Flags) => {
      const now = Date.now();
      const filter = buildFilter(o, now);
      const source = resolveSource(sourceFlags(o));
      const records = await loadRecords(source, filter, now);
      const { lines, problems } = await signatureLines(o, source, records);
      for (const line of lines) process.stderr.write(`${line}\n`);
      const html = renderReportHtml(computeReportStats(records, now), {
        signatures: lines,
        signatureProblems: problems,
        source: sourceName(source),
        ...(o.since || o.until ? { scope: `from ${o.since ?? 'the start'} to ${o.until ?? 'now'}` } : {}),
      });
      try {
        await writeFile(o.html!, html, 'utf8');
      } catch (error) {
        throw new CliError(`cannot write ${o.html}: ${describeError(error).message}`, ExitCode.BAD_INPUT, {
          cause: error,
        });
      }
      process.stdout.write(`wrote ${o.html} (${records.length} record(s))\n`);
    });
}

/** Verifies a local trail: digests, chain, and signatures when a key is given. True when all holds. */
async function verifyFileTrail(
  path: string,
  filter: RecordFilter,
  expectHead: string | undefined,
  verifier: SignatureVerifier | undefined,
  required: boolean,
): Promise<boolean> {
  if (Object.keys(filter).length) {
    throw new CliError('a local trail is verified whole: filters apply to --bucket only', ExitCode.BAD_INPUT);
  }
  const trail = await readTrailFile(path);
  const report = verifyChain(trail, expectHead);
  const records = trail.entries.map((e) => e.record);
  const signatures = await summarizeSignatures(records, verifier);
  for (const p of report.problems) process.stdout.write(`${path}: ${p.message}\n`);
  const lines = describeSignatures(signatures, records.length, required);
  for (const line of lines) process.stdout.write(`${path}: ${line}\n`);
  const problems = report.problems.length + signatureProblems(signatures, required);
  if (problems) {
    process.stdout.write(`FAILED: ${problems} problem(s) in ${report.records} record(s)\n`);
    return false;
  }
  process.stdout.write(
    `OK: ${report.records} record(s), digests${signatures.checkedWith ? `, signatures (${signatures.valid})` : ''} and chain verified; head ${report.head}\n`,
  );
  return true;
}

/** Verifies the S3 trail object by object, and the signatures. True when all holds. */
async function verifyBucketTrail(
  source: Extract<TrailSource, { kind: 's3' }>,
  filter: RecordFilter,
  now: number,
  verifier: SignatureVerifier | undefined,
  required: boolean,
): Promise<boolean> {
  let report: Awaited<ReturnType<typeof verifyS3Trail>>;
  try {
    report = await verifyS3Trail(source.trail, filter, now, {
      ...(verifier ? { verifier } : {}),
      requireSignature: required,
    });
  } catch (error) {
    const e = describeError(error);
    throw new CliError(`cannot read ${sourceName(source)}: ${e.name}: ${e.message}`, ExitCode.FAILED, {
      cause: error,
    });
  }
  for (const p of report.problems) {
    process.stdout.write(`s3://${source.trail.bucket}/${p.key}${p.id ? ` (${p.id})` : ''}: ${p.message}\n`);
  }
  const signed = report.signatures.checkedWith
    ? `, ${report.signatures.valid} signature(s) verified with ${report.signatures.checkedWith}`
    : ', signatures not checked';
  if (report.problems.length) {
    process.stdout.write(`FAILED: ${report.problems.length} problem(s) in ${report.objects} object(s)\n`);
    return false;
  }
  process.stdout.write(
    `OK: ${report.objects} object(s): digests, keys, ids and Object Lock retention verified${signed}\n`,
  );
  return true;
}
