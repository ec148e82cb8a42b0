/**
 * The PUBLISHED webhook retry schedule (also in README.md and the OpenAPI document): after a
 * failed attempt number n (1-based), the next attempt comes WEBHOOK_RETRY_SCHEDULE_SECONDS[n-1]
 * seconds later. 1 first attempt + 15 retries over about a day (86,640 s ≈ 24 h 4 min); when
 * the 16th attempt fails the delivery is `failed` (a partner can still resend it by hand).
 */
export const WEBHOOK_RETRY_SCHEDULE_SECONDS: readonly number[] = Object.freeze([
  15,
  15,
  30,
  3 * 60,
  10 * 60,
  20 * 60,
  30 * 60,
  30 * 60,
  30 * 60,
  60 * 60,
  3 * 3600,
  3 * 3600,
  3 * 3600,
  6 * 3600,
  6 * 3600,
]);

/** Attempts a delivery gets automatically: the first one and one per schedule entry. */
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_SCHEDULE_SECONDS.length + 1;

/** The schedule as people read it: `15s, 15s, 30s, 3m, …, 6h`. */
export function describeRetrySchedule(schedule: readonly number[] = WEBHOOK_RETRY_SCHEDULE_SECONDS): string {
  return schedule.map((s) => (s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`)).join(', ');
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];

export interface AttemptResultInput {
  /** attempts made so far, this one included (1 for the first attempt) */
  attemptsMade: number;
  succeeded: boolean;
  /** false when the failure cannot be fixed by retrying (e.g. the URL is not http(s)) */
  retryable: boolean;
  /** false for a manual resend of a finished delivery: one attempt, no automatic retries */
  retryOnFailure: boolean;
  /** multiplies every delay (WEBHOOK_RETRY_SCALE; 1 in production, e.g. 0.01 in tests) */
  scale: number;
  now: Date;
}

export type NextState = { status: 'delivered' } | { status: 'pending'; nextAttemptAt: Date; delayMs: number } | { status: 'failed' };

/** What happens to a delivery after an attempt: a pure function of the attempt's result. */
export function afterAttempt(input: AttemptResultInput): NextState {
  if (input.succeeded) return { status: 'delivered' };
  if (!input.retryable || !input.retryOnFailure) return { status: 'failed' };
  const delaySeconds = WEBHOOK_RETRY_SCHEDULE_SECONDS[input.attemptsMade - 1];
  if (delaySeconds === undefined) return { status: 'failed' };
  const delayMs = Math.max(0, Math.round(delaySeconds * 1000 * input.scale));
  return { status: 'pending', nextAttemptAt: new Date(input.now.getTime() + delayMs), delayMs };
}
