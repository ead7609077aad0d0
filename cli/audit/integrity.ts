import type { AuditRecord } from '../../shared/audit-record.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import { describeError } from '../../shared/errors.js';
import { CliError, ExitCode } from '../errors.js';
import { checkCheckpoint, readCheckpoint } from './checkpoint.js';
import type { RecordFilter } from './filter.js';
import { filterRecords } from './filter.js';
import { checkSignatures, describeSignatures, summaryOf } from './signatures.js';
import type { TrailSource } from './source.js';
import { sourceName } from './source.js';
import { readTrailFile } from './trail-file.js';
import { verifyChain } from './verify-chain.js';
import { verifyS3Trail } from './verify-s3.js';

/** One thing wrong with the trail: where (a file's line, an S3 key), which record, what. */
export interface IntegrityProblem {
  /** What broke: the hash chain or a digest, the checkpoint, a signature, an S3 object. */
  readonly kind: 'chain' | 'checkpoint' | 'signature' | 'object';
  /** The line of a local trail (0: the trail as a whole), absent for S3. */
  readonly line?: number;
  /** The S3 key, absent for a local trail. */
  readonly key?: string;
  readonly id?: string;
  readonly message: string;
}

/** What reading the trail proved: how much was checked, where the chain ends, what is wrong. */
export interface IntegrityReport {
  readonly source: string;
  readonly kind: 'file' | 's3';
  /** Records (local trail: all of them, whatever the filter) or objects (S3: those the filter selects) checked. */
  readonly checked: number;
  /** The chain value of the last record (local trail). */
  readonly head?: string;
  /** What the checkpoint says (local trail). */
  readonly checkpoint?: string;
  /** The signature lines ({@link describeSignatures}). */
  readonly signatures: readonly string[];
  /** How many records are validly signed, and with which key. */
  readonly signed: { readonly valid: number; readonly checkedWith?: string };
  readonly problems: readonly IntegrityProblem[];
}

export interface IntegrityOptions {
  readonly verifier?: SignatureVerifier;
  /** An unsigned record (and checkpoint) is a problem. */
  readonly requireSignature: boolean;
  /** A local trail without a checkpoint is a problem. */
  readonly requireCheckpoint: boolean;
  /** The chain value the local trail must end on, kept elsewhere. */
  readonly expectHead?: string;
}

/** The trail's records (filtered, oldest first) and what checking all of it found. */
export interface CheckedTrail {
  readonly records: AuditRecord[];
  readonly integrity: IntegrityReport;
}

/**
 * Reads a trail and checks it in one pass. Local trail: every line's digest, the hash chain, the
 * checkpoint beside it and the signatures, over the whole file (a filter selects what is returned,
 * never what is checked: a removed record shows whatever the filter). S3: each object the filter
 * selects ({@link verifyS3Trail}).
 */
export async function readCheckedTrail(
  source: TrailSource,
  filter: RecordFilter,
  now: number,
  options: IntegrityOptions,
): Promise<CheckedTrail> {
  return source.kind === 'file'
    ? checkFileTrail(source.path, filter, options)
    : checkBucketTrail(source, filter, now, options);
}

async function checkFileTrail(
  path: string,
  filter: RecordFilter,
  options: IntegrityOptions,
): Promise<CheckedTrail> {
  const trail = await readTrailFile(path);
  const chain = verifyChain(trail, options.expectHead);
  const records = trail.entries.map((e) => e.record);
  const checks = options.verifier ? await checkSignatures(records, options.verifier) : undefined;
  const summary = summaryOf(records, checks, options.verifier?.source);
  const checkpoint = await checkCheckpoint(await readCheckpoint(path), trail.entries, {
    required: options.requireCheckpoint,
    requireSignature: options.requireSignature,
    ...(options.verifier ? { verifier: options.verifier } : {}),
  });
  const signatureProblems: IntegrityProblem[] = [];
  trail.entries.forEach((e, i) => {
    const check = checks?.[i];
    const base = { kind: 'signature' as const, line: e.line, id: e.record.id };
    if (check?.status === 'invalid') {
      signatureProblems.push({
        ...base,
        message: `line ${e.line} (${e.record.id}): INVALID signature: ${check.reason}`,
      });
    }
    const unsigned = checks ? check?.status === 'unsigned' : !e.record.signature;
    if (options.requireSignature && unsigned) {
      signatureProblems.push({
        ...base,
        message: `line ${e.line} (${e.record.id}): unsigned where a signature is required`,
      });
    }
  });
  const problems: IntegrityProblem[] = [
    ...chain.problems.map((p) => ({
      kind: 'chain' as const,
      line: p.line,
      ...(p.id ? { id: p.id } : {}),
      message: p.message,
    })),
    ...checkpoint.problems.map((p) => ({ kind: 'checkpoint' as const, ...p })),
    ...signatureProblems,
  ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return {
    records: filterRecords(records, filter),
    integrity: {
      source: path,
      kind: 'file',
      checked: chain.records,
      head: chain.head,
      checkpoint: checkpoint.summary,
      signatures: describeSignatures(summary, records.length, options.requireSignature),
      signed: { valid: summary.valid, ...(summary.checkedWith ? { checkedWith: summary.checkedWith } : {}) },
      problems,
    },
  };
}

async function checkBucketTrail(
  source: Extract<TrailSource, { kind: 's3' }>,
  filter: RecordFilter,
  now: number,
  options: IntegrityOptions,
): Promise<CheckedTrail> {
  let report: Awaited<ReturnType<typeof verifyS3Trail>>;
  try {
    report = await verifyS3Trail(source.trail, filter, now, {
      ...(options.verifier ? { verifier: options.verifier } : {}),
      requireSignature: options.requireSignature,
    });
  } catch (error) {
    const e = describeError(error);
    throw new CliError(`cannot read ${sourceName(source)}: ${e.name}: ${e.message}`, ExitCode.FAILED, {
      cause: error,
    });
  }
  const url = (key: string) => `s3://${source.trail.bucket}/${key}`;
  return {
    records: filterRecords(report.records, filter),
    integrity: {
      source: sourceName(source),
      kind: 's3',
      checked: report.objects,
      signatures: describeSignatures(report.signatures, report.records.length, options.requireSignature),
      signed: {
        valid: report.signatures.valid,
        ...(report.signatures.checkedWith ? { checkedWith: report.signatures.checkedWith } : {}),
      },
      problems: report.problems.map((p) => ({
        kind: /signature|unsigned/.test(p.message) ? ('signature' as const) : ('object' as const),
        key: p.key,
        ...(p.id ? { id: p.id } : {}),
        message: `${url(p.key)}${p.id ? ` (${p.id})` : ''}: ${p.message}`,
      })),
    },
  };
}

/**
 * The integrity lines for a terminal: each problem, then the signatures. Signature problems are told
 * by the signature lines, so they are not repeated.
 */
export function integrityLines(report: IntegrityReport): string[] {
  const prefix = report.kind === 'file' ? `${report.source}: ` : '';
  return [
    ...report.problems.filter((p) => p.kind !== 'signature').map((p) => `${prefix}${p.message}`),
    ...report.signatures.map((line) => `${prefix}${line}`),
  ];
}

/**
 * The warning that list, show, report and the export print on stderr when the trail does not hold:
 * every problem, and how to see them all.
 */
export function integrityWarning(report: IntegrityReport): string[] {
  if (!report.problems.length) return [];
  return [
    `WARNING: the trail ${report.source} does not verify: ${report.problems.length} problem(s) in ${report.checked} record(s)`,
    ...report.problems.map((p) => `  ${p.message}`),
  ];
}
