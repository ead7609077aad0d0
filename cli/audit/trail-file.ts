import { readFile } from 'node:fs/promises';
import type { AuditRecord } from '../../shared/audit-record.js';
import { AUDIT_SCHEMA } from '../../shared/audit-record.js';
import { CliError, ExitCode } from '../errors.js';

/** One line of a local NDJSON trail: the record as read, its `chain` link, where it stands. */
export interface TrailEntry {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly record: AuditRecord;
  /** The chain link the file sink wrote beside the record (undefined when missing). */
  readonly chain: string | undefined;
}

/** A line that is not an audit record, with why. */
export interface TrailLineProblem {
  readonly line: number;
  readonly problem: string;
}

export interface ParsedTrail {
  readonly entries: readonly TrailEntry[];
  readonly problems: readonly TrailLineProblem[];
}

/** Why a parsed JSON value is not an airlock audit record, or undefined when it has the record's shape. */
export function recordShapeProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.schema !== AUDIT_SCHEMA) return `schema is ${JSON.stringify(r.schema)}, not "${AUDIT_SCHEMA}"`;
  for (const key of ['id', 'time', 'remediation', 'outcome', 'mode', 'reason'] as const) {
    if (typeof r[key] !== 'string') return `"${key}" is missing or not a string`;
  }
  if (!Array.isArray(r.steps)) return '"steps" is missing or not an array';
  if (!r.resource || typeof r.resource !== 'object') return '"resource" is missing';
  const digest = r.digest as { value?: unknown } | undefined;
  if (!digest || typeof digest.value !== 'string') return '"digest" is missing';
  return undefined;
}

/** Parses the text of an NDJSON trail; blank lines are skipped, every other line must be a record. */
export function parseTrail(text: string): ParsedTrail {
  const entries: TrailEntry[] = [];
  const problems: TrailLineProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/\r$/, '');
    if (!content.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      problems.push({ line, problem: `not valid JSON (${(error as Error).message})` });
      return;
    }
    const shape = recordShapeProblem(value);
    if (shape) {
      problems.push({ line, problem: `not an audit record: ${shape}` });
      return;
    }
    const { chain, ...record } = value as AuditRecord & { chain?: unknown };
    entries.push({
      line,
      record: record as AuditRecord,
      chain: typeof chain === 'string' ? chain : undefined,
    });
  });
  return { entries, problems };
}

/** Reads a trail file; a missing or unreadable file is bad input (exit 2), naming the file. */
export async function readTrailFile(path: string): Promise<ParsedTrail> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new CliError(`cannot read the audit trail ${path}: ${why}`, ExitCode.BAD_INPUT, { cause: error });
  }
  return parseTrail(text);
}

/**
 * The records of a trail for reading (list, show, report): a line that is not a record is bad input,
 * named by file and line, so that nothing is silently left out.
 */
export async function loadTrailRecords(path: string): Promise<AuditRecord[]> {
  const trail = await readTrailFile(path);
  const first = trail.problems[0];
  if (first) {
    const more = trail.problems.length > 1 ? ` (and ${trail.problems.length - 1} more bad line(s))` : '';
    throw new CliError(
      `${path}:${first.line}: ${first.problem}${more}; run \`airlock audit verify --file ${path}\` for every problem`,
      ExitCode.BAD_INPUT,
    );
  }
  return trail.entries.map((e) => e.record);
}
