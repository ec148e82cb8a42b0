import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { OPERATOR_TOKEN_PATTERN } from '../../domain/operator-token';

export const OPERATOR_ROLES = ['province', 'county'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];
export const OPERATOR_STATUSES = ['active', 'disabled'] as const;
export type OperatorStatus = (typeof OPERATOR_STATUSES)[number];

const TENANT_ID = /^t\d{6}$/;

/** Internal (gateway): a bearer token to resolve. */
export class AuthenticateOperatorRequest {
  @MaxLength(300)
  @IsString()
  token!: string;
}

export class CreateOperatorRequest {
  @IsIn(OPERATOR_ROLES)
  @ApiSchema({ description: '`county`: an operator of one county bank, bound to `tenantId`; `province`: a province operator, above every county' })
  role!: OperatorRole;

  @ValidateIf((o: CreateOperatorRequest) => o.role === 'county' || o.tenantId !== undefined)
  @Matches(TENANT_ID, { message: 'tenantId must be t followed by six digits' })
  @ApiSchema({ description: 'the county of a county operator (required for it; refused for a province operator)', examples: ['t510121'] })
  tenantId?: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ description: "the operator's name, as the console shows it", examples: ['金堂农商银行运营'] })
  name!: string;
}

/** `GET /v1/admin/operators`: newest first. */
export class ListOperatorsQuery extends PageQuery {
  @IsOptional()
  @Matches(TENANT_ID, { message: 'tenantId must be t followed by six digits' })
  @ApiSchema({ description: "only this county's operators", examples: ['t510121'] })
  tenantId?: string;
}

/** An operator account of the console (its token is never shown again after creation). */
export class Operator {
  @IsUUID()
  operatorId!: string;

  @IsIn(OPERATOR_ROLES)
  role!: OperatorRole;

  @Nullable()
  @Matches(TENANT_ID)
  @ApiSchema({ description: "a county operator's county; null for a province operator", examples: ['t510121'] })
  tenantId!: string | null;

  @IsString()
  @ApiSchema({ examples: ['金堂农商银行运营'] })
  name!: string;

  @IsIn(OPERATOR_STATUSES)
  @ApiSchema({ description: "a disabled operator's token no longer works" })
  status!: OperatorStatus;

  @IsISO8601()
  createdAt!: string;
}

/** A new operator with its bearer token — shown in this answer only (the platform keeps only its SHA-256). */
export class CreatedOperator extends Operator {
  @Matches(OPERATOR_TOKEN_PATTERN)
  @ApiSchema({
    description: 'the bearer token (`Authorization: Bearer cpo_…`), shown this once',
    examples: ['cpo_q3Vw8nZ0Jx5mR2kT7yB4cH6dL9fG1sA0pE3uI8oW2zX'],
  })
  token!: string;
}
