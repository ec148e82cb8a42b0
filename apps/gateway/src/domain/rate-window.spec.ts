import { decide, slidingEstimate, windowStart } from './rate-window';

describe('rate window math', () => {
  const t0 = Date.parse('2026-11-27T10:00:00Z');

  it('aligns fixed windows on the minute', () => {
    expect(windowStart(t0 + 59_999)).toBe(t0);
    expect(windowStart(t0 + 60_000)).toBe(t0 + 60_000);
  });

  it('weights the previous window by the part still inside the sliding minute', () => {
    expect(slidingEstimate({ current: 10, previous: 100 }, t0)).toBe(110);
    expect(slidingEstimate({ current: 10, previous: 100 }, t0 + 15_000)).toBe(85);
    expect(slidingEstimate({ current: 10, previous: 100 }, t0 + 45_000)).toBe(35);
  });

  it('allows up to the limit and reports what is left', () => {
    expect(decide({ current: 60, previous: 0 }, 60, t0 + 30_000)).toEqual({ allowed: true, limit: 60, remaining: 0, resetSeconds: 30, retryAfterSeconds: 0 });
    expect(decide({ current: 1, previous: 0 }, 60, t0 + 59_500)).toMatchObject({ allowed: true, remaining: 59, resetSeconds: 1 });
  });

  it('refuses over the limit with a Retry-After until the window ends when this window alone is full', () => {
    expect(decide({ current: 61, previous: 0 }, 60, t0 + 20_000)).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 40 });
  });

  it('refuses when the previous window still weighs, until enough of it slid out', () => {
    // estimate at +30 s: 20 + 100 * 0.5 = 70 > 60; 10 requests too many, 100 per minute slide out: 6 s
    const d = decide({ current: 20, previous: 100 }, 60, t0 + 30_000);
    expect(d).toMatchObject({ allowed: false, retryAfterSeconds: 6 });
    expect(slidingEstimate({ current: 20, previous: 100 }, t0 + 36_000)).toBeLessThanOrEqual(60);
  });
});
