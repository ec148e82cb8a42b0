import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { PARTNER_KINDS, type PartnerKind } from '@countypay/contracts';

export class CreatePartnerDto {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  name!: string;

  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;
}
