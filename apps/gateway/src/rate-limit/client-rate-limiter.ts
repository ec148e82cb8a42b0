import { type RateDecision, type WindowCounts, WINDOW_MS, decide, windowStart } from '../domain/rate-window';

interface Counter {
  windowStart: number;
  current: number;
  previous: number;
}

/**
 * Limits the public routes (static-code pages and payments, EMVCo decode, cashier pages) per
 * client address: anonymous callers have no app and no tenant, so their counters cannot live
 * in the tenant-scoped table. The same sliding one-minute estimate as the app limits
 * (domain/rate-window.ts), kept in this gateway instance's memory — each instance enforces the
 * limit on what it receives (as nginx's limit_req does), so behind a load balancer a client gets
 * at most `instances × limit`. The map is bounded: when it is full, counters of windows that
 * have slid out are dropped first, then the oldest.
 */
export class ClientRateLimiter {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly maxClients = 100_000,
  ) {}

  hit(client: string, nowMs = Date.now()): RateDecision {
    const start = windowStart(nowMs);
    let c = this.counters.get(client);
    if (!c) {
      if (this.counters.size >= this.maxClients) this.evict(start);
      c = { windowStart: start, current: 0, previous: 0 };
      this.counters.set(client, c);
    } else if (c.windowStart !== start) {
      c.previous = c.windowStart === start - WINDOW_MS ? c.current : 0;
      c.current = 0;
      c.windowStart = start;
    }
    c.current += 1;
    const counts: WindowCounts = { current: c.current, previous: c.previous };
    return decide(counts, this.limitPerMinute, nowMs);
  }

  get size(): number {
    return this.counters.size;
  }

  private evict(start: number): void {
    for (const [k, c] of this.counters) if (c.windowStart < start - WINDOW_MS) this.counters.delete(k);
    // still full: the clients seen least recently (Map keeps insertion order) make room
    const excess = this.counters.size - this.maxClients + 1;
    if (excess > 0) {
      let n = 0;
      for (const k of this.counters.keys()) {
        if (n++ >= excess) break;
        this.counters.delete(k);
      }
    }
  }
}

/**
 * The client's address: the TCP peer, or — behind `trustedProxies` reverse proxies (an
 * ingress controller) — the address that many hops back in X-Forwarded-For. Headers a client
 * sets itself are never believed beyond the trusted hops.
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string {
  const peer = (remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  if (trustedProxies <= 0 || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // the last `trustedProxies` entries were appended by our proxies; the one before them is the client they saw
  const idx = hops.length - trustedProxies;
  const candidate = idx >= 0 ? hops[idx] : hops[0];
  return candidate && /^[0-9a-fA-F:.]{2,45}$/.test(candidate) ? candidate.replace(/^::ffff:/, '') : peer;
}
