import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';

const MERCHANT = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';

/** `POST /v1/settlement/merchants/{merchantId}/payout-account`: where the merchant's payouts go. */
export class SetPayoutAccountRequest {
  @Matches(/^\d{6,19}$/, { message: 'accountNo must be 6 to 19 digits' })
  @ApiSchema({ description: "the merchant's settlement account number (stored encrypted; shown as its last four digits)", examples: ['6217000012345678'] })
  accountNo!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(64)
  @ApiSchema({ description: "the account holder's name as the bank has it (a mismatch fails the payout)", examples: ['金堂县好运来超市'] })
  accountName!: string;
}

@ApiSchema({ examples: [{ merchantId: MERCHANT, accountNoLast4: '5678', updatedBy: 'op-li', updatedAt: '2026-11-28T09:00:00.000Z' }] })
export class MerchantPayoutAccount {
  @IsUUID()
  merchantId!: string;

  @Matches(/^\d{4}$/)
  @ApiSchema({ description: 'the last four digits of the account number', examples: ['5678'] })
  accountNoLast4!: string;

  @IsString()
  updatedBy!: string;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}

@ApiSchema({
  examples: [
    {
      id: '9d2f6c1a-4b7e-4f3a-8c21-7e5d9a0b1c2d',
      batchId: '6a1f3c2e-9b7d-4e21-8c55-0f3e7a9d2b41',
      merchantId: MERCHANT,
      attempt: 1,
      instructionId: 'PO-9d2f6c1a-4b7e-4f3a-8c21-7e5d9a0b1c2d',
      amountFen: 89620,
      accountNoLast4: '5678',
      status: 'succeeded',
      failureReason: null,
      ledgerEntryId: '1c7e2b5a-3d9f-4a61-8e20-5b4c3d2e1f0a',
      currency: 'CNY',
      createdAt: '2026-11-29T01:00:00.000Z',
      updatedAt: '2026-11-29T01:00:00.420Z',
    },
  ],
})
export class SettlementPayout {
  @IsUUID()
  id!: string;

  @IsUUID()
  batchId!: string;

  @IsUUID()
  merchantId!: string;

  @IsInt()
  @Min(1)
  @ApiSchema({ description: 'the attempt number: a failed payout is retried under a new attempt and instruction id', examples: [1] })
  attempt!: number;

  @IsString()
  @ApiSchema({ description: 'the instruction id sent to the county core banking (idempotent there)', examples: ['PO-9d2f6c1a-4b7e-4f3a-8c21-7e5d9a0b1c2d'] })
  instructionId!: string;

  @IsInt()
  @Min(1)
  amountFen!: number;

  @Nullable()
  @IsString()
  accountNoLast4!: string | null;

  @IsIn(['pending', 'unknown', 'succeeded', 'failed'])
  @ApiSchema({
    description: 'pending (not sent), unknown (sent, no answer yet: resolved by query), succeeded, failed (the amount stays payable)',
    examples: ['succeeded'],
  })
  status!: 'pending' | 'unknown' | 'succeeded' | 'failed';

  @Nullable()
  @IsString()
  @ApiSchema({ description: 'account_not_found, account_closed, account_frozen, name_mismatch, no_payout_account', examples: [null] })
  failureReason!: string | null;

  @Nullable()
  @IsUUID()
  @ApiSchema({ description: 'the ledger entry of a succeeded payout (Dr merchant payable, Cr bank clearing)', examples: [null] })
  ledgerEntryId!: string | null;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  createdAt!: string;

  @IsISO8601({ strict: true })
  updatedAt!: string;
}
