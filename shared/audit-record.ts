import { randomBytes } from 'node:crypto';
import { canonicalJson, sha256Hex } from './canonical-json.js';
import type { ApiCall, Trigger } from './event.js';

export const AUDIT_SCHEMA = 'airlock.audit/v1';

/** Every outcome a handled event can end in; one record each, whatever happens. */
export const Outcome = {
  APPLIED: 'APPLIED',
  NOOP: 'NOOP',
  PLANNED: 'PLANNED',
  EXEMPT: 'EXEMPT',
  SUPPRESSED: 'SUPPRESSED',
  FAILED: 'FAILED',
  REJECTED: 'REJECTED',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** One step as recorded: the call, its parameters, what it changed and how to undo it. */
export interface AuditStep {
  /** IAM action, `ec2:RevokeSecurityGroupIngress`. */
  readonly action: string;
  /** The API call, `RevokeSecurityGroupIngress`. */
  readonly api: string;
  readonly input: unknown;
  readonly reason: string;
  readonly before?: unknown;
  /** The inverse steps (action + input), computed when planned, for rollback from the record alone. */
  readonly undo: readonly { action: string; api: string; input: unknown; reason: string; before?: unknown }[];
  readonly result: 'applied' | 'already-done' | 'failed' | 'planned' | 'not-run';
  readonly output?: unknown;
  readonly error?: { name: string; message: string; httpStatus?: number };
  readonly startedAt?: string;
  readonly durationMs?: number;
}

export interface AuditRecord {
  readonly schema: typeof AUDIT_SCHEMA;
  readonly id: string;
  /** When the record was completed. */
  readonly time: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly actor: { readonly type: 'function' | 'operator'; readonly name: string; readonly version: string };
  readonly trigger: Trigger;
  readonly event: {
    readonly id?: string;
    readonly source?: string;
    readonly detailType?: string;
    readonly time?: string;
    readonly evaluationTime?: string;
    readonly complianceType?: string;
    readonly annotation?: string;
    /** For CloudTrail events: who made which call, from where (`resourceIds` left out: see notes). */
    readonly apiCall?: Omit<ApiCall, 'resourceIds'>;
  };
  readonly rule?: string;
  readonly remediation: string;
  readonly account?: string;
  readonly region?: string;
  /** The member role airlock assumed to act in `account` (absent when it acted with its own credentials). */
  readonly assumedRole?: string;
  readonly resource: { readonly type?: string; readonly id?: string };
  readonly mode: 'enforce' | 'dry-run' | 'plan';
  readonly outcome: Outcome;
  /** Why it ended this way, in words. */
  readonly reason: string;
  /** The resource as read before acting (the part worth keeping). */
  readonly before?: unknown;
  readonly steps: readonly AuditStep[];
  readonly verification?: {
    readonly status: 'compliant' | 'pending' | 'non-compliant';
    readonly detail?: string;
  };
  readonly exemption?: {
    readonly id: string;
    readonly reason: string;
    readonly approvedBy: string;
    readonly expires: string;
  };
  /** Things worth the SOC's attention that were not acted on (ignored exemptions, supernets...). */
  readonly notes: readonly string[];
  readonly error?: { readonly name: string; readonly message: string; readonly retryable: boolean };
  /** Records this one relates to (a rollback names the record it undoes). */
  readonly links?: { readonly rollbackOf?: string };
  readonly digest: { readonly algorithm: 'sha256'; readonly value: string };
  /**
   * The seal only airlock's roles can make: an ECDSA P-256 signature (KMS `Sign`, message type DIGEST)
   * over the digest. Absent on records written without a signing key (offline replays).
   */
  readonly signature?: RecordSignature;
}

/** An asymmetric KMS signature over a record's SHA-256 digest. */
export interface RecordSignature {
  readonly algorithm: 'ECDSA_SHA_256';
  /** The key that signed, as KMS names it (its ARN). Informational: verify with the key you trust. */
  readonly keyId: string;
  /** The DER-encoded ECDSA signature, base64. */
  readonly value: string;
}

/** A record before it is sealed: no digest, no signature. */
export type UnsignedAuditRecord = Omit<AuditRecord, 'digest' | 'signature'>;

/**
 * The digest over the record's canonical JSON: everything but `digest`, `signature` and the chain
 * link a local trail adds.
 */
export function digestOf(record: UnsignedAuditRecord | AuditRecord): string {
  return sha256Hex(canonicalJson(sealedContent(record)));
}

/**
 * The part of a record its digest covers, as canonical JSON's input (without `digest`, `signature`
 * and `chain`).
 */
export function sealedContent(record: UnsignedAuditRecord | AuditRecord): Record<string, unknown> {
  const {
    digest: _digest,
    signature: _signature,
    chain: _chain,
    ...rest
  } = record as AuditRecord & { chain?: unknown };
  return rest;
}

/**
 * Seals a record: adds its digest.
 *
 * @example
 * ```ts
 * const record = sealRecord(unsigned);
 * verifyRecordDigest(record); // true
 * ```
 */
export function sealRecord(record: UnsignedAuditRecord): AuditRecord {
  // a signature or chain link of an earlier seal never survives sealing again
  const content = sealedContent(record) as unknown as UnsignedAuditRecord;
  return { ...content, digest: { algorithm: 'sha256', value: digestOf(content) } };
}

/** True when the record's digest matches its content. */
export function verifyRecordDigest(record: AuditRecord): boolean {
  return record.digest?.algorithm === 'sha256' && record.digest.value === digestOf(record);
}

/**
 * A time-ordered unique id (UUID version 7): sorts by creation time, safe in S3 keys.
 */
export function newRecordId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True when `id` is a record id airlock made (UUIDv7); no other string may go into an S3 key. */
export function isRecordId(id: string): boolean {
  return RECORD_ID.test(id);
}

/** Safe S3 key segment for an account/region/remediation (already validated values; double-checked here). */
function segment(value: string | undefined, fallback: string): string {
  return value && /^[A-Za-z0-9-]{1,64}$/.test(value) ? value : fallback;
}

/**
 * The S3 key of a record: partitioned by date (Athena: `dt=YYYY-MM-DD`), account and region, named by
 * its id. Nothing from the event reaches the key unless it passed a strict format.
 */
export function recordKey(record: AuditRecord, prefix = 'audit/'): string {
  if (!isRecordId(record.id)) throw new Error(`record id ${JSON.stringify(record.id)} is not a record id`);
  const day = record.time.slice(0, 10);
  const dt = /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : '0000-00-00';
  const cleanPrefix = prefix.replace(/[^A-Za-z0-9/_-]/g, '').replace(/\/*$/, '/');
  return `${cleanPrefix}dt=${dt}/account=${segment(record.account, 'unknown')}/region=${segment(record.region, 'unknown')}/${record.id}.json`;
}
