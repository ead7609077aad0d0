import { digestOf, verifyRecordDigest } from '../../shared/audit-record.js';
import { CHAIN_GENESIS, chainLink } from '../../shared/audit-sinks.js';
import type { ParsedTrail, TrailEntry } from './trail-file.js';

/** One thing wrong with a trail, named: where (line, record id) and what. */
export interface TrailProblem {
  readonly line: number;
  readonly id?: string;
  readonly kind:
    | 'unreadable'
    | 'altered'
    | 'resealed-or-removed'
    | 'inserted'
    | 'reordered'
    | 'no-chain'
    | 'duplicate'
    | 'head-mismatch';
  readonly message: string;
}

export interface ChainReport {
  readonly records: number;
  /** The chain value of the last record: compare it with a copy kept elsewhere to detect truncation. */
  readonly head: string;
  readonly problems: readonly TrailProblem[];
}

const label = (e: TrailEntry) => `line ${e.line} (${e.record.id})`;

/**
 * Checks a local trail: every record's digest against its content, and the hash chain (`chain` =
 * SHA-256 over the previous link and the record's digest) so that an altered, removed, inserted or
 * reordered record is named: its line, its id and what is wrong.
 *
 * A record that was altered and sealed again with a fresh digest, and a record removed just before
 * a line, break the chain in the same place and cannot be told apart from the file alone: both are
 * named at that line. Records removed from the end are only found with `expectHead` (the head of
 * the chain as kept elsewhere).
 *
 * @example
 * ```ts
 * const report = verifyChain(parseTrail(text));
 * report.problems; // [{ line: 3, id: '019…', kind: 'altered', message: '…' }]
 * ```
 */
export function verifyChain(trail: ParsedTrail, expectHead?: string): ChainReport {
  const problems: TrailProblem[] = trail.problems.map((p) => ({
    line: p.line,
    kind: 'unreadable' as const,
    message: `line ${p.line}: ${p.problem}`,
  }));
  const entries = trail.entries;
  const seen = new Map<string, number>();
  for (const e of entries) {
    const first = seen.get(e.record.id);
    if (first !== undefined) {
      problems.push({
        line: e.line,
        id: e.record.id,
        kind: 'duplicate',
        message: `${label(e)}: the same record id already appears on line ${first}`,
      });
    } else seen.set(e.record.id, e.line);
    if (!verifyRecordDigest(e.record)) {
      problems.push({
        line: e.line,
        id: e.record.id,
        kind: 'altered',
        message: `${label(e)}: altered: the content does not match its digest (sealed ${e.record.digest.value.slice(0, 12)}…, content gives ${digestOf(e.record).slice(0, 12)}…)`,
      });
    }
  }

  const follows = (previous: string, e: TrailEntry | undefined) =>
    e !== undefined && e.chain !== undefined && e.chain === chainLink(previous, e.record.digest.value);

  let previous = CHAIN_GENESIS;
  let beforePrevious: string | undefined;
  let previousEntry: TrailEntry | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const next = entries[i + 1];
    if (e.chain === undefined) {
      problems.push({
        line: e.line,
        id: e.record.id,
        kind: 'no-chain',
        message: `${label(e)}: no chain field`,
      });
      continue;
    }
    if (follows(previous, e)) {
      beforePrevious = previous;
      previous = e.chain;
      previousEntry = e;
      continue;
    }
    // swapped with the next line: the next one follows from here, and this one from the next
    if (next?.chain !== undefined && follows(previous, next) && follows(next.chain, e)) {
      problems.push({
        line: e.line,
        id: e.record.id,
        kind: 'reordered',
        message: `${label(e)} and line ${next.line} (${next.record.id}) are in the wrong order (swapped)`,
      });
      beforePrevious = next.chain;
      previous = e.chain;
      previousEntry = e;
      i++;
      continue;
    }
    // the previous line was inserted with a chain of its own making: this one follows from the line before it
    if (beforePrevious !== undefined && previousEntry && follows(beforePrevious, e)) {
      problems.push({
        line: previousEntry.line,
        id: previousEntry.record.id,
        kind: 'inserted',
        message: `${label(previousEntry)}: inserted: it is not part of the chain (line ${e.line} follows from the line before it)`,
      });
      previous = e.chain;
      previousEntry = e;
      continue;
    }
    // this line was inserted: the next one follows from the previous line
    if (next && follows(previous, next)) {
      problems.push({
        line: e.line,
        id: e.record.id,
        kind: 'inserted',
        message: `${label(e)}: inserted: it is not part of the chain (line ${next.line} follows from the line before it)`,
      });
      continue;
    }
    const after = previousEntry ? `after ${label(previousEntry)}` : 'at the start of the trail';
    problems.push({
      line: e.line,
      id: e.record.id,
      kind: 'resealed-or-removed',
      message: `${label(e)}: the chain breaks here: a record was removed ${after}, or this record was altered and sealed again`,
    });
    beforePrevious = previous;
    previous = e.chain;
    previousEntry = e;
  }
  const head = previous;
  if (expectHead !== undefined && expectHead !== head) {
    problems.push({
      line: previousEntry?.line ?? 0,
      ...(previousEntry ? { id: previousEntry.record.id } : {}),
      kind: 'head-mismatch',
      message: `the chain ends at ${head}, not at the expected ${expectHead}: records were removed from the end or added`,
    });
  }
  problems.sort((a, b) => a.line - b.line);
  return { records: entries.length, head, problems };
}
