import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min } from 'class-validator';
import { defineEvent } from '../../envelope';
import { IsAmountFen, type Fen } from '../../money';

/**
 * Credit events (credit service → settlement ledger, gateway webhooks `credit.*`). No personal
 * data: the customer is the partner's own reference, never a name, ID or phone number.
 */
export class CreditLineData {
  @IsUUID()
  lineId!: string;

  @IsString()
  @MaxLength(40)
  partnerAppId!: string;

  /** the partner's reference of its customer */
  @IsString()
  @MaxLength(64)
  customerRef!: string;

  @IsAmountFen()
  limitFen!: Fen;

  @IsIn(['active', 'frozen', 'closed'])
  state!: 'active' | 'frozen' | 'closed';

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  expiresOn!: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;

  @IsISO8601({ strict: true })
  at!: string;
}

export class CreditDrawdownData {
  @IsUUID()
  loanId!: string;

  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsUUID()
  holdId!: string;

  /** the calling payment service and its order (reconciliation with payment.* events) */
  @IsIn(['credit', 'acquiring', 'qr-payment'])
  caller!: 'credit' | 'acquiring' | 'qr-payment';

  @IsString()
  @MaxLength(100)
  paymentRef!: string;

  @IsOptional()
  @IsUUID()
  merchantId?: string;

  @IsAmountFen()
  principalFen!: Fen;

  @IsInt()
  @Min(1)
  installments!: number;

  /** the disclosed APR in ppm per annum (129 600 = 12.96 %) */
  @IsInt()
  @Min(0)
  aprPpm!: number;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditLineOpenedV1 = defineEvent({ type: 'credit.line-opened', version: 1, dataClass: CreditLineData, key: (d) => d.lineId });
export const CreditLineChangedV1 = defineEvent({ type: 'credit.line-changed', version: 1, dataClass: CreditLineData, key: (d) => d.lineId });
export const CreditDrawdownCreatedV1 = defineEvent({ type: 'credit.drawdown-created', version: 1, dataClass: CreditDrawdownData, key: (d) => d.lineId });
export const CreditDrawdownReversedV1 = defineEvent({ type: 'credit.drawdown-reversed', version: 1, dataClass: CreditDrawdownData, key: (d) => d.lineId });

/** A refund of a drawdown, before or after billing (principal first; the interest on it returned pro rata). */
export class CreditDrawdownRefundData {
  @IsUUID()
  refundId!: string;

  @IsUUID()
  loanId!: string;

  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsOptional()
  @IsUUID()
  merchantId?: string;

  /** the principal refunded (the merchant gives it back; the loan shrinks by it) */
  @IsAmountFen()
  principalFen!: Fen;

  /** unpaid interest no longer owed (interest on the refunded principal, pro rata) */
  @IsAmountFen({ allowZero: true })
  interestReturnedFen!: Fen;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditDrawdownRefundedV1 = defineEvent({
  type: 'credit.drawdown-refunded',
  version: 1,
  dataClass: CreditDrawdownRefundData,
  key: (d) => d.lineId,
});

export class CreditRepaymentData {
  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsOptional()
  @IsUUID()
  repaymentId?: string;

  @IsIn(['manual', 'payoff', 'auto_debit'])
  kind!: 'manual' | 'payoff' | 'auto_debit';

  @IsAmountFen()
  amountFen!: Fen;

  /** how the repayment was applied (fees → penalty → interest → principal); absent when it failed */
  @IsOptional()
  @IsAmountFen({ allowZero: true })
  principalFen?: Fen;

  @IsOptional()
  @IsAmountFen({ allowZero: true })
  interestFen?: Fen;

  @IsOptional()
  @IsAmountFen({ allowZero: true })
  feeFen?: Fen;

  @IsOptional()
  @IsAmountFen({ allowZero: true })
  penaltyFen?: Fen;

  /** a failed automatic debit: the core banking reason (insufficient_funds, card_frozen…) */
  @IsOptional()
  @Matches(/^[a-z_]+$/)
  reason?: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditRepaymentReceivedV1 = defineEvent({ type: 'credit.repayment-received', version: 1, dataClass: CreditRepaymentData, key: (d) => d.lineId });
export const CreditRepaymentFailedV1 = defineEvent({ type: 'credit.repayment-failed', version: 1, dataClass: CreditRepaymentData, key: (d) => d.lineId });

/** A line's statement of a cycle (账单) was issued by the statement job of a business date. */
export class CreditStatementData {
  @IsUUID()
  statementId!: string;

  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  statementDate!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate!: string;

  /** what the line owes as of the statement (billed and overdue installments, unpaid parts) */
  @IsAmountFen({ allowZero: true })
  totalDueFen!: Fen;

  @IsAmountFen({ allowZero: true })
  minimumPaymentFen!: Fen;

  /** drawdowns made in the cycle */
  @IsAmountFen({ allowZero: true })
  newDrawdownsFen!: Fen;

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditStatementIssuedV1 = defineEvent({ type: 'credit.statement-issued', version: 1, dataClass: CreditStatementData, key: (d) => d.lineId });

/**
 * A refund above the drawdown's unpaid principal (the customer had already repaid it): the excess
 * was credited to the customer's county account by core banking (ADR 0016). Emitted when the bank
 * confirms the credit; the ledger moves it from the merchant's payable to the customers' deposits.
 */
export class CreditCashRefundData {
  @IsUUID()
  refundId!: string;

  @IsUUID()
  loanId!: string;

  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @IsOptional()
  @IsUUID()
  merchantId?: string;

  /** the partner's refund number */
  @IsString()
  @MaxLength(64)
  outRefundNo!: string;

  /** credited to the customer's county account */
  @IsAmountFen()
  cashFen!: Fen;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditCashRefundedV1 = defineEvent({ type: 'credit.cash-refunded', version: 1, dataClass: CreditCashRefundData, key: (d) => d.lineId });

/**
 * A statement changed after it was issued: a repayment or a refund paid part of what it billed
 * (a living statement: billed, paid to date, remaining, status).
 */
export class CreditStatementUpdatedData {
  @IsUUID()
  statementId!: string;

  @IsUUID()
  lineId!: string;

  /** the partner app that owns the line (whose webhooks are told) */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  partnerAppId?: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  statementDate!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dueDate!: string;

  /** what the statement billed (as issued) */
  @IsAmountFen({ allowZero: true })
  totalDueFen!: Fen;

  /** repaid or refunded against it since */
  @IsAmountFen({ allowZero: true })
  paidToDateFen!: Fen;

  @IsAmountFen({ allowZero: true })
  remainingDueFen!: Fen;

  @IsIn(['open', 'paid', 'overdue'])
  status!: 'open' | 'paid' | 'overdue';

  /** what changed it */
  @IsIn(['repayment', 'refund'])
  cause!: 'repayment' | 'refund';

  @IsISO8601({ strict: true })
  at!: string;
}

export const CreditStatementUpdatedV1 = defineEvent({
  type: 'credit.statement-updated',
  version: 1,
  dataClass: CreditStatementUpdatedData,
  key: (d) => d.lineId,
});
