import type { Fen } from '@countypay/contracts';
import type { Channel } from '../domain/channels';
import type { PaymentStatus } from '../domain/payment-state';

/** The body a channel POSTs to the payment's notifyUrl. */
export interface PaymentNotification {
  channel: Channel;
  tenantId: string;
  orderId: string;
  channelTradeNo: string;
  status: PaymentStatus;
  amountFen: Fen;
  payerId: string;
  reason?: string;
  /** when the channel's order reached this status (ISO 8601) */
  at: string;
  /** the notification's id; a re-sent (duplicate) notification keeps it */
  notifyId: string;
}

export interface DeliveryRecord {
  notifyId: string;
  channel: Channel;
  tenantId: string;
  orderId: string;
  status: PaymentStatus;
  url: string;
  attempts: number;
  delivered: boolean;
  lastHttpStatus?: number;
  lastError?: string;
  finishedAt?: string;
}
