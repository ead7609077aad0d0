import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { Outcome } from '../../shared/audit-record.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { awsClientFactory, resolveRegion } from '../audit/aws-options.js';
import { buildFilter, collectList, type FilterFlags, type RecordFilter } from '../audit/filter.js';
import { findRecord } from '../audit/find-record.js';
import { formatCsv } from '../audit/format-csv.js';
import { formatShow } from '../audit/format-show.js';
import { formatTable } from '../audit/format-table.js';
import {
  type IntegrityOptions,
  type IntegrityReport,
  integrityLines,
  integrityWarning,
  readCheckedTrail,
} from '../audit/integrity.js';
import { toOcsf } from '../audit/ocsf.js';
import type { ReconcileReport } from '../audit/reconcile.js';
import { type CloudTrailSource, formatReconcile, runReconcile } from '../audit/reconcile-run.js';
import { renderReportHtml } from '../audit/report-html.js';
import { computeReportStats } from '../audit/report-stats.js';
import {
  describeSignatures,
  kmsClientFor,
  resolveVerifier,
  type SignatureFlags,
  signatureOptions,
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
import { parseTimeFlag } from '../audit/time-range.js';
import { verifyS3Trail } from '../audit/verify-s3.js';
import { CliError, ExitCode } from '../errors.js';

type Flags = Omit<SourceFlags, 'region'> &
  FilterFlags &
  SignatureFlags & {
    bucketRegion?: string;
    output?: string;
    html?: string;
    expectHead?: string;
    /** false with --no-verify: read without checking. */
    verify?: boolean;
    /** false with --no-require-checkpoint: a local trail without its checkpoint is only noted. */
    requireCheckpoint?: boolean;
  };

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

/** The integrity options of the commands that read the trail (list, show, report). */
function checkOptions(command: Command): Command {
  return checkpointOption(command).option(
    '--no-verify',
    'read without checking digests, chain, checkpoint and signatures (faster; says so on stderr)',
  );
}

function checkpointOption(command: Command): Command {
  return command.option(
    '--no-require-checkpoint',
    'file trail: a missing checkpoint (<trail>.head) is noted, not a problem (trails written before checkpoints)',
  );
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

/** The trail as list, show and report read it: its records and, unless --no-verify, its integrity. */
interface ReadTrail {
  readonly records: AuditRecord[];
  readonly integrity?: IntegrityReport;
  /** What the signatures say (also without --verify: which records carry one). */
  readonly signatureLines: readonly string[];
}

/**
 * Reads the trail for list, show and report: checked whole (local) or object by object (S3) unless
 * `--no-verify`; what does not hold is written on stderr and sets exit code 1 (the output is still
 * written: the analyst sees what is there, and that it cannot be trusted).
 */
async function readTrail(
  o: Flags,
  source: TrailSource,
  filter: RecordFilter,
  now: number,
): Promise<ReadTrail> {
  const required = signatureRequired(o, source);
  const verifier = await verifierFor(o, source);
  const unchecked =
    required && !verifier
      ? ['signatures are expected of this trail but were not checked: pass --signing-key or --public-key']
      : [];
  if (o.verify === false) {
    const records = await loadRecords(source, filter, now);
    const summary = await summarizeSignatures(records, verifier);
    const lines = [
      ...describeSignatures(summary, records.length, required),
      ...(records.length ? unchecked : []),
      'integrity not checked (--no-verify)',
    ];
    for (const line of lines) process.stderr.write(`${line}\n`);
    return { records, signatureLines: lines };
  }
  const { records, integrity } = await readCheckedTrail(source, filter, now, {
    ...(verifier ? { verifier } : {}),
    requireSignature: required,
    requireCheckpoint: o.requireCheckpoint !== false,
  });
  const lines = [...integrity.signatures, ...(integrity.checked ? unchecked : [])];
  for (const line of [...lines, ...integrityWarning(integrity)]) process.stderr.write(`${line}\n`);
  if (integrity.problems.length) process.exitCode = ExitCode.FAILED;
  return { records, integrity, signatureLines: lines };
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

  checkOptions(filterOptions(sourceOptions(audit.command('list')), 'records'))
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
      const { records } = await readTrail(o, source, filter, now);
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

  checkOptions(sourceOptions(audit.command('show')))
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
      if (o.verify !== false) await warnAboutTrail(o, source, record, verifier);
      process.stdout.write(
        formatShow(record, { colour: wantsColour(process.stdout), ...(signature ? { signature } : {}) }),
      );
    });

  checkpointOption(filterOptions(sourceOptions(audit.command('verify')), 'check records'))
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
          ? await verifyFileTrail(source.path, filter, {
              ...(o.expectHead ? { expectHead: o.expectHead } : {}),
              ...(verifier ? { verifier } : {}),
              requireSignature: required,
              requireCheckpoint: o.requireCheckpoint !== false,
            })
          : await verifyBucketTrail(source, filter, now, verifier, required);
      if (!ok) process.exitCode = ExitCode.FAILED;
    });

  registerReconcile(audit);

  checkOptions(filterOptions(sourceOptions(audit.command('report')), 'records'))
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
      const { records, integrity, signatureLines } = await readTrail(o, source, filter, now);
      const html = renderReportHtml(computeReportStats(records, now), {
        signatures: signatureLines,
        ...(integrity ? { integrity } : {}),
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

type ReconcileFlags = Flags & {
  rolePrefix?: string[];
  cloudtrailFile?: string[];
  simState?: string;
  slack?: string;
  reconcileOutput?: string;
};

function registerReconcile(audit: Command): void {
  checkOptions(filterOptions(sourceOptions(audit.command('reconcile')), 'records and writes'))
    .description(
      "Every write made with airlock's roles has its record, and every APPLIED record its write: CloudTrail (LookupEvents, or exported files) against the trail, for a time range. Exit 0 when both sides match.",
    )
    .option(
      '--role-prefix <prefix>',
      "names of airlock's roles (its functions' roles and the member role); repeatable",
      collectList,
    )
    .option(
      '--cloudtrail-file <file>',
      'read CloudTrail events from a file (a CloudTrail log file, `aws cloudtrail lookup-events` output, or NDJSON) instead of LookupEvents; repeatable',
      collectList,
    )
    .option(
      '--sim-state <file>',
      "read the writes from a simulated account's state file (its change log) instead of CloudTrail",
    )
    .option(
      '--slack <duration>',
      'how far a write may be from its recorded step (clocks, whole seconds)',
      '5m',
    )
    .addOption(new Option('--output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Examples:
  airlock audit reconcile --bucket acme-airlock-audit --bucket-region eu-west-2 --region eu-west-2 --since 24h
  airlock audit reconcile --file audit.ndjson --cloudtrail-file cloudtrail.json --since 2026-11-20T00:00:00Z
  airlock audit reconcile --file demo/audit-trail.ndjson --sim-state demo/account.json --since 24h`,
    )
    .action(async (o: ReconcileFlags) => {
      const now = Date.now();
      const filter = buildFilter(o, now);
      if (filter.since === undefined)
        throw new CliError('reconcile needs --since (the start of the range)', ExitCode.BAD_INPUT);
      const slackMs = parseSlack(o.slack ?? '5m', now);
      const end = filter.until ?? now;
      const source = resolveSource(sourceFlags(o));
      // records a little before and after the range: a write at its edge may belong to one
      const widened = { ...filter, since: filter.since - slackMs, until: end + slackMs };
      const { records } = await readTrail(o, source, widened, now);
      if (o.simState && o.cloudtrailFile?.length)
        throw new CliError('give --sim-state or --cloudtrail-file, not both', ExitCode.BAD_INPUT);
      const trail: CloudTrailSource = o.simState
        ? { kind: 'sim', path: o.simState }
        : o.cloudtrailFile?.length
          ? { kind: 'files', paths: o.cloudtrailFile }
          : {
              kind: 'lookup',
              clients: source.kind === 's3' ? source.clients : awsClientFactory(sourceFlags(o)),
              // LookupEvents is regional: each --region given, else the credentials' region
              regions: o.region?.length ? o.region : [resolveRegion(sourceFlags(o))],
            };
      const report = await runReconcile(trail, records, {
        start: filter.since,
        end,
        slackMs,
        rolePrefixes: o.rolePrefix?.length ? o.rolePrefix : ['airlock-'],
        ...(o.account?.length ? { accounts: o.account } : {}),
      });
      process.stdout.write(
        o.output === 'json' ? `${JSON.stringify(reconcileJson(report), null, 2)}\n` : formatReconcile(report),
      );
      if (report.unrecorded.length || report.unmatched.length) process.exitCode = ExitCode.FAILED;
    });
}

function parseSlack(value: string, now: number): number {
  const ms = now - parseTimeFlag('--slack', value, now);
  if (!/^\d+[smhd]$/.test(value) || !(ms >= 0)) {
    throw new CliError(
      `--slack ${JSON.stringify(value)} is not a duration (30s, 5m, 1h)`,
      ExitCode.BAD_INPUT,
    );
  }
  return ms;
}

function reconcileJson(report: ReconcileReport) {
  return {
    matched: report.matched,
    writes: report.writes,
    calls: report.calls,
    unrecorded: report.unrecorded.map((w) => ({ ...w, values: [...w.values] })),
    unmatched: report.unmatched.map((c) => ({
      record: c.record.id,
      time: c.record.time,
      remediation: c.record.remediation,
      action: c.step.action,
      resource: c.resourceId,
    })),
  };
}

/** Verifies a local trail: digests, chain, checkpoint, and signatures when a key is given. True when all holds. */
async function verifyFileTrail(
  path: string,
  filter: RecordFilter,
  options: IntegrityOptions,
): Promise<boolean> {
  if (Object.keys(filter).length) {
    throw new CliError('a local trail is verified whole: filters apply to --bucket only', ExitCode.BAD_INPUT);
  }
  const { integrity: report } = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), options);
  for (const line of integrityLines(report)) process.stdout.write(`${line}\n`);
  process.stdout.write(`${path}: checkpoint: ${report.checkpoint}\n`);
  if (report.problems.length) {
    process.stdout.write(`FAILED: ${report.problems.length} problem(s) in ${report.checked} record(s)\n`);
    return false;
  }
  const signed = report.signed.checkedWith ? `, signatures (${report.signed.valid})` : '';
  process.stdout.write(
    `OK: ${report.checked} record(s), digests${signed} and chain verified; head ${report.head}\n`,
  );
  return true;
}

/**
 * For `show`: the whole trail is checked; a problem is a warning on stderr (exit 1), and the one
 * about this record, if any, is named first.
 */
async function warnAboutTrail(
  o: Flags,
  source: TrailSource,
  record: AuditRecord,
  verifier: SignatureVerifier | undefined,
): Promise<void> {
  const t = Date.parse(record.time);
  const filter: RecordFilter = source.kind === 's3' && Number.isFinite(t) ? { since: t, until: t } : {};
  const { integrity } = await readCheckedTrail(source, filter, Date.now(), {
    ...(verifier ? { verifier } : {}),
    requireSignature: signatureRequired(o, source),
    requireCheckpoint: o.requireCheckpoint !== false,
  });
  const own = integrity.problems.filter((p) => p.id === record.id);
  for (const p of own) process.stderr.write(`WARNING: this record: ${p.message}\n`);
  for (const line of integrityWarning(integrity)) process.stderr.write(`${line}\n`);
  if (integrity.problems.length) process.exitCode = ExitCode.FAILED;
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
