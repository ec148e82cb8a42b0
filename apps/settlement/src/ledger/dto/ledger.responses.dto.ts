import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import {
  PAYMENT_CHANNELS,
  PAYMENT_PRODUCTS,
  SETTLEMENT_SOURCE_TYPES,
  type PaymentChannel,
  type PaymentProduct,
  type SettlementSourceType,
} from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';

/**
 * The ledger's answers. Amounts are integer fen (CNY minor units); account codes name the account
 * and, by their prefix, its type: `channel_receivable:<channel>` (asset), `merchant_payable:<merchantId>`
 * (liability), `fee_income` (income).
 */

const ACCOUNT_CODE = /^[a-z_]+(:[0-9a-z_-]+)?$/;
const MERCHANT = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const ACCOUNT_EXAMPLE = `merchant_payable:${MERCHANT}`;

@ApiSchema({ examples: [{ merchantId: MERCHANT, payableFen: 9962, currency: 'CNY', asOf: '2026-11-29T06:00:00.123Z' }] })
export class MerchantBalance {
  @IsUUID()
  merchantId!: string;

  @IsInt()
  @ApiSchema({
    description: 'what the tenant owes the merchant, in fen: its payments net of fees, less refunds; negative when refunds exceeded it',
    examples: [9962],
  })
  payableFen!: number;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  @ApiSchema({ description: 'the moment the balance was read', examples: ['2026-11-29T06:00:00.123Z'] })
  asOf!: string;
}

/** One line of a journal entry. */
export class LedgerPosting {
  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the line number within the entry, from 1', examples: [1] })
  line!: number;

  @IsString()
  @Matches(ACCOUNT_CODE)
  @ApiSchema({ description: 'the account posted to', examples: [ACCOUNT_EXAMPLE] })
  account!: string;

  @IsIn(['debit', 'credit'])
  direction!: 'debit' | 'credit';

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the amount in fen', examples: [9962] })
  amountFen!: number;
}

/** A journal entry: the postings of one money event, debits equal to credits. */
@ApiSchema({
  examples: [
    {
      id: '6f1d2c3b-8a4e-4f5d-9b6c-7e8f9a0b1c2d',
      sourceEventId: '1c9e7a52-3b4d-4c6e-8f0a-2b3c4d5e6f70',
      sourceType: 'payment.succeeded',
      orderId: '3f6c2a9e-1b4d-4e8a-9c71-5d2e8f0a6b13',
      refundId: null,
      merchantId: MERCHANT,
      product: 'qr',
      channel: 'wechat',
      amountFen: 10000,
      feeFen: 38,
      feeRateBp: 38,
      currency: 'CNY',
      occurredAt: '2026-11-29T05:59:58.412Z',
      postedAt: '2026-11-29T06:00:00.123Z',
      postings: [
        { line: 1, account: 'channel_receivable:wechat', direction: 'debit', amountFen: 10000 },
        { line: 2, account: ACCOUNT_EXAMPLE, direction: 'credit', amountFen: 9962 },
        { line: 3, account: 'fee_income', direction: 'credit', amountFen: 38 },
      ],
    },
  ],
})
export class LedgerEntry {
  @IsUUID()
  id!: string;

  @IsUUID()
  @ApiSchema({ description: 'the id of the event (payment or refund succeeded) this entry was posted for' })
  sourceEventId!: string;

  @IsIn(SETTLEMENT_SOURCE_TYPES)
  sourceType!: SettlementSourceType;

  @IsUUID()
  @ApiSchema({ description: 'the payment order; the payout for a payout; the loan (drawdown) or the repayment for a credit entry' })
  orderId!: string;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the refund, for a refund entry; null for a payment', examples: [null] })
  refundId!: string | null;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the merchant; null for a credit entry without one (a repayment, a drawdown paid to no named merchant)' })
  merchantId!: string | null;

  @IsIn([...PAYMENT_PRODUCTS, 'settlement'])
  @ApiSchema({ description: "the product of the payment or refund; 'settlement' for a merchant payout (its orderId is the payout id)" })
  product!: PaymentProduct | 'settlement';

  @IsIn(PAYMENT_CHANNELS)
  channel!: PaymentChannel;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the payment or refund amount in fen', examples: [10000] })
  amountFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "the merchant's fee charged by this entry, in fen (0 for refunds: fees are not returned)", examples: [38] })
  feeFen!: number;

  @Nullable()
  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the fee rate applied, in basis points; null when no fee rule applied', examples: [38] })
  feeRateBp!: number | null;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  @ApiSchema({ description: 'when the payment or refund succeeded', examples: ['2026-11-29T05:59:58.412Z'] })
  occurredAt!: string;

  @IsISO8601({ strict: true })
  @ApiSchema({ description: 'when the entry was posted to the ledger', examples: ['2026-11-29T06:00:00.123Z'] })
  postedAt!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => LedgerPosting)
  postings!: LedgerPosting[];
}

/** One account's line of the trial balance. */
export class TrialBalanceAccount {
  @IsString()
  @Matches(ACCOUNT_CODE)
  @ApiSchema({ description: 'the account code', examples: ['channel_receivable:wechat'] })
  account!: string;

  @IsIn(['asset', 'liability', 'income'])
  type!: 'asset' | 'liability' | 'income';

  @IsIn(['debit', 'credit'])
  @ApiSchema({ description: "the side on which the account's balance is positive" })
  normalSide!: 'debit' | 'credit';

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'every debit ever posted to the account, in fen', examples: [10000] })
  postedDebitsFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'every credit ever posted to the account, in fen', examples: [3000] })
  postedCreditsFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the balance in the debit column, in fen (0 when the balance is on the credit side)', examples: [7000] })
  debitFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the balance in the credit column, in fen (0 when the balance is on the debit side)', examples: [0] })
  creditFen!: number;
}

/** The tenant's trial balance: every account's balance in its debit or credit column; the two totals agree. */
@ApiSchema({
  examples: [
    {
      accounts: [
        {
          account: 'channel_receivable:wechat',
          type: 'asset',
          normalSide: 'debit',
          postedDebitsFen: 10000,
          postedCreditsFen: 3000,
          debitFen: 7000,
          creditFen: 0,
        },
        { account: 'fee_income', type: 'income', normalSide: 'credit', postedDebitsFen: 0, postedCreditsFen: 38, debitFen: 0, creditFen: 38 },
        { account: ACCOUNT_EXAMPLE, type: 'liability', normalSide: 'credit', postedDebitsFen: 3000, postedCreditsFen: 9962, debitFen: 0, creditFen: 6962 },
      ],
      debitsFen: 7000,
      creditsFen: 7000,
      balanced: true,
      currency: 'CNY',
      asOf: '2026-11-29T06:00:00.123Z',
    },
  ],
})
export class TrialBalance {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TrialBalanceAccount)
  accounts!: TrialBalanceAccount[];

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the total of the debit column, in fen', examples: [7000] })
  debitsFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'the total of the credit column, in fen', examples: [7000] })
  creditsFen!: number;

  @IsBoolean()
  @ApiSchema({ description: 'whether the debit and credit totals agree (always true for a sound ledger)' })
  balanced!: boolean;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  @ApiSchema({ description: 'the moment the balances were read', examples: ['2026-11-29T06:00:00.123Z'] })
  asOf!: string;
}
