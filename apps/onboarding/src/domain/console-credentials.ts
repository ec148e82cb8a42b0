import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Console sign-in rules, pure (no I/O): the password hash (scrypt, memory-hard), the lock-out
 * after repeated failures and the session and CSRF tokens.
 */

/** scrypt cost: N = 2^15, r = 8 (32 MiB of memory per hash), p = 1 — OWASP's minimum for scrypt. */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
/** Consecutive wrong passwords that lock an account, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** A session ends after this long without a request, and in any case after the absolute limit. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const PASSWORD_MIN_LENGTH = 12;
export const SESSION_TOKEN_PATTERN = /^cps_[A-Za-z0-9_-]{43}$/;

function scryptAsync(password: string, salt: Buffer, keyLength: number, opts: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...opts, maxmem: 128 * opts.N * opts.r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash` (base64url), self-describing so the cost can be raised later. */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLength);
  const key = await scryptAsync(password, salt, SCRYPT.keyLength, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time check of a password against a stored hash; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await scryptAsync(password, salt, expected.length, { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches, checked when the user name is unknown so both cases cost the same. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64url'));
  return decoy;
}

export interface LockState {
  failedSignIns: number;
  lockedUntil: Date | null;
}

/** Whether the account is locked at `now`. */
export function isLocked(state: LockState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil.getTime() > now.getTime();
}

/** The state after a wrong password: the fifth consecutive failure locks the account for 15 minutes. */
export function afterFailure(state: LockState, now: Date): LockState & { lockedNow: boolean } {
  // a lock that has run out starts the count afresh
  const base = state.lockedUntil !== null && !isLocked(state, now) ? 0 : state.failedSignIns;
  const failedSignIns = base + 1;
  if (failedSignIns >= LOCK_AFTER_FAILURES) {
    return { failedSignIns, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000), lockedNow: true };
  }
  return { failedSignIns, lockedUntil: null, lockedNow: false };
}

/** A new session: the cookie value and the CSRF token (shown to the browser), only their digests stored. */
export function newSessionTokens(): { sessionToken: string; csrfToken: string } {
  return { sessionToken: `cps_${randomBytes(32).toString('base64url')}`, csrfToken: randomBytes(32).toString('base64url') };
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented CSRF token with the session's digest. */
export function csrfMatches(presented: string | undefined, digest: string): boolean {
  if (!presented || presented.length > 200) return false;
  const a = Buffer.from(tokenDigest(presented), 'hex');
  const b = Buffer.from(digest, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** When a session seen at `lastSeen` (created at `created`) ends. */
export function sessionExpiry(created: Date, lastSeen: Date): Date {
  return new Date(Math.min(lastSeen.getTime() + SESSION_IDLE_MINUTES * 60_000, created.getTime() + SESSION_ABSOLUTE_HOURS * 3_600_000));
}
