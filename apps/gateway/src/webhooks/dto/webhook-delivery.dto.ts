import type { DeliveryStatus } from '../retry-schedule';

/** One HTTP attempt of a delivery, as the partner API shows it. */
export interface WebhookAttemptView {
  attemptNo: number;
  triggeredBy: 'schedule' | 'resend';
  /** the receiver's HTTP status; null when no answer came (timeout, connection refused…) */
  statusCode: number | null;
  durationMs: number;
  /** null for a delivered attempt; see AttemptErrorClass */
  errorClass: string | null;
  outcome: 'delivered' | 'failed';
  at: string;
}

export interface WebhookDeliveryView {
  id: string;
  object: 'webhook_delivery';
  /** the event id, also the `webhook-id` header and the payload's `id` */
  eventId: string;
  eventType: string;
  url: string;
  status: DeliveryStatus;
  attemptCount: number;
  /** when the next attempt is due (pending deliveries only) */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attempts: WebhookAttemptView[];
}

export interface WebhookDeliveryPage {
  object: 'list';
  data: WebhookDeliveryView[];
  hasMore: boolean;
  /** pass as `cursor` for the next (older) page; null on the last page */
  nextCursor: string | null;
}
