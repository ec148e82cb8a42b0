import { createHash, randomBytes } from 'node:crypto';

/** `cpo_` + 43 url-safe characters (32 random bytes). */
export const OPERATOR_TOKEN_PATTERN = /^cpo_[A-Za-z0-9_-]{32,200}$/;

export function generateOperatorToken(): string {
  return `cpo_${randomBytes(32).toString('base64url')}`;
}

/** Only the SHA-256 (hex) of a token is stored: tokens are long random strings, so no salt or slow hash is needed. */
export function hashOperatorToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
