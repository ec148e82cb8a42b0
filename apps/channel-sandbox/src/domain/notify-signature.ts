import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the notification's signature. */
export const SIGNATURE_HEADER = 'x-sandbox-signature';

/** Hex HMAC-SHA256 of the exact body bytes with the shared notification secret. */
export function signNotification(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Constant-time check of a received signature (what the platform does on its side). */
export function verifyNotification(body: string, signature: string, secret: string): boolean {
  const expected = Buffer.from(signNotification(body, secret), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
