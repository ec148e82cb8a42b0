import { feeFen, selectFeeRule, type FeeRuleLike } from '@countypay/money';
import { FEE_INCOME, merchantEscrow, merchantPayable, paymentSourceAccount, type Direction } from './chart-of-accounts';

/**
 * Posting rules: which journal lines a money event produces. Pure; amounts are bigint fen.
 *
 *   payment.succeeded A, fee F:  Dr channel_receivable:<channel> A   (credit_clearing for county_credit: paymentSourceAccount)
 *                                Cr merchant_payable:<merchant>   A − F
 *                                Cr fee_income                    F
 *   refund.succeeded R:          Dr merchant_payable:<merchant>   R
 *                                Cr channel_receivable:<channel> R   (the fee is kept: the default)
 *   refund.succeeded R, fee returned pro rata f:
 *                                Dr merchant_payable:<merchant>   R − f
 *                                Dr fee_income                    f
 *                                Cr channel_receivable:<channel> R
 *
 *
 * Profit sharing (分账), an order flagged for sharing:
 *   payment.succeeded, escrow:   as above, but Cr merchant_escrow:<merchant> A − F
 *   split.succeeded S = Σ sᵢ:    Dr merchant_escrow:<merchant>  S;  Cr merchant_payable:<receiverᵢ> sᵢ
 *   split.released X:            Dr merchant_escrow:<merchant>  X;  Cr merchant_payable:<merchant> X
 *   split.reversed (回退) Σ rᵢ:  Dr merchant_payable:<receiverᵢ> rᵢ; Cr merchant_escrow:<merchant> Σ rᵢ
 *   refund.succeeded R, e from escrow: the merchant_payable debit is split: Dr merchant_escrow e,
 *                                Dr merchant_payable R − f − e (f: the returned fee, if any)
 *
 * A line of 0 fen is left out (a posting is always > 0). Every entry balances.
 */

export interface PostingLine {
  readonly account: string;
  readonly direction: Direction;
  readonly amountFen: bigint;
}

export interface AppliedFeeRule {
  readonly channel: string;
  readonly rateBp: number;
  readonly minFeeFen: bigint;
}

export interface EntryPlan {
  readonly amountFen: bigint;
  readonly feeFen: bigint;
  /** the fee rule applied (none for refunds, or when the tenant's plan has no rule for the product) */
  readonly feeRule: AppliedFeeRule | null;
  readonly lines: readonly PostingLine[];
}

// the fee-rule selection is the money lib's (acquiring's profit sharing computes the same fee)
export { selectFeeRule, type FeeRuleLike };

export interface PaymentInput {
  readonly amountFen: bigint;
  readonly product: string;
  readonly channel: string;
  readonly merchantId: string;
  readonly feePlan: readonly FeeRuleLike[];
  /** profit sharing: the net is held in the merchant's escrow */
  readonly escrow?: boolean;
}

export function paymentSucceededEntry(p: PaymentInput): EntryPlan {
  if (p.amountFen <= 0n) throw new RangeError('a payment amount must be positive');
  const rule = selectFeeRule(p.feePlan, p.product, p.channel);
  const applied: AppliedFeeRule | null = rule ? { channel: rule.channel, rateBp: rule.rateBp, minFeeFen: BigInt(rule.minFeeFen) } : null;
  const fee = applied ? feeFen(p.amountFen, applied.rateBp, applied.minFeeFen) : 0n;
  return {
    amountFen: p.amountFen,
    feeFen: fee,
    feeRule: applied,
    lines: nonZero([
      { account: paymentSourceAccount(p.channel), direction: 'debit', amountFen: p.amountFen },
      { account: p.escrow ? merchantEscrow(p.merchantId) : merchantPayable(p.merchantId), direction: 'credit', amountFen: p.amountFen - fee },
      { account: FEE_INCOME, direction: 'credit', amountFen: fee },
    ]),
  };
}

export interface RefundInput {
  readonly amountFen: bigint;
  readonly channel: string;
  readonly merchantId: string;
  /** the part of the payment's fee this refund gives back to the merchant (0 when the tenant keeps fees) */
  readonly returnedFeeFen?: bigint;
  /** profit sharing: the part of the refund taken from the order's escrow (at most R − f) */
  readonly escrowFen?: bigint;
}

export function refundSucceededEntry(r: RefundInput): EntryPlan {
  if (r.amountFen <= 0n) throw new RangeError('a refund amount must be positive');
  const f = r.returnedFeeFen ?? 0n;
  if (f < 0n || f > r.amountFen) throw new RangeError('a returned fee lies between 0 and the refund amount');
  const e = r.escrowFen ?? 0n;
  if (e < 0n || e > r.amountFen - f) throw new RangeError('the escrow part of a refund lies between 0 and the refund amount less the returned fee');
  return {
    amountFen: r.amountFen,
    feeFen: f,
    feeRule: null,
    lines: nonZero([
      { account: merchantEscrow(r.merchantId), direction: 'debit', amountFen: e },
      { account: merchantPayable(r.merchantId), direction: 'debit', amountFen: r.amountFen - f - e },
      { account: FEE_INCOME, direction: 'debit', amountFen: f },
      { account: paymentSourceAccount(r.channel), direction: 'credit', amountFen: r.amountFen },
    ]),
  };
}

