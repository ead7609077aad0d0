import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
  type SignCommandInput,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCloud } from '../cloud.js';
import { placeResources, simState } from '../scenario.js';
import { kmsKey } from './kms-keys.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const REGION = 'eu-west-2';
const KEY = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY}`;

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function account(options: { pem?: string; seed?: number; disabled?: boolean } = {}) {
  const state = simState({ seed: options.seed ?? 7 });
  placeResources(state, { account: ACCOUNT, region: REGION }, [
    kmsKey({ id: KEY, aliases: ['alias/airlock-audit'] }),
  ]);
  placeResources(state, { account: OTHER, region: REGION }, []);
  const key = state.accounts[ACCOUNT]!.regions[REGION]!.kmsKeys[0]!;
  if (options.pem) key.PrivateKeyPem = options.pem;
  if (options.disabled) key.KeyState = 'Disabled';
  sim = await SimulatedCloud.create(state, { dynamodb: false });
  return sim.clientFactory().get(KMSClient, { account: ACCOUNT, region: REGION });
}

const digestOf = (text: string) => createHash('sha256').update(text).digest();
const signInput = (message: Uint8Array, over: Partial<SignCommandInput> = {}): SignCommandInput => ({
  KeyId: 'alias/airlock-audit',
  Message: message,
  MessageType: 'DIGEST',
  SigningAlgorithm: 'ECDSA_SHA_256',
  ...over,
});

describe('Function: the simulated KMS keys', () => {
  it('signs a digest with ECDSA P-256 that node:crypto verifies with the key GetPublicKey gives', async () => {
    // Prepare
    const kms = await account();

    // Act
    const signed = await kms.send(new SignCommand(signInput(digestOf('record'))));
    const { PublicKey, KeyId, KeySpec, SigningAlgorithms } = await kms.send(
      new GetPublicKeyCommand({ KeyId: ARN }),
    );
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });

    // Assess
    expect(signed.KeyId).toBe(ARN);
    expect(KeyId).toBe(ARN);
    expect(KeySpec).toBe('ECC_NIST_P256');
    expect(SigningAlgorithms).toEqual(['ECDSA_SHA_256']);
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', Buffer.from('record'), publicKey, signed.Signature!)).toBe(true);
    expect(verify('sha256', Buffer.from('another record'), publicKey, signed.Signature!)).toBe(false);
  });

  it('signs a RAW message as its SHA-256, and refuses a digest of the wrong length', async () => {
    // Prepare
    const kms = await account();

    // Act
    const raw = await kms.send(new SignCommand(signInput(Buffer.from('hello'), { MessageType: 'RAW' })));
    const short = kms.send(new SignCommand(signInput(Buffer.from('not a digest'))));
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: KEY }));

    // Assess
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    expect(verify('sha256', Buffer.from('hello'), publicKey, raw.Signature!)).toBe(true);
    await expect(short).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('verifies its own signatures and node:crypto ones, and rejects an altered digest with KMSInvalidSignatureException', async () => {
    // Prepare
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const kms = await account({ pem });
    const byNode = sign('sha256', Buffer.from('record'), privateKey);
    const verifyInput = (digest: Buffer, signature: Uint8Array) =>
      new VerifyCommand({
        KeyId: 'alias/airlock-audit',
        Message: digest,
        MessageType: 'DIGEST',
        Signature: signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      });

    // Act
    const ok = await kms.send(verifyInput(digestOf('record'), byNode));
    const altered = kms.send(verifyInput(digestOf('recorD'), byNode));
    const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: 'alias/airlock-audit' }));

    // Assess
    expect(ok.SignatureValid).toBe(true);
    await expect(altered).rejects.toMatchObject({ name: 'KMSInvalidSignatureException' });
    expect(Buffer.from(PublicKey!)).toEqual(publicKey.export({ format: 'der', type: 'spki' }));
  });

  it('derives the same key from the same seed and another from another seed', async () => {
    // Act
    const first = await (await account({ seed: 7 })).send(new GetPublicKeyCommand({ KeyId: KEY }));
    await sim!.close();
    const again = await (await account({ seed: 7 })).send(new GetPublicKeyCommand({ KeyId: KEY }));
    await sim!.close();
    const other = await (await account({ seed: 8 })).send(new GetPublicKeyCommand({ KeyId: KEY }));

    // Assess
    expect(Buffer.from(again.PublicKey!)).toEqual(Buffer.from(first.PublicKey!));
    expect(Buffer.from(other.PublicKey!)).not.toEqual(Buffer.from(first.PublicKey!));
  });

  it('finds no key of another account, an unknown alias, or through another account ARN; a disabled key cannot sign', async () => {
    // Prepare
    const kms = await account();
    const otherAccount = sim!.clientFactory().get(KMSClient, { account: OTHER, region: REGION });

    // Act
    const results = await Promise.allSettled([
      otherAccount.send(new SignCommand(signInput(digestOf('x')))),
      otherAccount.send(new SignCommand(signInput(digestOf('x'), { KeyId: ARN }))),
      kms.send(new SignCommand(signInput(digestOf('x'), { KeyId: 'alias/someone-else' }))),
      kms.send(new SignCommand(signInput(digestOf('x'), { SigningAlgorithm: 'ECDSA_SHA_384' }))),
    ]);
    await sim!.close();
    const disabled = await account({ disabled: true });
    const refused = disabled.send(new SignCommand(signInput(digestOf('x'))));

    // Assess
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).name : 'signed'))).toEqual([
      'NotFoundException',
      'NotFoundException',
      'NotFoundException',
      'InvalidKeyUsageException',
    ]);
    await expect(refused).rejects.toMatchObject({ name: 'DisabledException' });
  });
});
