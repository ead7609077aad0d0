import { createECDH, createHash, createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * ECDSA on NIST P-256 over a digest that is already computed, as KMS `Sign`/`Verify` do with message
 * type DIGEST (node:crypto signs and verifies messages only: it always hashes them first). The key
 * pairs are node:crypto's; the scalar multiplication of signing is node's ECDH; the signatures are
 * standard DER ECDSA, checked in the tests against node:crypto's own `verify`.
 */

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

type Point = { x: bigint; y: bigint } | null;

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

function add(p: Point, q: Point): Point {
  if (!p) return q;
  if (!q) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return null;
  const slope =
    p.x === q.x && p.y === q.y
      ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P)
      : mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(slope * slope - p.x - q.x, P);
  return { x, y: mod(slope * (p.x - x) - p.y, P) };
}

function multiply(k: bigint, p: Point): Point {
  let result: Point = null;
  let addend = p;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const b64url = (n: bigint) => toBytes(n).toString('base64url');

/** A P-256 key pair from a 32-byte scalar (reduced into [1, n-1]): the same seed, the same key. */
export function p256KeyFromSeed(seed: string): KeyObject {
  const d = mod(toBig(createHash('sha256').update(seed).digest()), N - 1n) + 1n;
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(toBytes(d));
  const point = ecdh.getPublicKey();
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    d: b64url(d),
    x: point.subarray(1, 33).toString('base64url'),
    y: point.subarray(33, 65).toString('base64url'),
  };
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

function derInteger(n: bigint): Buffer {
  const hex = n.toString(16);
  let bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function derSignature(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  const b = Buffer.from(der);
  if (b[0] !== 0x30 || b[1] !== b.length - 2) return undefined;
  const ints: bigint[] = [];
  let at = 2;
  for (let i = 0; i < 2; i++) {
    if (b[at] !== 0x02) return undefined;
    const len = b[at + 1]!;
    ints.push(toBig(b.subarray(at + 2, at + 2 + len)));
    at += 2 + len;
  }
  return at === b.length ? { r: ints[0]!, s: ints[1]! } : undefined;
}

function scalarOf(key: KeyObject): bigint {
  const d = key.export({ format: 'jwk' }).d;
  if (!d) throw new Error('a private key is needed to sign');
  return toBig(Buffer.from(d, 'base64url'));
}

/** ECDSA signature (DER) of a 32-byte digest with a P-256 private key. */
export function signDigest(digest: Uint8Array, privateKey: KeyObject): Buffer {
  const z = toBig(digest);
  const d = scalarOf(privateKey);
  const ecdh = createECDH('prime256v1');
  for (;;) {
    const k = toBig(randomBytes(32));
    if (k === 0n || k >= N) continue;
    ecdh.setPrivateKey(toBytes(k));
    const r = mod(toBig(ecdh.getPublicKey().subarray(1, 33)), N);
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (r !== 0n && s !== 0n) return derSignature(r, s);
  }
}

/** True when `signature` (DER) is a valid ECDSA signature of the 32-byte digest under the P-256 public key. */
export function verifyDigest(digest: Uint8Array, signature: Uint8Array, publicKey: KeyObject): boolean {
  const parsed = parseDerSignature(signature);
  if (!parsed) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const jwk = publicKey.export({ format: 'jwk' });
  const q = { x: toBig(Buffer.from(jwk.x!, 'base64url')), y: toBig(Buffer.from(jwk.y!, 'base64url')) };
  const w = inverse(s, N);
  const point = add(multiply(mod(toBig(digest) * w, N), G), multiply(mod(r * w, N), q));
  return point !== null && mod(point.x, N) === r;
}
