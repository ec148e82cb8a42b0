import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import type { VerificationFactor } from '../../domain/barcode-limits';
import { OUT_NO_PATTERN } from '../../orders/dto/orders.dto';

export const VERIFICATION_FACTORS: readonly VerificationFactor[] = [
  'payment_password',
  'sms_otp',
  'fingerprint',
  'face',
  'device_binding',
  'digital_certificate',
  'electronic_signature',
];

export class PosPaymentDto {
  @IsUUID()
  merchantId!: string;

  @IsOptional()
  @IsUUID()
  terminalId?: string;

  @Matches(OUT_NO_PATTERN, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  outTradeNo!: string;

  @IsAmountFen()
  amountFen!: Fen;

  /** the code the cashier scanned; a scanner's trailing CR/LF is stripped */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\r\n]+$/, '') : value))
  @IsString()
  @MaxLength(64)
  payerCode!: string;

  /** how the payer verified in the wallet (decides the PBoC risk level; none: level C) */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(VERIFICATION_FACTORS, { each: true })
  verificationFactors?: VerificationFactor[];

  @IsOptional()
  @IsString()
  @MaxLength(128)
  description?: string;
}
