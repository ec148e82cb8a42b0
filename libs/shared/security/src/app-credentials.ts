import { randomBytes, randomInt } from 'node:crypto';

/**
 * Partner app credentials. HMAC app secrets cannot be stored hashed (verifying an HMAC
 * needs the secret itself): store them encrypted with FieldCipher and show them to the
 * partner once.
 */

const APP_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
export const APP_ID_PATTERN = /^app_[0-9a-z]{20}$/;

/** `app_` + 20 random characters of `[0-9a-z]` (about 103 bits). */
export function generateAppId(): string {
  let id = 'app_';
  for (let i = 0; i < 20; i += 1) id += APP_ID_ALPHABET.charAt(randomInt(APP_ID_ALPHABET.length));
  return id;
}

/** 32 random bytes, base64url without padding (43 characters). */
export function generateAppSecret(): string {
  return randomBytes(32).toString('base64url');
}
