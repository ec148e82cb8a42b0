import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { CreditQuote } from '../holds/dto/holds.dto';

/** A payment service names the payer's line as the partner app knows its customer. */
export class PayerLineRequest {
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsString()
  @MaxLength(40)
  appId!: string;

  @Matches(/^[A-Za-z0-9_-]{1,64}$/)
  customerRef!: string;
}

export class PayerOffersRequest extends PayerLineRequest {
  @IsAmountFen()
  amountFen!: Fen;
}

/** The payer's open line: enough to check the reserved mobile and to show what is available (no limit details). */
export class PayerLine {
  @IsUUID()
  lineId!: string;

  @IsIn(['active', 'frozen'])
  state!: 'active' | 'frozen';

  @IsString()
  mobileMasked!: string;

  @IsInt()
  availableFen!: number;
}

/** The installment plans the payer may choose for this amount, each with its schedule and APR. */
export class PayerOffers extends PayerLine {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreditQuote)
  options!: CreditQuote[];
}
