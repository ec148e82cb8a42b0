import {
  LOCK_AFTER_FAILURES,
  afterFailure,
  csrfMatches,
  hashPassword,
  isLocked,
  newSessionTokens,
  sessionExpiry,
  tokenDigest,
  verifyPassword,
  SESSION_TOKEN_PATTERN,
} from './console-credentials';

// a cheap cost for the tests' own hashes; the verification reads the cost from the hash
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('console credentials', () => {
  it('hashes with scrypt at the stated cost, salted, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery', FAST);
    const b = await hashPassword('correct horse battery', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    await expect(verifyPassword('correct horse battery', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', a)).resolves.toBe(false);
    await expect(verifyPassword('', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'not-a-hash')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$99999999$8$1$AA$AA')).resolves.toBe(false);
  });

  it('uses N = 2^15 by default (memory-hard: 32 MiB per hash)', async () => {
    const h = await hashPassword('another long password');
    expect(h.split('$').slice(1, 4)).toEqual(['32768', '8', '1']);
    await expect(verifyPassword('another long password', h)).resolves.toBe(true);
  });

  it('locks the account on the fifth consecutive failure for 15 minutes, and counts afresh after the lock ran out', () => {
    const now = new Date('2026-11-29T08:00:00Z');
    let state = { failedSignIns: 0, lockedUntil: null as Date | null };
    for (let i = 1; i < LOCK_AFTER_FAILURES; i++) {
      const next = afterFailure(state, now);
      expect(next.lockedNow).toBe(false);
      state = next;
    }
    const locked = afterFailure(state, now);
    expect(locked).toMatchObject({ failedSignIns: 5, lockedNow: true });
    expect(locked.lockedUntil!.toISOString()).toBe('2026-11-29T08:15:00.000Z');
    expect(isLocked(locked, new Date('2026-11-29T08:14:59Z'))).toBe(true);
    const later = new Date('2026-11-29T08:15:01Z');
    expect(isLocked(locked, later)).toBe(false);
    expect(afterFailure(locked, later)).toMatchObject({ failedSignIns: 1, lockedUntil: null, lockedNow: false });
  });

  it('makes random session and CSRF tokens and compares CSRF tokens with the stored digest', () => {
    const t = newSessionTokens();
    expect(t.sessionToken).toMatch(SESSION_TOKEN_PATTERN);
    expect(newSessionTokens().sessionToken).not.toBe(t.sessionToken);
    const digest = tokenDigest(t.csrfToken);
    expect(csrfMatches(t.csrfToken, digest)).toBe(true);
    expect(csrfMatches(`${t.csrfToken}x`, digest)).toBe(false);
    expect(csrfMatches(undefined, digest)).toBe(false);
  });

  it('ends a session after 30 idle minutes, and after 12 hours in any case', () => {
    const created = new Date('2026-11-29T08:00:00Z');
    expect(sessionExpiry(created, created).toISOString()).toBe('2026-11-29T08:30:00.000Z');
    expect(sessionExpiry(created, new Date('2026-11-29T19:50:00Z')).toISOString()).toBe('2026-11-29T20:00:00.000Z');
  });
});
