import type { AuditRecord, RecordSignature } from './audit-record.js';
import { type AuditSigner, signRecord } from './audit-signer.js';
import { canonicalJson, sha256Hex } from './canonical-json.js';

export const CHECKPOINT_SCHEMA = 'airlock.audit-checkpoint/v1';

/**
 * The head of a local trail, kept beside it (`<trail>.head`): how many records the writer appended
 * and the chain value of the last one. A trail cut short, or re-sealed from some line on, no longer
 * ends where its checkpoint says.
 */
export interface TrailCheckpoint {
  readonly schema: typeof CHECKPOINT_SCHEMA;
  /** Records in the trail when the checkpoint was written. */
  readonly records: number;
  /** The chain value of the last record. */
  readonly head: string;
  /** The id of the last record. */
  readonly lastId: string;
  /** When the checkpoint was written. */
  readonly time: string;
  /** SHA-256 over the canonical JSON of the fields above. */
  readonly digest: { readonly algorithm: 'sha256'; readonly value: string };
  /** The signing key's signature over the digest, when the trail is signed. */
  readonly signature?: RecordSignature;
}

/** Where the checkpoint of a local trail is kept: beside it, `<trail>.head`. */
export function checkpointPath(trailPath: string): string {
  return `${trailPath}.head`;
}

type CheckpointContent = Omit<TrailCheckpoint, 'digest' | 'signature'>;

function contentOf(checkpoint: CheckpointContent | TrailCheckpoint): CheckpointContent {
  const { schema, records, head, lastId, time } = checkpoint;
  return { schema, records, head, lastId, time };
}

/** The checkpoint's digest: SHA-256 over the canonical JSON of everything but digest and signature. */
export function checkpointDigest(checkpoint: CheckpointContent | TrailCheckpoint): string {
  return sha256Hex(canonicalJson(contentOf(checkpoint)));
}

/**
 * A sealed checkpoint, signed when a signer is given (one `kms:Sign` over its digest, the same
 * seal as a record's: the schema field keeps a checkpoint's signature from passing for a record's).
 *
 * @example
 * ```ts
 * const checkpoint = await sealCheckpoint({ records: 12, head, lastId: record.id, time: new Date().toISOString() }, signer);
 * await writeFile(checkpointPath(trail), JSON.stringify(checkpoint));
 * ```
 */
export async function sealCheckpoint(
  content: Omit<CheckpointContent, 'schema'>,
  signer?: AuditSigner,
): Promise<TrailCheckpoint> {
  const full: CheckpointContent = { schema: CHECKPOINT_SCHEMA, ...content };
  const sealed: TrailCheckpoint = {
    ...full,
    digest: { algorithm: 'sha256', value: checkpointDigest(full) },
  };
  return signer ? (signRecord(asSealed(sealed), signer) as unknown as Promise<TrailCheckpoint>) : sealed;
}

/**
 * The checkpoint as the record verifiers and signers see a sealed object: its digest covers every
 * field but `digest` and `signature`, exactly as a record's does.
 */
export function asSealed(checkpoint: TrailCheckpoint): AuditRecord {
  return checkpoint as unknown as AuditRecord;
}

/** Why a parsed value is not a checkpoint (or its digest does not hold), or undefined. */
export function checkpointProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const c = value as Partial<TrailCheckpoint>;
  if (c.schema !== CHECKPOINT_SCHEMA)
    return `schema is ${JSON.stringify(c.schema)}, not "${CHECKPOINT_SCHEMA}"`;
  if (!Number.isSafeInteger(c.records) || (c.records as number) < 0) return '"records" is not a count';
  if (typeof c.head !== 'string' || !/^[0-9a-f]{64}$/.test(c.head)) return '"head" is not a SHA-256 value';
  if (typeof c.lastId !== 'string' || typeof c.time !== 'string') return '"lastId" or "time" is missing';
  if (c.digest?.algorithm !== 'sha256' || c.digest.value !== checkpointDigest(c as TrailCheckpoint)) {
    return 'its content does not match its digest';
  }
  return undefined;
}
