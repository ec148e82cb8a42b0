/** A simulated channel order's states and the one table of its transitions. */
export const PAYMENT_STATUSES = ['user_paying', 'succeeded', 'failed', 'reversed', 'closed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type PaymentAction = 'succeed' | 'fail' | 'reverse' | 'close';

/**
 * 撤销 (reverse) cancels a payment that is still waiting for the payer or already succeeded
 * (the money goes back); reversing a failed order is accepted, as the real channels do.
 * 关单 (close) only ends an unpaid order. Repeating a reverse or a close is idempotent.
 */
const TRANSITIONS: Record<PaymentStatus, Partial<Record<PaymentAction, PaymentStatus>>> = {
  user_paying: { succeed: 'succeeded', fail: 'failed', reverse: 'reversed', close: 'closed' },
  succeeded: { reverse: 'reversed' },
  failed: { reverse: 'reversed', close: 'closed' },
  reversed: { reverse: 'reversed' },
  closed: { close: 'closed' },
};

/** The state after `action`, or undefined when the action is not allowed from `from`. */
export function nextStatus(from: PaymentStatus, action: PaymentAction): PaymentStatus | undefined {
  return TRANSITIONS[from][action];
}
