import { PageQueryDto } from '../../common/pagination';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

export class AuthenticateOperatorDto {
  @MaxLength(300)
  @IsString()
  token!: string;
}

export class CreateOperatorDto {
  /** `county` (bound to one tenant) or `province` */
  @IsIn(['county', 'province'])
  role!: 'county' | 'province';

  /** required for a county operator, refused for a province one */
  @ValidateIf((o: CreateOperatorDto) => o.role === 'county' || o.tenantId !== undefined)
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId?: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  name!: string;
}

export class OperatorListQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId?: string;
}
