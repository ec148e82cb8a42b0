import { fixKafkajsIdleLoop } from './kafkajs-idle-fix';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs' request queue is not exported from its index
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (o: object) => {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
  scheduleRequestTimeoutCheck(): void;
  requestTimeoutIntervalId: NodeJS.Timeout | undefined;
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  destroy(): void;
};

const queue = (enforceRequestTimeout = false) =>
  new RequestQueue({
    maxInFlightRequests: 5,
    requestTimeout: 30_000,
    enforceRequestTimeout,
    clientId: 'spec',
    broker: 'b:9092',
    logger: { debug: () => {}, warn: () => {}, error: () => {}, info: () => {} },
  });

describe('kafkajs request queue, idle', () => {
  it('spins without the fix: a timer is armed with nothing pending and nothing throttled (kafkajs#1556)', () => {
    const q = queue();
    q.scheduleCheckPendingRequests();
    // kafkajs' own method (the fix is not installed yet in this test)
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    q.destroy();
  });

  it('arms no timer when idle once fixed, and still schedules pending or throttled work', () => {
    fixKafkajsIdleLoop();
    const idle = queue();
    idle.scheduleCheckPendingRequests();
    expect(idle.throttleCheckTimeoutId).toBeNull();

    const waiting = queue();
    waiting.pending.push({});
    waiting.scheduleCheckPendingRequests();
    expect(waiting.throttleCheckTimeoutId).not.toBeNull();
    waiting.destroy();

    const throttled = queue();
    throttled.throttledUntil = Date.now() + 500;
    throttled.scheduleCheckPendingRequests();
    expect(throttled.throttleCheckTimeoutId).not.toBeNull();
    throttled.destroy();
  });
});

describe('kafkajs request queue, request-timeout check', () => {
  it('sets one timer for the earliest in-flight deadline (none while idle), and still times requests out', async () => {
    fixKafkajsIdleLoop();
    const q = queue(true);
    (q as unknown as { isConnected: () => boolean }).isConnected = () => true;
    q.scheduleRequestTimeoutCheck(); // what a connection does once connected
    expect(q.requestTimeoutIntervalId).toBeUndefined(); // kafkajs' own: an interval every 100 ms, forever

    const timedOut: number[] = [];
    const request = (id: number, timeoutMs: number) => ({
      sentAt: Date.now(),
      requestTimeout: timeoutMs,
      timeoutRequest: () => {
        timedOut.push(id);
        q.inflight.delete(id);
      },
    });
    q.inflight.set(1, request(1, 60_000)); // a consumer's long poll
    expect(q.requestTimeoutIntervalId).toBeDefined();
    q.inflight.set(2, request(2, 80)); // an earlier deadline re-arms the one timer
    await new Promise((r) => setTimeout(r, 200));
    expect(timedOut).toEqual([2]);
    expect(q.requestTimeoutIntervalId).toBeDefined(); // re-armed for request 1

    q.inflight.delete(1);
    expect(q.requestTimeoutIntervalId).toBeUndefined();
    q.inflight.set(3, request(3, 30_000));
    q.inflight.clear();
    expect(q.requestTimeoutIntervalId).toBeUndefined();
    q.destroy();
  });
});
