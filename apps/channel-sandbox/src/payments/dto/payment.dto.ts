import { IsIn, IsNotEmpty, IsOptional, IsString, IsUrl, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import type { PaymentKind } from '../payments.repository';

const TENANT = { message: 'tenantId must be t followed by six digits' };

export class CreatePaymentDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsUUID()
  orderId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  merchantId!: string;

  @IsAmountFen()
  amountFen!: Fen;

  @IsIn(['payer_code', 'qr_static', 'qr_dynamic'])
  kind!: PaymentKind;

  /** the code scanned at the POS (required for kind payer_code) */
  @ValidateIf((o: CreatePaymentDto) => o.kind === 'payer_code' || o.payerCode !== undefined)
  @Matches(/^\d{10,32}$/, { message: 'payerCode must be 10 to 32 digits' })
  payerCode?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'payerId must be 1 to 64 letters, digits or _.:-' })
  payerId?: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(512)
  notifyUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  description?: string;
}

export class TenantQueryDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;
}

export class TenantBodyDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;
}

export class CreateRefundDto {
  @Matches(/^t\d{6}$/, TENANT)
  tenantId!: string;

  @IsUUID()
  orderId!: string;

  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'refundId must be 1 to 64 letters, digits or _.:-' })
  refundId!: string;

  @IsAmountFen()
  amountFen!: Fen;
}
