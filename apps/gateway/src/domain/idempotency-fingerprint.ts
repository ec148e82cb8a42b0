import { createHash } from 'node:crypto';

/** Idempotency keys: 1–255 visible ASCII characters (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How long a first response is kept for replay. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * What makes two requests "the same" for an Idempotency-Key: method, raw path, canonical
 * query and the SHA-256 of the raw body bytes. Hashed, so the stored row reveals nothing.
 */
export function requestFingerprint(input: { method: string; path: string; query: string; body?: Buffer }): string {
  const bodyHash = createHash('sha256')
    .update(input.body ?? Buffer.alloc(0))
    .digest('hex');
  return createHash('sha256').update(`${input.method.toUpperCase()}\n${input.path}\n${input.query}\n${bodyHash}\n`, 'utf8').digest('hex');
}
