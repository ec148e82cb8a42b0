/**
 * Posting rules of credit payment (events of the credit service), pure; amounts are bigint fen.
 *
 *   credit.drawdown-created P:       Dr loans_receivable                P
 *                                    Cr merchant_payable:<merchant>     P   (credit_clearing when no merchant is named)
 *   credit.drawdown-reversed P:      the drawdown's entry reversed (refund before billing)
 *   credit.drawdown-refunded R:      Dr merchant_payable:<merchant> R   (credit_clearing when no merchant is named)
 *                                    Cr loans_receivable                R   (the interest returned was never recognised: cash basis)
 *   credit.cash-refunded C:          Dr merchant_payable:<merchant> C   (credit_clearing when no merchant is named)
 *                                    Cr customer_deposits               C   (credited to the customer's county account: the
 *                                                                            part of a refund the customer had already repaid)
 *   credit.repayment-received A:     Dr customer_deposits               A   (debited from the customer's county account)
 *                                    Cr loans_receivable                principal
 *                                    Cr interest_income                 interest
 *                                    Cr credit_fee_income               fees
 *                                    Cr penalty_income                  penalty
 *                                    Cr credit_clearing                 A − the parts (an unapplied remainder)
 *
 * Interest is recognised when repaid (cash basis): billing posts nothing yet. A line of 0 fen is
 * left out; every entry balances (property-tested).
 *
 * Wired in LedgerService.onCreditDrawdownCreated/…Reversed/onCreditRepaymentReceived (the
 * settlement consumer's subscriptions, app.module.ts); accounts in domain/chart-of-accounts.ts.
 */
import {
  CREDIT_CLEARING,
  CREDIT_FEE_INCOME,
  CUSTOMER_DEPOSITS,
  INTEREST_INCOME,
  LOANS_RECEIVABLE,
  merchantPayable,
  PENALTY_INCOME,
} from '../domain/chart-of-accounts';

export { CREDIT_CLEARING, CREDIT_FEE_INCOME, CUSTOMER_DEPOSITS, INTEREST_INCOME, LOANS_RECEIVABLE, PENALTY_INCOME };

export type CreditDirection = 'debit' | 'credit';

export interface CreditPostingLine {
  readonly account: string;
  readonly direction: CreditDirection;
  readonly amountFen: bigint;
}

function lines(...all: CreditPostingLine[]): CreditPostingLine[] {
  for (const l of all) if (l.amountFen < 0n) throw new RangeError(`negative posting on ${l.account}`);
  return all.filter((l) => l.amountFen > 0n);
}

export function drawdownEntry(d: { principalFen: bigint; merchantId?: string | null }): CreditPostingLine[] {
  if (d.principalFen <= 0n) throw new RangeError('a drawdown must be positive');
  const payee = d.merchantId ? merchantPayable(d.merchantId) : CREDIT_CLEARING;
  return lines(
    { account: LOANS_RECEIVABLE, direction: 'debit', amountFen: d.principalFen },
    { account: payee, direction: 'credit', amountFen: d.principalFen },
  );
}

export function drawdownReversedEntry(d: { principalFen: bigint; merchantId?: string | null }): CreditPostingLine[] {
  return drawdownEntry(d).map((l) => ({ ...l, direction: l.direction === 'debit' ? 'credit' : 'debit' }));
}

/** A refund of R fen of a drawdown's principal (before or after billing): the drawdown's entry for R, reversed. */
export function drawdownRefundedEntry(r: { refundFen: bigint; merchantId?: string | null }): CreditPostingLine[] {
  return drawdownReversedEntry({ principalFen: r.refundFen, merchantId: r.merchantId });
}

/** A refund of principal the customer had already repaid: C fen credited to the customer's county account (ADR 0016). */
export function cashRefundEntry(r: { cashFen: bigint; merchantId?: string | null }): CreditPostingLine[] {
  if (r.cashFen <= 0n) throw new RangeError('a cash refund must be positive');
  const payer = r.merchantId ? merchantPayable(r.merchantId) : CREDIT_CLEARING;
  return lines({ account: payer, direction: 'debit', amountFen: r.cashFen }, { account: CUSTOMER_DEPOSITS, direction: 'credit', amountFen: r.cashFen });
}

export function repaymentEntry(r: { amountFen: bigint; principalFen: bigint; interestFen: bigint; feeFen: bigint; penaltyFen: bigint }): CreditPostingLine[] {
  const parts = r.principalFen + r.interestFen + r.feeFen + r.penaltyFen;
  if (r.amountFen <= 0n || parts > r.amountFen) throw new RangeError('a repayment must be positive and cover its parts');
  return lines(
    { account: CUSTOMER_DEPOSITS, direction: 'debit', amountFen: r.amountFen },
    { account: LOANS_RECEIVABLE, direction: 'credit', amountFen: r.principalFen },
    { account: INTEREST_INCOME, direction: 'credit', amountFen: r.interestFen },
    { account: CREDIT_FEE_INCOME, direction: 'credit', amountFen: r.feeFen },
    { account: PENALTY_INCOME, direction: 'credit', amountFen: r.penaltyFen },
    { account: CREDIT_CLEARING, direction: 'credit', amountFen: r.amountFen - parts },
  );
}

export function creditEntryBalances(entry: readonly CreditPostingLine[]): boolean {
  let debit = 0n;
  let credit = 0n;
  for (const l of entry)
    if (l.direction === 'debit') debit += l.amountFen;
    else credit += l.amountFen;
  return debit === credit && entry.length > 0;
}
