import { createHmac } from 'node:crypto';
import { decodeBase64Strict } from '@countypay/sdk';
import { SecurityError, SecurityErrorCode } from './security.exception';

/**
 * Deterministic keyed index of a sensitive value, for lookups and unique constraints on
 * encrypted columns: lowercase hex HMAC-SHA256(key, context || 0x00 || value).
 *
 * Use a key distinct from the field-cipher keys, normalise the value first (e.g. upper-case
 * the ID number's `X`, strip spaces from card numbers), and give each column its own
 * `context` so equal values in different columns do not share an index.
 */
export function blindIndex(value: string, key: string | Uint8Array, context = ''): string {
  const keyBytes = typeof key === 'string' ? decodeBase64Strict(key) : key;
  if (!keyBytes || keyBytes.length < 32)
    throw new SecurityError(SecurityErrorCode.InvalidKey, 'blind index key must be at least 32 bytes (base64 when a string)');
  return createHmac('sha256', keyBytes).update(context, 'utf8').update(Buffer.of(0)).update(value, 'utf8').digest('hex');
}
