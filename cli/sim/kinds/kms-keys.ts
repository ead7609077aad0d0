import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, firstString, regionSlot, type SimFragment, type SimInput } from '../kind.js';
import { p256KeyFromSeed, signDigest, verifyDigest } from './ecdsa-digest.js';

/**
 * KMS asymmetric signing keys (ECC_NIST_P256, SIGN_VERIFY): `Sign` and `Verify` (message type RAW or
 * DIGEST, ECDSA_SHA_256), `GetPublicKey`, `DescribeKey`. Each key is a real node:crypto EC key pair,
 * from its `PrivateKeyPem` when the state holds one, else derived from the state's seed, the account,
 * the region and the key id (the same state, the same key). The private key never leaves the kind.
 */

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

const keySchema = z
  .object({
    KeyId: z.string().regex(KEY_ID, 'expected a KMS key id (a UUID, or mrk- and 32 hex digits)'),
    Description: z.string().optional(),
    KeySpec: z.literal('ECC_NIST_P256').default('ECC_NIST_P256'),
    KeyUsage: z.literal('SIGN_VERIFY').default('SIGN_VERIFY'),
    KeyState: z.enum(['Enabled', 'Disabled']).default('Enabled'),
    /** Alias names (`alias/airlock-audit`) that point at the key. */
    Aliases: z.array(z.string().regex(/^alias\/[\w/+=,.@-]{1,250}$/, 'expected alias/…')).default(() => []),
    /** The private key (PKCS#8 PEM); absent: derived from the state's seed. */
    PrivateKeyPem: z.string().optional(),
  })
  .strict();

export type SimKmsKey = z.output<typeof keySchema>;

const slot = regionSlot({ kmsKeys: z.array(keySchema).default(() => []) });

const ALGORITHM = 'ECDSA_SHA_256';

function arnOf(ctx: SimCallContext, key: SimKmsKey): string {
  return `arn:aws:kms:${ctx.region}:${ctx.account}:key/${key.KeyId}`;
}

function notFound(ctx: SimCallContext, id: string): SimApiError {
  const local = id.startsWith('arn:') ? id : undefined;
  if (id.includes('alias/')) {
    const arn = local ?? `arn:aws:kms:${ctx.region}:${ctx.account}:${id}`;
    return new SimApiError('NotFoundException', `Alias ${arn} is not found.`);
  }
  const arn = local ?? `arn:aws:kms:${ctx.region}:${ctx.account}:key/${id}`;
  return new SimApiError('NotFoundException', `Key '${arn}' does not exist`);
}

