import { feeFen } from '@countypay/money';
import { FEE_INCOME, channelReceivable, merchantPayable, type Direction } from './chart-of-accounts';

/**
 * Posting rules: which journal lines a money event produces. Pure; amounts are bigint fen.
 *
 *   payment.succeeded A, fee F:  Dr channel_receivable:<channel> A
 *                                Cr merchant_payable:<merchant>   A − F
 *                                Cr fee_income                    F
 *   refund.succeeded R:          Dr merchant_payable:<merchant>   R
 *                                Cr channel_receivable:<channel> R   (the fee is kept: the default)
 *   refund.succeeded R, fee returned pro rata f:
 *                                Dr merchant_payable:<merchant>   R − f
 *                                Dr fee_income                    f
 *                                Cr channel_receivable:<channel> R
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

/** A fee-plan rule as the tenant config carries it (amounts as JSON fen). */
export interface FeeRuleLike {
  readonly product: string;
  readonly channel: string;
  readonly rateBp: number;
  readonly minFeeFen: number;
}

/** The most specific rule of the plan for (product, channel): the exact channel beats `*`; the first of equals wins. */
export function selectFeeRule(plan: readonly FeeRuleLike[], product: string, channel: string): FeeRuleLike | undefined {
  return plan.find((r) => r.product === product && r.channel === channel) ?? plan.find((r) => r.product === product && r.channel === '*');
}

export interface PaymentInput {
  readonly amountFen: bigint;
  readonly product: string;
  readonly channel: string;
  readonly merchantId: string;
  readonly feePlan: readonly FeeRuleLike[];
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
      { account: channelReceivable(p.channel), direction: 'debit', amountFen: p.amountFen },
      { account: merchantPayable(p.merchantId), direction: 'credit', amountFen: p.amountFen - fee },
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
}

export function refundSucceededEntry(r: RefundInput): EntryPlan {
  if (r.amountFen <= 0n) throw new RangeError('a refund amount must be positive');
  const f = r.returnedFeeFen ?? 0n;
  if (f < 0n || f > r.amountFen) throw new RangeError('a returned fee lies between 0 and the refund amount');
  return {
    amountFen: r.amountFen,
    feeFen: f,
    feeRule: null,
    lines: nonZero([
      { account: merchantPayable(r.merchantId), direction: 'debit', amountFen: r.amountFen - f },
      { account: FEE_INCOME, direction: 'debit', amountFen: f },
      { account: channelReceivable(r.channel), direction: 'credit', amountFen: r.amountFen },
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
