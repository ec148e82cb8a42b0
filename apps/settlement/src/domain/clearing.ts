/**
 * Clearing (pure): each merchant's net for a settlement window, and the batch's tie-out.
 *
 * Clearing is every movement of the merchant's payable account (`merchant_payable:<merchant>`) in
 * the window, whatever product produced it (ADR 0014) — payouts aside, which are clearing's result.
 * Each movement is told apart by the journal entry that made it:
 *
 *   gross   = payments − refunds + splits in − splits out + credit sales + adjustments
 *   net     = gross − fees + brought forward     (what the county bank owes the merchant)
 *   reserve = ⌊net × reserveBp / 10 000⌋          (D+0 only, kept back to the next batch)
 *   payout  = net − reserve                      (when net > 0 and the merchant is not held)
 *
 * payments/refunds/fees: QR and acquiring payments (gross, their fee — escrowed ones too, on their
 * day) and refunds (gross; the fee a refund returns counts against fees). Splits in: escrow → payable
 * (shares a receiver got, the remainder released to the order's own merchant, the part of a refund
 * the escrow pays); splits out: payable → escrow (reversals (回退) and an escrowed payment's net).
 * Money in escrow is no merchant's payable, so it is paid out only once split or released; an
 * escrowed payment's line (payments A, fees F, splits out A − F) nets 0 and carries its fee into the
 * batch of its day (ADR 0014). Credit sales: drawdowns paid to the merchant less their reversals/refunds (signed).
 * Adjustments: approved reconciliation adjustments and make-up orders (signed).
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
  /** escrow → payable: profit-sharing shares received and remainders released */
  readonly splitsInFen: bigint;
  /** payable → escrow: profit-sharing reversals (回退) */
  readonly splitsOutFen: bigint;
  /** credit drawdowns paid to the merchant, less their reversals and refunds (signed) */
  readonly creditSalesFen: bigint;
  /** reconciliation adjustments and make-up orders (signed) */
  readonly adjustmentsFen: bigint;
  /** held or carried nets and reserves of the merchant's earlier batches, not yet paid */
  readonly broughtForwardFen: bigint;
}

/** A merchant with no movement in the window (only amounts brought forward). */
export function noActivity(merchantId: string, broughtForwardFen = 0n): MerchantActivity {
  return {
    merchantId,
    paymentCount: 0,
    paymentsFen: 0n,
    refundCount: 0,
    refundsFen: 0n,
    feesFen: 0n,
    splitsInFen: 0n,
    splitsOutFen: 0n,
    creditSalesFen: 0n,
    adjustmentsFen: 0n,
    broughtForwardFen,
  };
}

/** payments − refunds + splits in − splits out + credit sales + adjustments: the merchant's clearing before fees. */
export function grossOf(
  a: Pick<MerchantActivity, 'paymentsFen' | 'refundsFen' | 'splitsInFen' | 'splitsOutFen' | 'creditSalesFen' | 'adjustmentsFen'>,
): bigint {
  return a.paymentsFen - a.refundsFen + a.splitsInFen - a.splitsOutFen + a.creditSalesFen + a.adjustmentsFen;
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
  if (a.paymentsFen < 0n || a.refundsFen < 0n || a.splitsInFen < 0n || a.splitsOutFen < 0n)
    throw new RangeError('payments, refunds and splits in or out are never negative');
  const grossFen = grossOf(a);
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
