import type { AuditRecord } from '../../shared/audit-record.js';
import { isRecordId } from '../../shared/audit-record.js';
import { CliError, ExitCode } from '../errors.js';
import type { TrailSource } from './source.js';
import { loadRecords, sourceName } from './source.js';

/** When the record was started: a UUIDv7 carries its creation time in its first 48 bits. */
export function recordIdTime(id: string): number {
  return Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

/**
 * Finds one record by id. In S3 only the partitions of the day the id was made and the next are
 * read (a record is completed after it starts, possibly past midnight).
 */
export async function findRecord(source: TrailSource, id: string): Promise<AuditRecord> {
  if (!isRecordId(id)) {
    throw new CliError(
      `${JSON.stringify(id)} is not an audit record id (a UUIDv7 such as 019a4b2c-…); \`airlock audit list\` shows them`,
      ExitCode.BAD_INPUT,
    );
  }
  const started = recordIdTime(id);
  const filter =
    source.kind === 's3' ? { since: started - 60_000, until: started + 86_400_000 } : ({} as const);
  const records = await loadRecords(source, filter, started);
  const found = records.filter((r) => r.id === id);
  if (found.length === 0) {
    throw new CliError(`no record ${id} in ${sourceName(source)}`, ExitCode.BAD_INPUT);
  }
  return found[found.length - 1]!;
}
