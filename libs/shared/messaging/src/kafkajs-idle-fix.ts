/**
 * kafkajs 2.2.4 spins while idle, in two places of its request queue (one per broker connection):
 *
 * 1. `scheduleCheckPendingRequests` sets a timer even when nothing is pending and nothing is
 *    throttled — with a negative delay, so it fires after 1 ms and re-arms itself, forever
 *    (kafkajs#1556, #1704; the fixes, #1667 and #1768, are not merged upstream). Measured here:
 *    every service burned ~26 ms of CPU per second and ~900 wake-ups per second doing nothing.
 *    Fixed: the same method with the missing case — no timer when there is nothing to send and
 *    nothing to wait for. A pushed request that cannot go at once is pending and still schedules
 *    its check; a throttle still schedules the check for its end; a fulfilled request checks the
 *    queue directly.
 * 2. `scheduleRequestTimeoutCheck` runs an interval every 100 ms for the connection's whole life
 *    to time out requests in flight — also when none is (10 wake-ups a second per connection).
 *    Fixed: one timer at the earliest in-flight request's deadline (the in-flight map tells the
 *    queue), none while nothing is in flight.
 */

/** kafkajs' CHECK_PENDING_REQUESTS_INTERVAL */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

interface RequestQueueLike {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL_MS;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

interface TimeoutQueueLike {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId: NodeJS.Timeout | undefined;
  inflight: Map<number, { sentAt: number | null; requestTimeout: number; timeoutRequest(): void }>;
  isConnected(): boolean;
  destroy(): void;
  scheduleRequestTimeoutCheck(): void;
}

/**
 * The in-flight requests of a queue, with ONE timer set for the earliest deadline among them
 * (armed by the first request, re-armed when it fires, dropped with the last request) instead
 * of a check every 100 ms. A consumer always has a fetch in flight (a long poll): with kafkajs'
 * interval it woke ten times a second waiting for it.
 */
class InflightRequests<V extends { sentAt: number | null; requestTimeout: number; timeoutRequest(): void }> extends Map<number, V> {
  private deadline = Infinity;

  constructor(
    private readonly queue: TimeoutQueueLike,
    entries: Iterable<[number, V]>,
  ) {
    super(entries);
    this.rearm();
  }

  override set(key: number, value: V): this {
    super.set(key, value);
    // kafkajs records the request in flight just before it sends it and stamps `sentAt` just after: now is its send time
    const deadline = (value.sentAt || Date.now()) + value.requestTimeout;
    // during Map's constructor the queue is not set yet: the constructor arms after it
    if (this.queue && deadline < this.deadline) this.arm(deadline);
    return this;
  }

  override delete(key: number): boolean {
    const had = super.delete(key);
    if (this.size === 0) this.disarm();
    return had;
  }

  override clear(): void {
    super.clear();
    this.disarm();
  }

  private rearm(): void {
    let earliest = Infinity;
    for (const r of this.values()) earliest = Math.min(earliest, (r.sentAt || Date.now()) + r.requestTimeout);
    if (earliest === Infinity) this.disarm();
    else this.arm(earliest);
  }

  private arm(deadline: number): void {
    const q = this.queue;
    clearTimeout(q.requestTimeoutIntervalId);
    this.deadline = deadline;
    // +1 ms: kafkajs times a request out once strictly more than its timeout has passed
    q.requestTimeoutIntervalId = setTimeout(
      () => {
        q.requestTimeoutIntervalId = undefined;
        this.deadline = Infinity;
        const now = Date.now();
        for (const request of [...this.values()]) if (request.sentAt && now - request.sentAt > request.requestTimeout) request.timeoutRequest();
        if (!q.isConnected()) q.destroy();
        else this.rearm();
      },
      Math.max(0, deadline - Date.now() + 1),
    );
  }

  private disarm(): void {
    clearTimeout(this.queue.requestTimeoutIntervalId);
    this.queue.requestTimeoutIntervalId = undefined;
    this.deadline = Infinity;
  }
}

export function scheduleRequestTimeoutCheck(this: TimeoutQueueLike): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = undefined;
  this.inflight = this.inflight instanceof InflightRequests ? this.inflight : new InflightRequests(this, this.inflight);
}

let patched = false;

/** Replaces kafkajs' request-queue method once per process (createKafka calls it). */
export function fixKafkajsIdleLoop(): void {
  if (patched) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs publishes its sources; the request queue class is not exported from its index
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike & TimeoutQueueLike };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck;
  patched = true;
}
