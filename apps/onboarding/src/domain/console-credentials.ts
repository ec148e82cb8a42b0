import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hashPassword } from '@countypay/security';

/**
 * Console sign-in rules, pure (no I/O): the password hash (scrypt, memory-hard), the lock-out
 * after repeated failures and the session and CSRF tokens.
 */

// the password hash is the platform's one (libs/shared/security), re-exported for the console's callers
export { hashPassword, SCRYPT, verifyPassword } from '@countypay/security';

/** Consecutive wrong passwords that lock an account, and for how long. */
export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
/** A session ends after this long without a request, and in any case after the absolute limit. */
export const SESSION_IDLE_MINUTES = 30;
export const SESSION_ABSOLUTE_HOURS = 12;

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const PASSWORD_MIN_LENGTH = 12;
export const SESSION_TOKEN_PATTERN = /^cps_[A-Za-z0-9_-]{43}$/;

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
