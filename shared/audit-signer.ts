import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { KMSClient, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import type { AuditRecord, RecordSignature } from './audit-record.js';
import { sealedContent, verifyRecordDigest } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { AuditWriteError, errorCode } from './errors.js';

export type KmsPort = Pick<KMSClient, 'send'>;

/** The one signing algorithm of the trail: ECDSA on NIST P-256 over a SHA-256 digest (KMS `ECC_NIST_P256`). */
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256' satisfies SigningAlgorithmSpec;

/** What the sinks sign records with: airlock's asymmetric KMS key. */
export interface AuditSigner {
  /** The key as configured: key id, key ARN, alias name or alias ARN. */
  readonly key: string;
  /** Signs a record's digest (SHA-256, hex): one `kms:Sign` call. */
  sign(digestHex: string): Promise<RecordSignature>;
}

/**
 * Signs with an asymmetric KMS key (`ECC_NIST_P256`, `SIGN_VERIFY`): `kms:Sign` with message type
 * DIGEST over the record's SHA-256 digest, so the private key never leaves KMS and only the roles
 * allowed `kms:Sign` on that key can seal a record that verifies.
 *
 * @example
 * ```ts
 * const signer = kmsSigner(new KMSClient({ region }), 'alias/airlock-audit');
 * const signed = await signRecord(sealRecord(unsigned), signer);
 * signed.signature; // { algorithm: 'ECDSA_SHA_256', keyId: 'arn:aws:kms:…:key/…', value: 'MEUCIQ…' }
 * ```
 */
export function kmsSigner(kms: KmsPort, key: string): AuditSigner {
  return {
    key,
    async sign(digestHex) {
      const { SignCommand } = await import('./kms-client.js');
      const out = await kms.send(
        new SignCommand({
          KeyId: key,
          Message: Buffer.from(digestHex, 'hex'),
          MessageType: 'DIGEST',
          SigningAlgorithm: SIGNING_ALGORITHM,
        }),
      );
      if (!out.Signature?.length) throw new AuditWriteError(`kms:Sign with ${key} returned no signature`);
      return {
        algorithm: SIGNING_ALGORITHM,
        keyId: out.KeyId ?? key,
        value: Buffer.from(out.Signature).toString('base64'),
      };
    },
  };
}

/**
 * The record with its signature: the digest is checked against the content first (a record that
 * does not match its digest is never signed).
 *
 * @example
 * ```ts
 * const signed = await signRecord(record, kmsSigner(kms, 'alias/airlock-audit'));
 * ```
 */
export async function signRecord(record: AuditRecord, signer: AuditSigner): Promise<AuditRecord> {
  if (!verifyRecordDigest(record)) {
    throw new AuditWriteError(`record ${record.id} does not match its digest: it is not signed`);
  }
  return { ...record, signature: await signer.sign(record.digest.value) };
}

/** What a signature check found. */
export type SignatureCheck =
  | { readonly status: 'valid'; readonly keyId: string }
  | { readonly status: 'unsigned' }
  | { readonly status: 'invalid'; readonly reason: string };

/** Checks records' signatures against the key(s) the reader trusts (never the key a record names). */
export interface SignatureVerifier {
  /** Where the trusted key came from, for messages (`kms:GetPublicKey alias/airlock-audit`, a PEM file). */
  readonly source: string;
  verify(record: AuditRecord): Promise<SignatureCheck>;
}

/**
 * What a record's signature is before any key is tried: unsigned, or invalid whatever the key (not
 * ECDSA_SHA_256, not base64, or a content that does not match its digest); undefined when a key must decide.
 */
function precheck(record: AuditRecord): SignatureCheck | undefined {
  if (record.signature === undefined) return { status: 'unsigned' };
  const problem = signatureShapeProblem(record);
  return problem ? { status: 'invalid', reason: problem } : undefined;
}

/** Why a record cannot carry a valid signature whatever the key, or undefined. */
function signatureShapeProblem(record: AuditRecord): string | undefined {
  const s = record.signature as Partial<RecordSignature> | undefined;
  if (!s || typeof s !== 'object') return 'the signature is not an object';
  if (s.algorithm !== SIGNING_ALGORITHM)
    return `signature algorithm ${JSON.stringify(s.algorithm)} is not ${SIGNING_ALGORITHM}`;
  if (typeof s.value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(s.value))
    return 'the signature is not base64';
  if (!verifyRecordDigest(record)) return 'the content does not match its digest';
  return undefined;
}

/**
 * Verifies signatures locally (node:crypto) with trusted public keys: the digest must match the
 * content, and the ECDSA signature must hold for SHA-256 of that content (which is the digest) under
 * one of the keys.
 *
 * @example
 * ```ts
 * const verifier = localVerifier([publicKeyFromPem(pem)], 'audit-key.pem');
 * await verifier.verify(record); // { status: 'valid', keyId: 'arn:aws:kms:…' }
 * ```
 */
export function localVerifier(keys: readonly KeyObject[], source: string): SignatureVerifier {
  return {
    source,
    async verify(record) {
      const early = precheck(record);
      if (early || !record.signature) return early ?? { status: 'unsigned' };
      const message = Buffer.from(canonicalJson(sealedContent(record)), 'utf8');
      const signature = Buffer.from(record.signature.value, 'base64');
      const holds = keys.some((key) => {
        try {
          return verify('sha256', message, key, signature);
        } catch {
          return false;
        }
      });
      return holds
        ? { status: 'valid', keyId: record.signature.keyId }
        : { status: 'invalid', reason: `the signature does not verify with ${source}` };
    },
  };
}

/**
 * Verifies signatures with `kms:Verify` (one call per record) on the trusted key.
 *
 * @example
 * ```ts
 * const verifier = kmsVerifier(kms, 'alias/airlock-audit');
 * ```
 */
export function kmsVerifier(kms: KmsPort, key: string): SignatureVerifier {
  const source = `kms:Verify ${key}`;
  return {
    source,
    async verify(record) {
      const early = precheck(record);
      if (early || !record.signature) return early ?? { status: 'unsigned' };
      const { VerifyCommand } = await import('./kms-client.js');
      try {
        const out = await kms.send(
          new VerifyCommand({
            KeyId: key,
            Message: Buffer.from(record.digest.value, 'hex'),
            MessageType: 'DIGEST',
            Signature: Buffer.from(record.signature.value, 'base64'),
            SigningAlgorithm: SIGNING_ALGORITHM,
          }),
        );
        if (out.SignatureValid) return { status: 'valid', keyId: out.KeyId ?? key };
      } catch (error) {
        if (errorCode(error) !== 'KMSInvalidSignatureException') throw error;
      }
      return { status: 'invalid', reason: `the signature does not verify with ${source}` };
    },
  };
}

/** A P-256 public key, or an error naming what it is instead. */
function requireP256(key: KeyObject, source: string): KeyObject {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType !== 'ec' || details?.namedCurve !== 'prime256v1') {
    throw new Error(
      `${source} is not an ECC_NIST_P256 public key (${key.asymmetricKeyType ?? 'unknown'} ${details?.namedCurve ?? ''})`.trim(),
    );
  }
  return key;
}

