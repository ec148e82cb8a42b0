/**
 * Profit sharing (分账) arithmetic of one order, pure, in bigint fen.
 *
 * An order flagged for sharing holds its net (amount A − fee F) in the merchant's escrow.
 *   escrow E = A − F − split − released − refundedFromEscrow
 * where `split` counts the shares of processing and succeeded splits net of reversals.
 *
 * - A split of S is allowed while S ≤ A − F − split − released − refunds (pending and succeeded
 *   refunds of the order: a refund waiting at the channel keeps its money), and while the
 *   shares of receivers other than the order's merchant stay within the tenant's cap
 *   (⌊A × capBp / 10 000⌋ over all the order's splits).
 * - A release (finish, or the tenant's maximum hold) moves E to the merchant.
 * - A refund R draws on the escrow first, then reverses splits newest first (分账回退, only those
 *   within the tenant's window), and takes the rest from the merchant's payable.
 */

export const MAX_SPLIT_RECEIVERS = 50;
export const DEFAULT_RECEIVER_CAP_BP = 3000;
export const DEFAULT_MAX_HOLD_DAYS = 30;
export const DEFAULT_REVERSE_WINDOW_DAYS = 180;

export interface EscrowPosition {
  amountFen: bigint;
  feeFen: bigint;
  /** shares of processing + succeeded splits, net of reversals */
  splitFen: bigint;
  /** the part of splitFen that went to receivers other than the order's merchant */
  splitToOthersFen: bigint;
  releasedFen: bigint;
  refundedFromEscrowFen: bigint;
}

export interface ShareRequest {
  merchantId: string;
  amountFen: bigint;
}

export type SplitRefusal =
  | { ok: false; code: 'order_not_splittable'; message: string }
  | { ok: false; code: 'split_exceeds_available'; message: string; availableFen: bigint }
  | { ok: false; code: 'split_receiver_cap_exceeded'; message: string; capFen: bigint }
  | { ok: false; code: 'invalid_request'; message: string };

/** What the escrow holds now (never negative when the rules below were kept). */
export function escrowFen(p: EscrowPosition): bigint {
  return p.amountFen - p.feeFen - p.splitFen - p.releasedFen - p.refundedFromEscrowFen;
}

/** What a new split may still move: the net less what was split, released or refunded (pending refunds included); never negative. */
export function splittableFen(p: Pick<EscrowPosition, 'amountFen' | 'feeFen' | 'splitFen' | 'releasedFen'>, refundsCommittedFen: bigint): bigint {
  const left = p.amountFen - p.feeFen - p.splitFen - p.releasedFen - refundsCommittedFen;
  return left > 0n ? left : 0n;
}

/** The most receivers other than the order's merchant may get over all its splits. */
export function receiverCapFen(amountFen: bigint, capBp: number): bigint {
  if (!Number.isInteger(capBp) || capBp < 0 || capBp > 10_000) throw new RangeError('capBp must be an integer 0..10000');
  return (amountFen * BigInt(capBp)) / 10_000n;
}

export function decideSplit(input: {
  orderState: string;
  finished: boolean;
  orderMerchantId: string;
  position: EscrowPosition;
  refundsCommittedFen: bigint;
  capBp: number;
  shares: readonly ShareRequest[];
}): { ok: true; totalFen: bigint; toOthersFen: bigint } | SplitRefusal {
  const { position: p, shares } = input;
  if (input.orderState !== 'succeeded' || input.finished)
    return {
      ok: false,
      code: 'order_not_splittable',
      message: input.finished
        ? 'profit sharing of this order is finished: its remainder was released to the merchant'
        : `a ${input.orderState} order cannot be split`,
    };
  if (shares.length < 1 || shares.length > MAX_SPLIT_RECEIVERS)
    return { ok: false, code: 'invalid_request', message: `a split names 1 to ${MAX_SPLIT_RECEIVERS} receivers` };
  if (new Set(shares.map((s) => s.merchantId)).size !== shares.length)
    return { ok: false, code: 'invalid_request', message: 'a receiver appears twice in one split' };
  let total = 0n;
  let others = 0n;
  for (const s of shares) {
    if (s.amountFen <= 0n) return { ok: false, code: 'invalid_request', message: 'every share is at least 1 fen' };
    total += s.amountFen;
    if (s.merchantId !== input.orderMerchantId) others += s.amountFen;
  }
  const available = splittableFen(p, input.refundsCommittedFen);
  if (total > available)
    return {
      ok: false,
      code: 'split_exceeds_available',
      availableFen: available,
      message: `the split of ${total} fen is more than the ${available} fen this order still has to split (amount less fee, splits, release and refunds)`,
    };
  const cap = receiverCapFen(p.amountFen, input.capBp);
  if (p.splitToOthersFen + others > cap)
    return {
      ok: false,
      code: 'split_receiver_cap_exceeded',
      capFen: cap,
      message: `receivers other than the order's merchant may get at most ${cap} fen of this order (${input.capBp / 100}%); ${p.splitToOthersFen} fen already went to them`,
    };
  return { ok: true, totalFen: total, toOthersFen: others };
}

/** A receiver's share of a succeeded split, and how much of it is still reversible. */
export interface ReversibleShare {
  lineNo: number;
  merchantId: string;
  remainingFen: bigint;
}

export interface ReversibleSplit {
  splitId: string;
  shares: readonly ReversibleShare[];
}

export interface RefundDraw {
  /** taken from the escrow (including what the reversals brought back) */
  fromEscrowFen: bigint;
  /** 分账回退: per split, what goes back from each receiver to the escrow */
  reversals: Array<{ splitId: string; shares: Array<{ lineNo: number; merchantId: string; amountFen: bigint }> }>;
  /** what is left: taken from the merchant's payable */
  fromPayableFen: bigint;
}

/**
 * How a refund of R is covered: the escrow first, then reversals of the given splits in the
 * given order (newest first, those within the window), then the merchant's payable.
 */
export function planRefundDraw(refundFen: bigint, escrowNowFen: bigint, reversible: readonly ReversibleSplit[]): RefundDraw {
  if (refundFen <= 0n) throw new RangeError('a refund is positive');
  let need = refundFen;
  const fromHeld = escrowNowFen > 0n ? (escrowNowFen < need ? escrowNowFen : need) : 0n;
  need -= fromHeld;
  let reversed = 0n;
  const reversals: RefundDraw['reversals'] = [];
  for (const split of reversible) {
    if (need === 0n) break;
    const shares: Array<{ lineNo: number; merchantId: string; amountFen: bigint }> = [];
    for (const s of split.shares) {
      if (need === 0n) break;
      if (s.remainingFen <= 0n) continue;
      const r = s.remainingFen < need ? s.remainingFen : need;
      shares.push({ lineNo: s.lineNo, merchantId: s.merchantId, amountFen: r });
      need -= r;
      reversed += r;
    }
    if (shares.length > 0) reversals.push({ splitId: split.splitId, shares });
  }
  return { fromEscrowFen: fromHeld + reversed, reversals, fromPayableFen: need };
}

/** Whether an order's escrow is due for release: paid at least `holdMs` ago. */
export function holdExpired(paidAt: Date, now: Date, holdMs: number): boolean {
  return now.getTime() - paidAt.getTime() >= holdMs;
}
