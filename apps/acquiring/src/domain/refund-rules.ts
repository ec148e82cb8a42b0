/**
 * May a partner refund `requestFen` of an online order? Pure: amounts are integer fen (bigint).
 *
 * - only a succeeded order is refunded, within 365 days of its payment;
 * - at most 50 refunds per order (every refund asked for counts, failed ones too);
 * - pending refunds count as spent (they may still succeed), so the refunds never add up to
 *   more than was paid.
 */
export const MAX_REFUNDS_PER_ORDER = 50;
export const REFUND_WINDOW_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

export type RefundRefusal = 'order_not_refundable' | 'refund_window_expired' | 'refund_count_exceeded' | 'refund_amount_invalid' | 'refund_exceeds_refundable';

export type RefundDecision =
  { ok: true; refundableFen: bigint; remainingAfterFen: bigint } | { ok: false; code: RefundRefusal; refundableFen: bigint; message: string };

export interface RefundCase {
  orderState: string;
  paidFen: bigint;
  /** pending + succeeded refunds of the order */
  committedFen: bigint;
  /** refunds already asked for (any state) */
  refundCount: number;
  paidAt: Date | null;
  now: Date;
  requestFen: bigint;
}

export function decideRefund(c: RefundCase): RefundDecision {
  if (c.paidFen < 0n || c.committedFen < 0n) throw new RangeError('amounts must not be negative');
  const refundableFen = c.committedFen >= c.paidFen ? 0n : c.paidFen - c.committedFen;
  const no = (code: RefundRefusal, message: string): RefundDecision => ({ ok: false, code, refundableFen, message });
  if (c.orderState !== 'succeeded' || !c.paidAt) return no('order_not_refundable', `only a succeeded order can be refunded; this one is ${c.orderState}`);
  if (c.now.getTime() - c.paidAt.getTime() > REFUND_WINDOW_DAYS * DAY_MS)
    return no('refund_window_expired', `the order was paid on ${c.paidAt.toISOString()}: refunds are accepted within ${REFUND_WINDOW_DAYS} days of payment`);
  if (c.refundCount >= MAX_REFUNDS_PER_ORDER) return no('refund_count_exceeded', `an order takes at most ${MAX_REFUNDS_PER_ORDER} refunds`);
  if (c.requestFen <= 0n) return no('refund_amount_invalid', `a refund amount must be a positive integer number of fen, got ${c.requestFen}`);
  if (c.requestFen > refundableFen)
    return no(
      'refund_exceeds_refundable',
      `a refund of ${c.requestFen} fen exceeds what can still be refunded: ${refundableFen} fen (paid ${c.paidFen}, refunded or pending ${c.committedFen})`,
    );
  return { ok: true, refundableFen, remainingAfterFen: refundableFen - c.requestFen };
}