/**
 * A trusted public key from PEM text (`aws kms get-public-key` output converted, or `airlock`'s own export).
 *
 * @example
 * ```ts
 * const key = publicKeyFromPem(readFileSync('audit-key.pem', 'utf8'));
 * ```
 */
export function publicKeyFromPem(pem: string, source = 'the PEM'): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (cause) {
    throw new Error(`${source} is not a PEM public key`, { cause });
  }
  return requireP256(key, source);
}

/**
 * The public key of a KMS signing key (`kms:GetPublicKey`, once): checked to be an ECC_NIST_P256
 * SIGN_VERIFY key offering ECDSA_SHA_256.
 *
 * @example
 * ```ts
 * const { key, keyId } = await kmsPublicKey(kms, 'alias/airlock-audit');
 * const verifier = localVerifier([key], `kms:GetPublicKey ${keyId}`);
 * ```
 */
export async function kmsPublicKey(kms: KmsPort, keyId: string): Promise<{ key: KeyObject; keyId: string }> {
  const { GetPublicKeyCommand } = await import('./kms-client.js');
  const out = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const source = `KMS key ${out.KeyId ?? keyId}`;
  if (out.KeyUsage !== 'SIGN_VERIFY') throw new Error(`${source} is not a signing key (${out.KeyUsage})`);
  if (!out.SigningAlgorithms?.includes(SIGNING_ALGORITHM)) {
    throw new Error(`${source} does not sign with ${SIGNING_ALGORITHM}`);
  }
  if (!out.PublicKey) throw new Error(`${source}: GetPublicKey returned no public key`);
  const key = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' });
  return { key: requireP256(key, source), keyId: out.KeyId ?? keyId };
}
