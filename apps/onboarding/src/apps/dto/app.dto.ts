import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { APP_SCOPES, SIGNATURE_ALGS, type AppScope, type SignatureAlg } from '@countypay/contracts';
import { PageQueryDto } from '../../common/pagination';
import { isIpOrCidr } from '../../domain/network';

function IsIpOrCidr(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIpOrCidr',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must hold IP addresses or CIDR blocks', ...options },
      validator: { validate: (v: unknown) => typeof v === 'string' && isIpOrCidr(v) },
    });
}

/** `{ alg: 'HMAC-SHA256' }` (the platform makes the secret) or `{ alg: 'SM2-SM3' | 'RSA-SHA256', publicKey }`. */
export class CredentialDto {
  @IsIn(SIGNATURE_ALGS)
  alg!: SignatureAlg;

  @ValidateIf((o: CredentialDto) => o.alg !== 'HMAC-SHA256' || o.publicKey !== undefined)
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  publicKey?: string;
}

/** Rotation: `alg` defaults to the current credential's. */
export class RotateCredentialDto {
  @IsOptional()
  @IsIn(SIGNATURE_ALGS)
  alg?: SignatureAlg;

  @IsOptional()
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  publicKey?: string;
}

const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };

export class CreateAppDto {
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  name!: string;

  @ArrayUnique()
  @IsIn(APP_SCOPES, { each: true })
  @IsArray()
  scopes!: AppScope[];

  @ArrayMaxSize(10)
  @IsUrl(URL_OPTIONS, { each: true })
  @IsArray()
  callbackUrls!: string[];

  @IsOptional()
  @ArrayMaxSize(50)
  @IsIpOrCidr({ each: true })
  @IsArray()
  ipAllowlist?: string[];

  @ValidateNested()
  @Type(() => CredentialDto)
  @IsObject()
  credential!: CredentialDto;
}

export class UpdateAppDto {
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  name?: string;

  @IsOptional()
  @ArrayUnique()
  @IsIn(APP_SCOPES, { each: true })
  @IsArray()
  scopes?: AppScope[];

  @IsOptional()
  @ArrayMaxSize(10)
  @IsUrl(URL_OPTIONS, { each: true })
  @IsArray()
  callbackUrls?: string[];

  @IsOptional()
  @ArrayMaxSize(50)
  @IsIpOrCidr({ each: true })
  @IsArray()
  ipAllowlist?: string[];
}

export class AppListQueryDto extends PageQueryDto {
  @IsOptional()
  @Matches(/^t\d{6}$/, { message: 'tenantId must be t followed by six digits' })
  tenantId?: string;

  @IsOptional()
  @IsUUID()
  partnerId?: string;
}
