/**
 * Sliding-window rate limiting over fixed one-minute windows (the approximation Cloudflare and
 * nginx use): the estimate is this window's hits plus the previous window's hits weighted by
 * the part of the previous window still inside the sliding minute. Pure math; the counters
 * live in PostgreSQL (one upsert per request, see rate-limit.repository.ts).
 */

export const WINDOW_MS = 60_000;

/** Start of the fixed window that contains `nowMs`. */
export function windowStart(nowMs: number, windowMs = WINDOW_MS): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

export interface WindowCounts {
  /** hits in the current fixed window, this request included */
  current: number;
  /** hits in the previous fixed window */
  previous: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** requests left in the sliding minute after this one (never negative) */
  remaining: number;
  /** seconds until the current fixed window ends (`X-RateLimit-Reset`) */
  resetSeconds: number;
  /** seconds to wait before retrying (`Retry-After`), when refused */
  retryAfterSeconds: number;
}

/** The sliding estimate of requests in the last minute, this one included. */
export function slidingEstimate(counts: WindowCounts, nowMs: number, windowMs = WINDOW_MS): number {
  const elapsed = nowMs - windowStart(nowMs, windowMs);
  const previousWeight = (windowMs - elapsed) / windowMs;
  return counts.current + Math.floor(counts.previous * previousWeight);
}

export function decide(counts: WindowCounts, limit: number, nowMs: number, windowMs = WINDOW_MS): RateDecision {
  const estimate = slidingEstimate(counts, nowMs, windowMs);
  const resetSeconds = Math.max(1, Math.ceil((windowStart(nowMs, windowMs) + windowMs - nowMs) / 1000));
  const allowed = estimate <= limit;
  let retryAfterSeconds = 0;
  if (!allowed) {
    // Over the limit: wait until enough of the previous window has slid out, or, when this
    // window alone is over the limit, until it ends.
    if (counts.current > limit || counts.previous === 0) {
      retryAfterSeconds = resetSeconds;
    } else {
      const elapsed = nowMs - windowStart(nowMs, windowMs);
      // smallest t with current + previous * (windowMs - elapsed - t) / windowMs < limit + 1
      const needed = ((estimate - limit) * windowMs) / counts.previous;
      retryAfterSeconds = Math.max(1, Math.min(resetSeconds, Math.ceil(Math.min(needed, windowMs - elapsed) / 1000)));
    }
  }
  return { allowed, limit, remaining: Math.max(0, limit - estimate), resetSeconds, retryAfterSeconds };
}
