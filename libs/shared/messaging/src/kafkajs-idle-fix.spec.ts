import { fixKafkajsIdleLoop } from './kafkajs-idle-fix';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs' request queue is not exported from its index
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (o: object) => {
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  pending: unknown[];
  scheduleCheckPendingRequests(): void;
  destroy(): void;
};

const queue = () =>
  new RequestQueue({
    maxInFlightRequests: 5,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
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
