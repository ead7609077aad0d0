import { readFile } from 'node:fs/promises';
import {
  asSealed,
  checkpointPath,
  checkpointProblem,
  type TrailCheckpoint,
} from '../../shared/audit-checkpoint.js';
import type { SignatureVerifier } from '../../shared/audit-signer.js';
import type { TrailEntry } from './trail-file.js';

/** The checkpoint beside a trail, as read: absent, unreadable (with why), or a sealed checkpoint. */
export type CheckpointRead =
  | { readonly status: 'missing'; readonly path: string }
  | { readonly status: 'unreadable'; readonly path: string; readonly problem: string }
  | { readonly status: 'found'; readonly path: string; readonly checkpoint: TrailCheckpoint };

/** Reads `<trail>.head`; never throws for a bad file: says what is wrong with it. */
export async function readCheckpoint(trailPath: string): Promise<CheckpointRead> {
  const path = checkpointPath(trailPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing', path };
    return { status: 'unreadable', path, problem: `cannot read it (${String(code)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 'unreadable', path, problem: 'not valid JSON' };
  }
  const problem = checkpointProblem(value);
  return problem
    ? { status: 'unreadable', path, problem }
    : { status: 'found', path, checkpoint: value as TrailCheckpoint };
}

/** One disagreement between a trail and its checkpoint, at a line (0: the trail as a whole). */
export interface CheckpointProblem {
  readonly line: number;
  readonly id?: string;
  readonly message: string;
}

export interface CheckpointCheck {
  /** What the checkpoint says, in one line (for the report's integrity panel and verify). */
  readonly summary: string;
  readonly problems: readonly CheckpointProblem[];
}

export interface CheckpointCheckOptions {
  /** A missing checkpoint is a problem (the default), or only a note (trails written before checkpoints). */
  readonly required: boolean;
  /** Checks the checkpoint's signature with the trusted key. */
  readonly verifier?: SignatureVerifier;
  /** An unsigned checkpoint is a problem (when records must be signed, so must their checkpoint). */
  readonly requireSignature: boolean;
}

/**
 * Compares a trail with its checkpoint: the trail must hold exactly the checkpoint's count of
 * records and end on its chain value. Records cut from the end, a trail re-sealed from some line on,
 * and lines appended by anything but the writer are each named.
 */
export async function checkCheckpoint(
  read: CheckpointRead,
  entries: readonly TrailEntry[],
  options: CheckpointCheckOptions,
): Promise<CheckpointCheck> {
  if (read.status === 'missing') {
    const why = `no checkpoint ${read.path}: records removed from the end cannot be detected`;
    if (!entries.length) return { summary: 'no checkpoint (empty trail)', problems: [] };
    return options.required
      ? {
          summary: `missing (${read.path})`,
          problems: [
            { line: 0, message: `${why} (--no-require-checkpoint accepts a trail written without one)` },
          ],
        }
      : { summary: `none: ${why}`, problems: [] };
  }
  if (read.status === 'unreadable') {
    return {
      summary: `unreadable (${read.path})`,
      problems: [{ line: 0, message: `checkpoint ${read.path}: ${read.problem}` }],
    };
  }
  const c = read.checkpoint;
  const problems = [...compareEnd(c, entries), ...(await signatureOf(c, options))];
  const signed = c.signature ? (options.verifier ? 'signed' : 'signed, signature not checked') : 'unsigned';
  return { summary: `${c.records} record(s), head ${c.head} (${signed}, written ${c.time})`, problems };
}

function compareEnd(c: TrailCheckpoint, entries: readonly TrailEntry[]): CheckpointProblem[] {
  const last = entries[entries.length - 1];
  if (entries.length === c.records && last?.chain === c.head) return [];
  const at = entries.findIndex((e) => e.chain === c.head);
  const lastLine = last?.line ?? 0;
  if (at >= 0 && at === c.records - 1 && entries.length > c.records) {
    const extra = entries[at + 1]!;
    return [
      {
        line: extra.line,
        id: extra.record.id,
        message: `line ${extra.line} (${extra.record.id}) and after: ${entries.length - c.records} record(s) after the checkpoint's head: appended by something other than the trail's writer (or the writer stopped before updating the checkpoint)`,
      },
    ];
  }
  if (entries.length < c.records) {
    return [
      {
        line: lastLine,
        message: `truncated: the trail holds ${entries.length} record(s), its checkpoint ${c.records} (last ${c.lastId}): records were removed${at >= 0 ? ' from the end' : ''}`,
      },
    ];
  }
  return [
    {
      line: lastLine,
      message: `the chain ends at ${last?.chain ?? 'nothing'}, its checkpoint at ${c.head} (${c.records} record(s), last ${c.lastId}): the trail was rewritten or re-sealed without its checkpoint`,
    },
  ];
}

async function signatureOf(
  c: TrailCheckpoint,
  options: CheckpointCheckOptions,
): Promise<CheckpointProblem[]> {
  if (!options.verifier) return [];
  const check = await options.verifier.verify(asSealed(c));
  if (check.status === 'invalid') {
    return [{ line: 0, message: `the checkpoint's signature is not valid: ${check.reason}` }];
  }
  if (check.status === 'unsigned' && options.requireSignature) {
    return [{ line: 0, message: 'the checkpoint is unsigned where a signature is required' }];
  }
  return [];
}
