import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';
import { OUT_NO_PATTERN } from '../../orders/dto/orders.dto';

export class CreateRefundDto {
  /** the partner's refund number, unique per order: the same number is the same refund */
  @Matches(OUT_NO_PATTERN, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ - | * .' })
  outRefundNo!: string;

  @IsAmountFen()
  amountFen!: Fen;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}
