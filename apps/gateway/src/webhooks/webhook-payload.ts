import type { EventEnvelope } from '@countypay/contracts';

/** The JSON a partner receives; `id` is also the `webhook-id` header (stable across retries). */
export interface WebhookPayload<T extends object = object> {
  id: string;
  /** the event type, e.g. `payment.succeeded`, `refund.failed` */
  type: string;
  /** unix seconds when the event occurred */
  created: number;
  tenantId: string;
  data: T;
}

/** The events partners receive, each in its own Kafka topic (see webhook-events.service.ts). */
export const WEBHOOK_EVENT_TYPES = [
  'payment.succeeded',
  'payment.failed',
  'payment.closed',
  'refund.succeeded',
  'refund.failed',
  'split.succeeded',
  'split.failed',
  'split.released',
  'split.reversed',
  // credit payment: the partner app that owns the customer's credit line
  'credit.line-opened',
  'credit.line-changed',
  'credit.drawdown-created',
  'credit.drawdown-reversed',
  'credit.drawdown-refunded',
  'credit.statement-issued',
  'credit.statement-updated',
  'credit.cash-refunded',
  'credit.repayment-received',
  'credit.repayment-failed',
  'payout.succeeded',
  'payout.failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function webhookPayload<T extends object>(event: EventEnvelope<T>): WebhookPayload<T> {
  const ms = Date.parse(event.occurredAt);
  if (!Number.isFinite(ms)) throw new Error(`event ${event.id}: occurredAt is not a date`);
  return { id: event.id, type: event.type, created: Math.floor(ms / 1000), tenantId: event.tenantId, data: event.data };
}

/** The exact body bytes, fixed when the delivery is created so every retry sends (and signs) the same. */
export function webhookBody(event: EventEnvelope): string {
  return JSON.stringify(webhookPayload(event));
}

/** Only http(s) URLs are ever called. */
export function isDeliverableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
