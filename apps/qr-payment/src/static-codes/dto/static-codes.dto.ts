import { IsString, Matches } from 'class-validator';
import { IsAmountFen, type Fen } from '@countypay/contracts';

export class StaticPayDto {
  /** the amount the payer typed on the resolve page */
  @IsAmountFen()
  amountFen!: Fen;

  /** the payer's id in the wallet (e.g. the WeChat openid the page obtained) */
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: '$property must be 1 to 64 of A-Z a-z 0-9 _ . : -' })
  payerId!: string;
}
