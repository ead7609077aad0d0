import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { SimApiError } from '../errors.js';

/** Object bodies of the simulated S3: stored as UTF-8 text or base64, handed out as the SDK does. */

/** The bytes of a stored object (`Body` is UTF-8 text, `BodyBase64` binary). */
export function objectBody(o: { Body?: string | undefined; BodyBase64?: string | undefined }): Buffer {
  if (o.BodyBase64 !== undefined) return Buffer.from(o.BodyBase64, 'base64');
  return Buffer.from(o.Body ?? '', 'utf8');
}

/** The stored form of a body: `Body` when it is UTF-8 text, else `BodyBase64`. */
export function storedBody(bytes: Buffer): { Body: string } | { BodyBase64: string } {
  const utf8 = Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes);
  return utf8 ? { Body: bytes.toString('utf8') } : { BodyBase64: bytes.toString('base64') };
}

/** Base64 SHA-256, as `ChecksumSHA256`. */
export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

/** The quoted MD5 S3 returns as the ETag of a single-part upload. */
export const etag = (bytes: Buffer): string => `"${createHash('md5').update(bytes).digest('hex')}"`;

/** A PutObject body (string, bytes, Blob or stream) read into memory. */
export async function bodyBytes(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body instanceof ArrayBuffer) return Buffer.from(new Uint8Array(body));
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  if (
    body instanceof Readable ||
    typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  ) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
  throw new SimApiError('InvalidArgument', 'The simulated account cannot read this Body type');
}

/** A GetObject body as the SDK returns it: a Node stream with the SDK's transform helpers. */
export function sdkBody(bytes: Buffer) {
  const stream = Readable.from([bytes]);
  return Object.assign(stream, {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async (encoding: BufferEncoding = 'utf-8') => bytes.toString(encoding),
    transformToWebStream: () => Readable.toWeb(Readable.from([bytes])),
  });
}
