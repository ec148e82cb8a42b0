import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_SCHEDULE_SECONDS, afterAttempt, describeRetrySchedule } from './retry-schedule';

const now = new Date('2026-11-27T12:00:00.000Z');
const failed = (attemptsMade: number, scale = 1, extra: Partial<Parameters<typeof afterAttempt>[0]> = {}) =>
  afterAttempt({ attemptsMade, succeeded: false, retryable: true, retryOnFailure: true, scale, now, ...extra });

describe('webhook retry schedule', () => {
  it('is the published one: 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 1h, 3h, 3h, 3h, 6h, 6h', () => {
    expect(describeRetrySchedule()).toBe('15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 1h, 3h, 3h, 3h, 6h, 6h');
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(16);
  });

  it('spans about a day', () => {
    const total = WEBHOOK_RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0);
    expect(total).toBe(86_640);
  });

  it('schedules the retry after failed attempt n with the n-th delay', () => {
    expect(failed(1)).toEqual({ status: 'pending', nextAttemptAt: new Date('2026-11-27T12:00:15.000Z'), delayMs: 15_000 });
    expect(failed(4)).toMatchObject({ status: 'pending', delayMs: 180_000 });
    expect(failed(15)).toMatchObject({ status: 'pending', delayMs: 6 * 3600 * 1000 });
  });

  it('fails the delivery when the 16th attempt fails', () => {
    expect(failed(16)).toEqual({ status: 'failed' });
    expect(failed(17)).toEqual({ status: 'failed' });
  });

  it('scales every delay for tests', () => {
    expect(failed(1, 0.01)).toMatchObject({ status: 'pending', delayMs: 150 });
    expect(failed(15, 0.01)).toMatchObject({ delayMs: 216_000 });
  });

  it('marks a success delivered, whatever the attempt', () => {
    expect(afterAttempt({ attemptsMade: 16, succeeded: true, retryable: false, retryOnFailure: false, scale: 1, now })).toEqual({ status: 'delivered' });
  });

  it('does not retry a failure retrying cannot fix, nor a manual resend of a finished delivery', () => {
    expect(failed(1, 1, { retryable: false })).toEqual({ status: 'failed' });
    expect(failed(3, 1, { retryOnFailure: false })).toEqual({ status: 'failed' });
  });
});