/** The key a `KeyId` names: key id, key ARN, alias name or alias ARN, of the call's account and region. */
function findKey(ctx: SimCallContext, keyId: unknown): SimKmsKey {
  const id = String(keyId ?? '');
  if (!id) throw new SimApiError('ValidationException', 'KeyId is required');
  const arn = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key\/.+|alias\/.+)$/.exec(id);
  if (arn && (arn[1] !== ctx.region || arn[2] !== ctx.account)) throw notFound(ctx, id);
  const local = arn ? arn[3]! : id;
  const keys = slot.in(ctx).kmsKeys;
  const key = local.startsWith('alias/')
    ? keys.find((k) => k.Aliases.includes(local))
    : keys.find((k) => k.KeyId === local.replace(/^key\//, ''));
  if (!key) throw notFound(ctx, id);
  return key;
}

function usableKey(ctx: SimCallContext, keyId: unknown): SimKmsKey {
  const key = findKey(ctx, keyId);
  if (key.KeyState !== 'Enabled') {
    throw new SimApiError('DisabledException', `${arnOf(ctx, key)} is disabled.`);
  }
  return key;
}

function privateKeyOf(ctx: SimCallContext, key: SimKmsKey): KeyObject {
  if (key.PrivateKeyPem) return createPrivateKey(key.PrivateKeyPem);
  return p256KeyFromSeed(`airlock-sim-kms:${ctx.state.seed}:${ctx.account}:${ctx.region}:${key.KeyId}`);
}

function bytesOf(value: unknown, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new SimApiError('ValidationException', `${name} is required`);
}

/** The digest to sign or verify: the message itself (DIGEST, 32 bytes) or its SHA-256 (RAW, at most 4096 bytes). */
function digestOf(input: SimInput): Uint8Array {
  if (input.SigningAlgorithm !== ALGORITHM) {
    throw new SimApiError(
      'InvalidKeyUsageException',
      `The signing algorithm ${input.SigningAlgorithm} is not valid for an ECC_NIST_P256 key: use ${ALGORITHM}`,
    );
  }
  const message = bytesOf(input.Message, 'Message');
  if (input.MessageType === 'DIGEST') {
    if (message.length !== 32) {
      throw new SimApiError(
        'ValidationException',
        `Digest is invalid length for algorithm ${ALGORITHM}: ${message.length} bytes, expected 32.`,
      );
    }
    return message;
  }
  if (message.length > 4096) {
    throw new SimApiError('ValidationException', 'Message must be at most 4096 bytes long; use a DIGEST.');
  }
  return createHash('sha256').update(message).digest();
}

function sign(ctx: SimCallContext, input: SimInput) {
  const key = usableKey(ctx, input.KeyId);
  const signature = signDigest(digestOf(input), privateKeyOf(ctx, key));
  return { KeyId: arnOf(ctx, key), Signature: new Uint8Array(signature), SigningAlgorithm: ALGORITHM };
}

function verify(ctx: SimCallContext, input: SimInput) {
  const key = usableKey(ctx, input.KeyId);
  const digest = digestOf(input);
  const signature = bytesOf(input.Signature, 'Signature');
  if (!verifyDigest(digest, signature, createPublicKey(privateKeyOf(ctx, key)))) {
    throw new SimApiError('KMSInvalidSignatureException', 'The signature is not valid.');
  }
  return { KeyId: arnOf(ctx, key), SignatureValid: true, SigningAlgorithm: ALGORITHM };
}

function getPublicKey(ctx: SimCallContext, input: SimInput) {
  const key = findKey(ctx, input.KeyId);
  if (key.KeyState !== 'Enabled')
    throw new SimApiError('DisabledException', `${arnOf(ctx, key)} is disabled.`);
  const der = createPublicKey(privateKeyOf(ctx, key)).export({ format: 'der', type: 'spki' });
  return {
    KeyId: arnOf(ctx, key),
    PublicKey: new Uint8Array(der),
    KeySpec: key.KeySpec,
    CustomerMasterKeySpec: key.KeySpec,
    KeyUsage: key.KeyUsage,
    SigningAlgorithms: [ALGORITHM],
  };
}

function describeKey(ctx: SimCallContext, input: SimInput) {
  const key = findKey(ctx, input.KeyId);
  return {
    KeyMetadata: {
      AWSAccountId: ctx.account,
      KeyId: key.KeyId,
      Arn: arnOf(ctx, key),
      Enabled: key.KeyState === 'Enabled',
      KeyState: key.KeyState,
      KeyUsage: key.KeyUsage,
      KeySpec: key.KeySpec,
      CustomerMasterKeySpec: key.KeySpec,
      SigningAlgorithms: [ALGORITHM],
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
      ...(key.Description ? { Description: key.Description } : {}),
    },
  };
}

/** An asymmetric signing key (ECC_NIST_P256) with its aliases, in the region it is placed in. */
export function kmsKey(spec: { id: string; aliases?: readonly string[]; description?: string }): SimFragment {
  return slot.fragment((view) => {
    view.kmsKeys.push({
      KeyId: spec.id,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
      Aliases: [...(spec.aliases ?? [])],
      ...(spec.description ? { Description: spec.description } : {}),
    });
  });
}

/** The alias of the key that signs the sample's and the demo's audit records. */
export const SAMPLE_SIGNING_KEY_ALIAS = 'alias/airlock-audit';

/** The KMS keys kind. */
export const kmsKeys = defineKind('KMS keys', slot, {
  apis: {
    kms: { Sign: sign, Verify: verify, GetPublicKey: getPublicKey, DescribeKey: describeKey },
  },
  resourceId: (_api, input) => firstString(input, ['KeyId']),
  summarize: (view) =>
    view.kmsKeys.map((k) => ({
      kind: 'kms key',
      id: k.KeyId,
      detail: `${k.KeySpec} ${k.KeyUsage}${k.KeyState === 'Enabled' ? '' : ' (disabled)'}${k.Aliases.length ? ` ${k.Aliases.join(' ')}` : ''}`,
    })),
  sample: () => [
    kmsKey({
      id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      aliases: [SAMPLE_SIGNING_KEY_ALIAS],
      description: 'signs airlock audit records',
    }),
  ],
});
