import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ApiSchema, Nullable } from '@countypay/service-kit';
import { PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from '../../domain/console-credentials';
import { OPERATOR_ROLES, type OperatorRole } from '../../operators/dto/operator.dto';

/** `POST /v1/admin/operators/{operatorId}/console-login`: the operator's console user name and password. */
export class SetConsoleLoginRequest {
  @Matches(USERNAME_PATTERN, { message: 'username must be 3-64 of a-z 0-9 . _ - (lower case), starting with a letter or digit' })
  @ApiSchema({ description: 'the sign-in name (lower case)', examples: ['jintang.ops'] })
  username!: string;

  @MinLength(PASSWORD_MIN_LENGTH, { message: `password must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @MaxLength(200)
  @IsString()
  @ApiSchema({
    description: `at least ${PASSWORD_MIN_LENGTH} characters; stored as a scrypt hash, never shown again`,
    examples: ['correct horse battery staple'],
  })
  password!: string;
}

export class ConsoleLogin {
  @IsUUID()
  operatorId!: string;

  @Matches(USERNAME_PATTERN)
  @ApiSchema({ examples: ['jintang.ops'] })
  username!: string;

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'null: not locked (setting the password unlocks the account)' })
  lockedUntil!: string | null;
}

/** Internal (gateway): a sign-in attempt. */
export class ConsoleSignInRequest {
  @MaxLength(64)
  @IsString()
  username!: string;

  @MaxLength(200)
  @IsString()
  password!: string;
}

export class ConsoleOperator {
  @IsUUID()
  operatorId!: string;

  @IsIn(OPERATOR_ROLES)
  role!: OperatorRole;

  @Nullable()
  @IsString()
  tenantId!: string | null;

  @IsString()
  name!: string;

  @IsString()
  username!: string;
}

export class ConsoleSignedIn {
  @IsString()
  sessionToken!: string;

  @IsString()
  csrfToken!: string;

  @IsISO8601()
  expiresAt!: string;

  @ValidateNested()
  @Type(() => ConsoleOperator)
  operator!: ConsoleOperator;
}

/** Internal (gateway): resolve a session cookie; an unsafe request's CSRF token and what it does (audited). */
export class ResolveConsoleSessionRequest {
  @MaxLength(100)
  @IsString()
  sessionToken!: string;

  @IsOptional()
  @MaxLength(200)
  @IsString()
  csrfToken?: string;

  @IsOptional()
  @MaxLength(10)
  @IsString()
  method?: string;

  @IsOptional()
  @MaxLength(500)
  @IsString()
  path?: string;
}

export class ConsoleSessionView {
  @ValidateNested()
  @Type(() => ConsoleOperator)
  operator!: ConsoleOperator;

  @IsISO8601()
  expiresAt!: string;
}

export class ConsoleSignOutRequest {
  @MaxLength(100)
  @IsString()
  sessionToken!: string;
}