/**
 * The fee a refund returns when the tenant returns fees pro rata: cumulative over the order's
 * refunds, ⌊F × refunded / A⌋ minus what earlier refunds returned — so the order's refunds
 * together never return more than the fee, and a full refund returns all of it.
 */
export function proRataReturnedFee(p: {
  paymentFen: bigint;
  paymentFeeFen: bigint;
  refundedBeforeFen: bigint;
  returnedBeforeFen: bigint;
  refundFen: bigint;
}): bigint {
  if (p.paymentFen <= 0n) return 0n;
  const refunded = p.refundedBeforeFen + p.refundFen > p.paymentFen ? p.paymentFen : p.refundedBeforeFen + p.refundFen;
  const due = (p.paymentFeeFen * refunded) / p.paymentFen - p.returnedBeforeFen;
  return due > 0n ? (due > p.refundFen ? p.refundFen : due) : 0n;
}

export interface Share {
  readonly merchantId: string;
  readonly amountFen: bigint;
}

function shareTotal(shares: readonly Share[]): bigint {
  if (shares.length === 0) throw new RangeError('a split has at least one receiver');
  let t = 0n;
  for (const s of shares) {
    if (s.amountFen <= 0n) throw new RangeError('a share must be positive');
    t += s.amountFen;
  }
  return t;
}

/** split.succeeded: escrow of the order's merchant → each receiver's payable. */
export function splitSucceededEntry(merchantId: string, shares: readonly Share[]): EntryPlan {
  const total = shareTotal(shares);
  return {
    amountFen: total,
    feeFen: 0n,
    feeRule: null,
    lines: [
      { account: merchantEscrow(merchantId), direction: 'debit', amountFen: total },
      ...shares.map((s): PostingLine => ({ account: merchantPayable(s.merchantId), direction: 'credit', amountFen: s.amountFen })),
    ],
  };
}

/** split.released: the unsplit remainder, escrow → the merchant's payable. */
export function splitReleasedEntry(merchantId: string, amountFen: bigint): EntryPlan {
  if (amountFen <= 0n) throw new RangeError('a release must be positive');
  return {
    amountFen,
    feeFen: 0n,
    feeRule: null,
    lines: [
      { account: merchantEscrow(merchantId), direction: 'debit', amountFen },
      { account: merchantPayable(merchantId), direction: 'credit', amountFen },
    ],
  };
}

/** split.reversed (分账回退): each receiver's payable → the order's escrow. */
export function splitReversedEntry(merchantId: string, shares: readonly Share[]): EntryPlan {
  const total = shareTotal(shares);
  return {
    amountFen: total,
    feeFen: 0n,
    feeRule: null,
    lines: [
      ...shares.map((s): PostingLine => ({ account: merchantPayable(s.merchantId), direction: 'debit', amountFen: s.amountFen })),
      { account: merchantEscrow(merchantId), direction: 'credit', amountFen: total },
    ],
  };
}

export function totals(lines: readonly PostingLine[]): { debitsFen: bigint; creditsFen: bigint } {
  let debitsFen = 0n;
  let creditsFen = 0n;
  for (const l of lines) {
    if (l.direction === 'debit') debitsFen += l.amountFen;
    else creditsFen += l.amountFen;
  }
  return { debitsFen, creditsFen };
}

export function isBalanced(lines: readonly PostingLine[]): boolean {
  const t = totals(lines);
  return lines.length >= 2 && t.debitsFen === t.creditsFen && lines.every((l) => l.amountFen > 0n);
}

export interface AccountDelta {
  readonly account: string;
  readonly debitsFen: bigint;
  readonly creditsFen: bigint;
  readonly postings: number;
}

/** The entry's effect per account (one balance update per account), in first-line order. */
export function accountDeltas(lines: readonly PostingLine[]): AccountDelta[] {
  const byAccount = new Map<string, { debitsFen: bigint; creditsFen: bigint; postings: number }>();
  for (const l of lines) {
    const d = byAccount.get(l.account) ?? { debitsFen: 0n, creditsFen: 0n, postings: 0 };
    if (l.direction === 'debit') d.debitsFen += l.amountFen;
    else d.creditsFen += l.amountFen;
    d.postings += 1;
    byAccount.set(l.account, d);
  }
  return [...byAccount].map(([account, d]) => ({ account, ...d }));
}

function nonZero(lines: PostingLine[]): PostingLine[] {
  return lines.filter((l) => l.amountFen !== 0n);
}
