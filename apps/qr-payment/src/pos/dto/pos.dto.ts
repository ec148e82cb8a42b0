import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { ApiSchema } from '@countypay/service-kit';
import type { VerificationFactor } from '../../domain/barcode-limits';
import { OUT_NO_MESSAGE, OUT_NO_PATTERN, OUT_TRADE_NO_SCHEMA } from '../../orders/dto/orders.dto';

export const VERIFICATION_FACTORS: readonly VerificationFactor[] = [
  'payment_password',
  'sms_otp',
  'fingerprint',
  'face',
  'device_binding',
  'digital_certificate',
  'electronic_signature',
];

/** The payer's code (customer-presented), scanned at the merchant's till. */
export class CreateQrPosPaymentRequest {
  @IsUUID()
  @ApiSchema({ description: 'the merchant taking the payment (active, of your county)', examples: ['6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e'] })
  merchantId!: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({
    description: "the merchant's POS terminal that scanned the code (active); its store is recorded too",
    examples: ['2c4e6a8b-0d1f-4a3b-8c5d-7e9f0a1b2c3d'],
  })
  terminalId?: string;

  @Matches(OUT_NO_PATTERN, { message: OUT_NO_MESSAGE })
  @ApiSchema(OUT_TRADE_NO_SCHEMA)
  outTradeNo!: string;

  @IsAmountFen()
  @ApiSchema({ description: 'the amount in fen (分); 2350 is ¥23.50', examples: [2350] })
  amountFen!: Fen;

  /** a scanner's trailing CR/LF is stripped */
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/[\r\n]+$/, '') : value))
  @IsString()
  @MaxLength(64)
  @ApiSchema({
    description: "the code as scanned from the payer's wallet (digits; WeChat Pay 10-15…, Alipay 25-30…, UnionPay 62…, the county bank app's own prefix)",
    examples: ['134567890123456789'],
  })
  payerCode!: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(VERIFICATION_FACTORS, { each: true })
  @ApiSchema({
    description: 'how the payer verified in the wallet; decides the PBoC daily limit (none: level C, ¥1,000)',
    examples: [['payment_password', 'sms_otp']],
  })
  verificationFactors?: VerificationFactor[];

  @IsOptional()
  @IsString()
  @MaxLength(128)
  @ApiSchema({ examples: ['金堂县赵镇便民超市 收银台 2'] })
  description?: string;
}
