/**
 * kafkajs 2.2.4 spins while idle: its request queue's `scheduleCheckPendingRequests` sets a
 * timer even when nothing is pending and nothing is throttled — with a negative delay, so it
 * fires after 1 ms and re-arms itself, forever, on every broker connection (kafkajs#1556,
 * #1704; the fixes, #1667 and #1768, are not merged upstream). Measured here: every service
 * burned ~26 ms of CPU per second and ~900 wake-ups per second doing nothing.
 *
 * The same method with the missing case: no timer when there is nothing to send and nothing to
 * wait for. A pushed request that cannot go at once is pending and still schedules its check; a
 * throttle still schedules the check for its end; a fulfilled request checks the queue directly.
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

let patched = false;

/** Replaces kafkajs' request-queue method once per process (createKafka calls it). */
export function fixKafkajsIdleLoop(): void {
  if (patched) return;
  // kafkajs publishes its sources; the class is not exported from its index
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueLike };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  patched = true;
}
