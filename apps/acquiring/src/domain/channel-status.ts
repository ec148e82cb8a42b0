import type { OrderEvent } from './order-state';

/** What a channel says about its payment (notification or query). */
export const CHANNEL_STATUSES = ['succeeded', 'failed', 'user_paying', 'reversed', 'closed'] as const;
export type ChannelPaymentStatus = (typeof CHANNEL_STATUSES)[number];

/**
 * The order event a channel status stands for: only `succeeded` and `failed` finish a payment;
 * `user_paying` means the payer has not finished; `closed`/`reversed` at the channel are the
 * echo of our own close (the order's close is decided by us, never by a notification).
 */
export function orderEventOfChannelStatus(status: ChannelPaymentStatus): OrderEvent | undefined {
  switch (status) {
    case 'succeeded':
      return 'payment_succeeded';
    case 'failed':
      return 'payment_failed';
    case 'user_paying':
    case 'reversed':
    case 'closed':
      return undefined;
    default: {
      const never: never = status;
      throw new Error(`unknown channel status ${String(never)}`);
    }
  }
}

const REASON = /^[a-z_]{1,40}$/;

/** A channel's reason as a stable reason code (anything else: the fallback). */
export function reasonCode(reason: string | undefined, fallback: string): string {
  return reason && REASON.test(reason) ? reason : fallback;
}
