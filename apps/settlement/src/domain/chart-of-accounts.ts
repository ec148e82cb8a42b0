/**
 * The chart of accounts of a tenant's ledger. Accounts are opened lazily, at their first
 * posting; a code names the account and, through its prefix, its type and normal side.
 */
export const LOANS_RECEIVABLE = 'loans_receivable';
export const CUSTOMER_DEPOSITS = 'customer_deposits';
export const INTEREST_INCOME = 'interest_income';
export const CREDIT_FEE_INCOME = 'credit_fee_income';
export const PENALTY_INCOME = 'penalty_income';
export const CREDIT_CLEARING = 'credit_clearing';

export type AccountType = 'asset' | 'liability' | 'income';
export type Direction = 'debit' | 'credit';

export interface AccountSpec {
  readonly type: AccountType;
  /** the side on which the account's balance is positive */
  readonly normalSide: Direction;
}

/** money the channel (WeChat Pay, Alipay, UnionPay, the county bank) owes us for captured payments, net of refunds */
export function channelReceivable(channel: string): string {
  return `channel_receivable:${channel}`;
}

/**
 * The account a payment's money comes from, by channel: an external channel owes it
 * (`channel_receivable:<channel>`); a payment with the payer's county credit line
 * (`county_credit`) comes from the loan book — the drawdown credits `credit_clearing` (it names
 * no merchant) and the payment debits it, so the merchant's payable is credited once, by the
 * payment, with its fee (ADR 0016).
 */
export function paymentSourceAccount(channel: string): string {
  return channel === 'county_credit' ? CREDIT_CLEARING : channelReceivable(channel);
}

/** what the tenant owes the merchant: payments net of fees, less refunds (and, later, payouts) */
export function merchantPayable(merchantId: string): string {
  return `merchant_payable:${merchantId}`;
}

/**
 * profit sharing (分账): a merchant's net of orders flagged for sharing, held until the partner
 * splits it to receivers or the remainder is released to the merchant's payable
 */
export function merchantEscrow(merchantId: string): string {
  return `merchant_escrow:${merchantId}`;
}

/** the tenant's fee income */
export const FEE_INCOME = 'fee_income';

/** the county bank's settlement clearing: credited by each merchant payout (money out of the county's settlement account) */
export const BANK_CLEARING = 'bank_clearing';

const PREFIXES: ReadonlyArray<readonly [string, AccountSpec]> = [
  ['channel_receivable:', { type: 'asset', normalSide: 'debit' }],
  ['merchant_payable:', { type: 'liability', normalSide: 'credit' }],
  ['merchant_escrow:', { type: 'liability', normalSide: 'credit' }],
];

const FIXED: ReadonlyMap<string, AccountSpec> = new Map([
  [FEE_INCOME, { type: 'income', normalSide: 'credit' }],
  [BANK_CLEARING, { type: 'asset', normalSide: 'debit' }],
  // credit payment (ledger/credit-postings.ts): the county bank's loan book
  [LOANS_RECEIVABLE, { type: 'asset', normalSide: 'debit' }],
  /** the customers' deposits in core banking: debited by each repayment taken from a customer's account */
  [CUSTOMER_DEPOSITS, { type: 'liability', normalSide: 'credit' }],
  [INTEREST_INCOME, { type: 'income', normalSide: 'credit' }],
  [CREDIT_FEE_INCOME, { type: 'income', normalSide: 'credit' }],
  [PENALTY_INCOME, { type: 'income', normalSide: 'credit' }],
  /** drawdowns paid to no named merchant, and repayments not yet applied */
  [CREDIT_CLEARING, { type: 'liability', normalSide: 'credit' }],
]);

/** The type and normal side of an account code; throws on a code outside the chart. */
export function accountSpec(code: string): AccountSpec {
  const fixed = FIXED.get(code);
  if (fixed) return fixed;
  for (const [prefix, spec] of PREFIXES) if (code.startsWith(prefix) && code.length > prefix.length) return spec;
  throw new RangeError(`account ${code} is not in the chart of accounts`);
}

/** The balance on the account's normal side (may be negative, e.g. a merchant refunded beyond its payable). */
export function normalBalance(spec: AccountSpec, debitsFen: bigint, creditsFen: bigint): bigint {
  return spec.normalSide === 'debit' ? debitsFen - creditsFen : creditsFen - debitsFen;
}
