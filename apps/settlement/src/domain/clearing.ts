/**
 * Clearing (pure): each merchant's net for a settlement window, and the batch's tie-out.
 *
 *   gross   = payments − refunds                 (what the channels owe for the merchant)
 *   net     = gross − fees + brought forward     (what the county bank owes the merchant)
 *   reserve = ⌊net × reserveBp / 10 000⌋          (D+0 only, kept back to the next batch)
 *   payout  = net − reserve                      (when net > 0 and the merchant is not held)
 *
 * A held merchant's net stays payable (held); a net ≤ 0 (refunds beyond payments) is carried.
 * Held and carried nets and reserves are brought forward into the merchant's next batch, so
 * nothing owed is ever dropped. Tie-out, for every batch:
 *   Σ payouts + Σ fees + Σ reserves + Σ held + Σ carried = Σ clearing (gross) + Σ brought forward
 */
export interface MerchantActivity {
  readonly merchantId: string;
  readonly paymentCount: number;
  readonly paymentsFen: bigint;
  readonly refundCount: number;
  readonly refundsFen: bigint;
  readonly feesFen: bigint;
  /** held or carried nets and reserves of the merchant's earlier batches, not yet paid */
  readonly broughtForwardFen: bigint;
}

export type ItemStatus = 'payable' | 'held' | 'carried';

export interface ClearingItem extends MerchantActivity {
  readonly grossFen: bigint;
  readonly netFen: bigint;
  readonly reserveFen: bigint;
  readonly payoutFen: bigint;
  readonly status: ItemStatus;
  /** the hold's reason, when held */
  readonly holdReason: string | null;
}

export interface ClearingPolicy {
  readonly cycle: 'T1' | 'D0';
  /** basis points of a D+0 net kept back (0 for T+1) */
  readonly reserveBp: number;
  /** merchants whose payouts an operator holds, with the reason */
  readonly holds: ReadonlyMap<string, string>;
}

export interface TieOut {
  readonly clearingFen: bigint;
  readonly broughtForwardFen: bigint;
  readonly payoutFen: bigint;
  readonly feeFen: bigint;
  readonly reserveFen: bigint;
  readonly heldFen: bigint;
  readonly carriedFen: bigint;
  readonly balanced: boolean;
}

export function clearItem(a: MerchantActivity, policy: ClearingPolicy): ClearingItem {
  // fees may be negative: a refund can return (pro rata) part of a fee charged in an earlier window
  if (a.paymentsFen < 0n || a.refundsFen < 0n) throw new RangeError('payments and refunds are never negative');
  const grossFen = a.paymentsFen - a.refundsFen;
  const netFen = grossFen - a.feesFen + a.broughtForwardFen;
  const holdReason = policy.holds.get(a.merchantId) ?? null;
  if (netFen <= 0n) return { ...a, grossFen, netFen, reserveFen: 0n, payoutFen: 0n, status: 'carried', holdReason };
  if (holdReason !== null) return { ...a, grossFen, netFen, reserveFen: 0n, payoutFen: 0n, status: 'held', holdReason };
  const reserveFen = policy.cycle === 'D0' ? (netFen * BigInt(policy.reserveBp)) / 10_000n : 0n;
  return { ...a, grossFen, netFen, reserveFen, payoutFen: netFen - reserveFen, status: 'payable', holdReason };
}

export function clearWindow(activity: readonly MerchantActivity[], policy: ClearingPolicy): ClearingItem[] {
  return [...activity].sort((x, y) => (x.merchantId < y.merchantId ? -1 : x.merchantId > y.merchantId ? 1 : 0)).map((a) => clearItem(a, policy));
}

/** The tie-out of a batch's items against the clearing total computed independently (from the ledger). */
export function tieOut(items: readonly ClearingItem[], clearingFen: bigint): TieOut {
  let payoutFen = 0n;
  let feeFen = 0n;
  let reserveFen = 0n;
  let heldFen = 0n;
  let carriedFen = 0n;
  let broughtForwardFen = 0n;
  for (const i of items) {
    broughtForwardFen += i.broughtForwardFen;
    payoutFen += i.payoutFen;
    feeFen += i.feesFen;
    reserveFen += i.reserveFen;
    if (i.status === 'held') heldFen += i.netFen;
    if (i.status === 'carried') carriedFen += i.netFen;
  }
  const balanced = payoutFen + feeFen + reserveFen + heldFen + carriedFen === clearingFen + broughtForwardFen;
  return { clearingFen, broughtForwardFen, payoutFen, feeFen, reserveFen, heldFen, carriedFen, balanced };
}

/** How many distinct county operators must approve a batch paying out `payoutFen`. */
export function approvalsRequired(payoutFen: bigint, thresholdFen: bigint): 1 | 2 {
  return payoutFen > thresholdFen ? 2 : 1;
}
