import type { AuditRecord } from '../../shared/audit-record.js';
import { isRecordId, recordKey } from '../../shared/audit-record.js';
import { CliError, ExitCode } from '../errors.js';
import type { TrailSource } from './source.js';
import { sourceName } from './source.js';
import { readTrailFile } from './trail-file.js';
import { cleanPrefix, loadS3Objects } from './trail-s3.js';

/** When the record was started: a UUIDv7 carries its creation time in its first 48 bits. */
export function recordIdTime(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/** How long after it started a record may be completed (a remediation or a rollback takes minutes). */
const MAX_RECORD_SPAN_MS = 86_400_000;

/**
 * Why a record's times disagree with its id, or undefined: the id is made when the record is started
 * (`startedAt`), and the record is completed (`time`) less than a day later. A copy of a record moved
 * to another day (another S3 partition) and sealed again keeps its id and gives itself away here.
 */
export function idTimeProblem(record: AuditRecord): string | undefined {
  if (!isRecordId(record.id)) return `the id ${JSON.stringify(record.id)} is not a record id`;
  const made = recordIdTime(record.id);
  const started = Date.parse(record.startedAt);
  const ended = Date.parse(record.time);
  if (started !== made) {
    return `the id was made at ${new Date(made).toISOString()}, but the record says it started at ${String(record.startedAt)}`;
  }
  if (!(ended >= started && ended - started < MAX_RECORD_SPAN_MS)) {
    return `the record's time ${String(record.time)} is not within a day after it started (${record.startedAt})`;
  }
  return undefined;
}

function notFound(source: TrailSource, id: string): CliError {
  return new CliError(`no record ${id} in ${sourceName(source)}`, ExitCode.BAD_INPUT);
}

function ambiguous(source: TrailSource, id: string, where: readonly string[]): CliError {
  return new CliError(
    `record id ${id} appears ${where.length} times in ${sourceName(source)} (${where.join(', ')}): a record id is unique, so the trail holds a forged or duplicated record; nothing is done (run \`airlock audit verify\`)`,
    ExitCode.FAILED,
  );
}

/**
 * Finds one record by id, refusing ambiguity: an id found twice is never resolved to either. In S3
 * only the partitions of the day the id was made and the next are read (a record is completed after
 * it starts, possibly past midnight), and the record must be stored under the key its own content
 * gives (`recordKey`) with times that agree with its id.
 */
export async function findRecord(source: TrailSource, id: string): Promise<AuditRecord> {
  if (!isRecordId(id)) {
    throw new CliError(
      `${JSON.stringify(id)} is not an audit record id (a UUIDv7 such as 019a4b2c-…); \`airlock audit list\` shows them`,
      ExitCode.BAD_INPUT,
    );
  }
  const started = recordIdTime(id);
  if (source.kind === 'file') {
    const found = (await readTrailFile(source.path)).entries.filter((e) => e.record.id === id);
    if (found.length > 1)
      throw ambiguous(
        source,
        id,
        found.map((e) => `line ${e.line}`),
      );
    if (!found[0]) throw notFound(source, id);
    return found[0].record;
  }
  const filter = { since: started - 60_000, until: started + MAX_RECORD_SPAN_MS };
  const found = (await loadS3Objects(source.trail, filter, started)).filter((o) => o.record.id === id);
  if (found.length > 1)
    throw ambiguous(
      source,
      id,
      found.map((o) => o.key),
    );
  const object = found[0];
  if (!object) throw notFound(source, id);
  const expected = recordKey(object.record, cleanPrefix(source.trail.prefix));
  const problem =
    object.key !== expected
      ? `it is stored under ${object.key}, not ${expected}`
      : idTimeProblem(object.record);
  if (problem) {
    throw new CliError(
      `record ${id} in ${sourceName(source)} cannot be trusted: ${problem}; nothing is done`,
      ExitCode.FAILED,
    );
  }
  return object.record;
}
