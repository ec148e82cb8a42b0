import { ClientRateLimiter, clientAddress } from './client-rate-limiter';

const T0 = 1_800_000_000_000 - (1_800_000_000_000 % 60_000); // the start of a minute

describe('ClientRateLimiter (public routes, per client address)', () => {
  it('allows the limit within a minute, refuses the next with Retry-After, and counts clients apart', () => {
    const l = new ClientRateLimiter(5);
    for (let i = 0; i < 5; i++) expect(l.hit('10.0.0.1', T0 + i).allowed).toBe(true);
    const refused = l.hit('10.0.0.1', T0 + 10);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(l.hit('10.0.0.2', T0 + 10).allowed).toBe(true);
  });

  it('slides: the previous minute still weighs at the start of the next, and is gone a minute later', () => {
    const l = new ClientRateLimiter(10);
    for (let i = 0; i < 10; i++) l.hit('c', T0 + 59_000);
    l.hit('c', T0 + 60_100); // 1 + ⌊10 × 0.998⌋ = 10: the last one allowed
    expect(l.hit('c', T0 + 60_200).allowed).toBe(false); // ~all of the previous window is still inside the sliding minute
    expect(l.hit('c', T0 + 120_000 + 59_000).allowed).toBe(true);
  });

  it('stays bounded: old clients are dropped when the map is full', () => {
    const l = new ClientRateLimiter(10, 100);
    for (let i = 0; i < 1000; i++) l.hit(`c${i}`, T0 + i);
    expect(l.size).toBeLessThanOrEqual(100);
  });
});

describe('clientAddress', () => {
  it('is the TCP peer unless proxies are trusted', () => {
    expect(clientAddress('::ffff:10.1.2.3', '1.1.1.1', 0)).toBe('10.1.2.3');
  });
  it('takes the address the trusted proxies saw, never a client-supplied earlier hop', () => {
    expect(clientAddress('10.0.0.9', 'spoofed, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.9', '198.51.100.1, 203.0.113.7, 10.0.0.8', 2)).toBe('203.0.113.7');
  });
  it('falls back to the peer on a malformed header', () => {
    expect(clientAddress('10.0.0.9', '<script>', 1)).toBe('10.0.0.9');
  });
});
