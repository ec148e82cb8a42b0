import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, Min, MinLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema, Nullable } from '@countypay/service-kit';

const CUSTOMER_REF = { description: 'your own reference of the customer (no personal data), 1-64 of A-Z a-z 0-9 _ -', examples: ['cust-000123'] };

/** A customer's application for a credit line, made through the partner app with the customer's consent. */
export class CreateCreditApplicationRequest {
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'customerRef must be 1-64 of A-Z a-z 0-9 _ -' })
  @ApiSchema(CUSTOMER_REF)
  customerRef!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @ApiSchema({ description: "the customer's name (stored masked only)", examples: ['张三'] })
  customerName!: string;

  @Matches(/^1[3-9]\d{9}$/, { message: 'mobile must be a mainland mobile number (11 digits)' })
  @ApiSchema({
    description: "the customer's mobile reserved at the county bank: the consent code is sent there (stored masked only)",
    examples: ['13800138000'],
  })
  mobile!: string;

  @Matches(/^\d{6}(\d{3})?$/, { message: 'region must be a 6-digit county or 9-digit township administrative code' })
  @ApiSchema({ description: "the customer's registered region (GB/T 2260 code); a county bank lends only within its county", examples: ['510122'] })
  region!: string;

  @Matches(/^\d{8,32}$/, { message: 'repaymentAccountNo must be 8 to 32 digits' })
  @ApiSchema({
    description: "the customer's deposit account at the county bank that repayments are debited from (stored encrypted, shown masked)",
    examples: ['6222021001012345678'],
  })
  repaymentAccountNo!: string;

  @IsUUID()
  @ApiSchema({ examples: ['6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b'] })
  productId!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the limit asked for, in fen', examples: [5000000] })
  requestedLimitFen!: Fen;
}

export class ConsentRequest {
  @Matches(/^\d{6}$/, { message: 'smsCode must be the 6 digits sent to the customer' })
  @ApiSchema({ examples: ['123456'] })
  smsCode!: string;
}

export class ApproveApplicationRequest {
  @IsAmountFen()
  @ApiSchema({ description: 'the granted limit in fen (at most the unsecured cap)', examples: [5000000] })
  limitFen!: Fen;

  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'expiresOn must be a date YYYY-MM-DD' })
  @ApiSchema({ description: 'the last day the line may be drawn', examples: ['2027-11-30'] })
  expiresOn!: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ examples: ['经营稳定，授信通过'] })
  reason!: string;
}

export class RejectApplicationRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ examples: ['收入证明不足'] })
  reason!: string;
}

export class LineStateRequest {
  @IsIn(['freeze', 'unfreeze', 'close'])
  action!: 'freeze' | 'unfreeze' | 'close';

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @ApiSchema({ examples: ['客户申请冻结'] })
  reason!: string;
}

export class CreditApplication {
  @IsUUID()
  @ApiSchema({ examples: ['1b4e28ba-2fa1-41d2-883f-0016d3cca427'] })
  id!: string;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  @ApiSchema(CUSTOMER_REF)
  customerRef!: string;

  @IsString()
  @ApiSchema({ examples: ['张*'] })
  customerNameMasked!: string;

  @IsString()
  @ApiSchema({ examples: ['138****8000'] })
  mobileMasked!: string;

  @IsString()
  @ApiSchema({ examples: ['510122'] })
  region!: string;

  @IsUUID()
  @ApiSchema({ examples: ['6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b'] })
  productId!: string;

  @IsInt()
  @ApiSchema({ examples: [5000000] })
  requestedLimitFen!: number;

  @IsIn(['awaiting_consent', 'pending', 'approved', 'rejected'])
  @ApiSchema({ description: 'awaiting_consent until the customer enters the SMS code; pending until the county bank decides' })
  state!: 'awaiting_consent' | 'pending' | 'approved' | 'rejected';

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['经营稳定，授信通过'] })
  decisionReason!: string | null;

  @Nullable()
  @IsUUID()
  @ApiSchema({ examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  lineId!: string | null;

  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T07:30:00.000Z'] })
  createdAt!: string;
}

export class CreditLine {
  @IsUUID()
  @ApiSchema({ examples: ['0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4'] })
  id!: string;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  @ApiSchema(CUSTOMER_REF)
  customerRef!: string;

  @IsUUID()
  @ApiSchema({ examples: ['6f1c2b9e-3d4a-4e5f-8a7b-9c0d1e2f3a4b'] })
  productId!: string;

  @IsInt()
  @ApiSchema({ description: 'in fen', examples: [5000000] })
  limitFen!: number;

  @IsInt()
  @ApiSchema({ description: 'held by payments not yet completed, in fen', examples: [0] })
  heldFen!: number;

  @IsInt()
  @ApiSchema({ description: 'principal drawn and not repaid, in fen', examples: [120000] })
  drawnFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'limit − held − drawn, in fen', examples: [4880000] })
  availableFen!: number;

  @IsIn(['active', 'frozen', 'closed'])
  state!: 'active' | 'frozen' | 'closed';

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  @ApiSchema({ examples: ['2027-11-30'] })
  expiresOn!: string;

  @Nullable()
  @IsString()
  @ApiSchema({ examples: ['逾期冻结'] })
  stateReason!: string | null;

  @IsOptional()
  @IsISO8601()
  @ApiSchema({ examples: ['2026-11-29T07:30:00.000Z'] })
  createdAt?: string;
}
