import { IsIn, IsInt, IsISO8601, IsString, IsUUID, MaxLength, Min, MinLength } from 'class-validator';
import { PARTNER_KINDS, type PartnerKind } from '@countypay/contracts';
import { ApiSchema } from '@countypay/service-kit';
import type { ActivityStatus } from '../../domain/state-machine';

export class CreatePartnerRequest {
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['成都天府商城'] })
  name!: string;

  @IsIn(PARTNER_KINDS)
  @ApiSchema({ description: "what kind of partner it is; a `county_bank_app` (a county bank's own app) sees every merchant of its county" })
  kind!: PartnerKind;
}

/** A partner: a company whose apps call the open API (province-level: it may have apps in many counties). */
export class Partner {
  @IsUUID()
  partnerId!: string;

  @IsString()
  @ApiSchema({ examples: ['成都天府商城'] })
  name!: string;

  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @IsIn(['active', 'suspended'])
  @ApiSchema({ description: "a suspended partner's apps cannot call the API" })
  status!: ActivityStatus;

  @IsInt()
  @Min(1)
  version!: number;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}
