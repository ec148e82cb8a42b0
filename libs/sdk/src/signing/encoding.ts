import { timingSafeEqual } from 'node:crypto';

/** Bytes to sign or hash: a string is taken as its UTF-8 encoding. */
export type BinaryLike = string | Uint8Array;

export function toBytes(input: BinaryLike): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes standard, padded base64; returns `undefined` for anything else (Buffer.from is lenient). */
export function decodeBase64Strict(input: string): Buffer | undefined {
  return STRICT_BASE64.test(input) ? Buffer.from(input, 'base64') : undefined;
}

/** Constant-time comparison of two byte strings; different lengths compare unequal (length is not secret). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
