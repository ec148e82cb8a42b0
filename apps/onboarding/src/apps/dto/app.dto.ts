import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { APP_SCOPES, SIGNATURE_ALGS, type AppScope, type SignatureAlg } from '@countypay/contracts';
import { ApiSchema, Nullable, PageQuery } from '@countypay/service-kit';
import { isIpOrCidr } from '../../domain/network';
import type { ActivityStatus } from '../../domain/state-machine';

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

/**
 * At most 50 IPv4/IPv6 addresses or CIDR blocks. (The schema is written out: a custom validator
 * on an array would otherwise be described as an array of `Array`.)
 */
function IpAllowlist(description: string): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    ArrayMaxSize(50),
    IsIpOrCidr({ each: true }),
    ApiSchema((s) => ({ ...s, items: { type: 'string', description: 'an IPv4 or IPv6 address or CIDR block' }, description, examples: [['10.0.0.0/8']] })),
  );
}

const TENANT_ID = /^t\d{6}$/;
const APP_ID = /^app_[0-9a-z]{20}$/;
const URL_OPTIONS = { require_tld: false, protocols: ['http', 'https'], require_protocol: true };
const PUBLIC_KEY_DOC = {
  description: 'SM2-SM3: the uncompressed public key in hex (`04` + 128 hex digits, on the curve) or a PEM SPKI; RSA-SHA256: a PEM SPKI of at least 2048 bits',
  examples: ['04f4eab4a90f9f6b8e7fa0a232bff357eba61ff29984177cc339b2fdeddc7856bff6a44c2e5382adae7f3f950444a8717fe748a8dedce38a6a1bed53ea69b86d38'],
};

/** `{ alg: 'HMAC-SHA256' }` (the platform makes the secret) or `{ alg: 'SM2-SM3' | 'RSA-SHA256', publicKey }`. */
export class NewAppCredential {
  @IsIn(SIGNATURE_ALGS)
  @ApiSchema({ description: 'how the app signs its requests; HMAC-SHA256: the platform makes the secret and shows it once' })
  alg!: SignatureAlg;

  @ValidateIf((o: NewAppCredential) => o.alg !== 'HMAC-SHA256' || o.publicKey !== undefined)
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  @ApiSchema({ ...PUBLIC_KEY_DOC, description: `the app's public key (not for HMAC-SHA256). ${PUBLIC_KEY_DOC.description}` })
  publicKey?: string;
}

/** Rotation: `alg` defaults to the current credential's; an empty body rotates an HMAC secret. */
export class RotateAppCredentialRequest {
  @IsOptional()
  @IsIn(SIGNATURE_ALGS)
  @ApiSchema({ description: "the new credential's algorithm (default: the current one's)" })
  alg?: SignatureAlg;

  @IsOptional()
  @MinLength(1)
  @MaxLength(4096)
  @IsString()
  @ApiSchema({ ...PUBLIC_KEY_DOC, description: `the new public key (SM2-SM3 and RSA-SHA256). ${PUBLIC_KEY_DOC.description}` })
  publicKey?: string;
}

export class CreateAppRequest {
  @Matches(TENANT_ID, { message: 'tenantId must be t followed by six digits' })
  @ApiSchema({ description: 'the county the app acts in', examples: ['t510121'] })
  tenantId!: string;

  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['天府商城收银'] })
  name!: string;

  @ArrayUnique()
  @IsIn(APP_SCOPES, { each: true })
  @IsArray()
  @ApiSchema({ description: 'what the app may do', examples: [['qr:pay', 'merchants:write']] })
  scopes!: AppScope[];

  @ArrayMaxSize(10)
  @IsUrl(URL_OPTIONS, { each: true })
  @IsArray()
  @ApiSchema({ description: 'where webhooks go', examples: [['https://mall.example/countypay/webhooks']] })
  callbackUrls!: string[];

  @IsOptional()
  @IpAllowlist('addresses or CIDR blocks the app calls from (empty or absent: any)')
  ipAllowlist?: string[];

  @ValidateNested()
  @Type(() => NewAppCredential)
  @IsObject()
  credential!: NewAppCredential;
}

export class UpdateAppRequest {
  @IsOptional()
  @MinLength(1)
  @MaxLength(100)
  @IsString()
  @ApiSchema({ examples: ['天府商城收银'] })
  name?: string;

  @IsOptional()
  @ArrayUnique()
  @IsIn(APP_SCOPES, { each: true })
  @IsArray()
  @ApiSchema({ description: 'replaces the scopes', examples: [['qr:pay', 'merchants:read']] })
  scopes?: AppScope[];

  @IsOptional()
  @ArrayMaxSize(10)
  @IsUrl(URL_OPTIONS, { each: true })
  @IsArray()
  @ApiSchema({ description: 'replaces the webhook URLs', examples: [['https://mall.example/countypay/webhooks']] })
  callbackUrls?: string[];

  @IsOptional()
  @IpAllowlist('replaces the allowlist (empty: any address)')
  ipAllowlist?: string[];
}

/** `GET /v1/admin/apps`: newest first. */
export class ListAppsQuery extends PageQuery {
  @IsOptional()
  @Matches(TENANT_ID, { message: 'tenantId must be t followed by six digits' })
  @ApiSchema({ description: "only this county's apps (a county operator sees only its own anyway)", examples: ['t510121'] })
  tenantId?: string;

  @IsOptional()
  @IsUUID()
  @ApiSchema({ description: "only this partner's apps" })
  partnerId?: string;
}

/** A credential the app signs with (secrets are never shown again after they were issued). */
export class AppSigningCredential {
  @IsUUID()
  credentialId!: string;

  @IsIn(SIGNATURE_ALGS)
  alg!: SignatureAlg;

  @IsIn(['active', 'retiring'])
  @ApiSchema({ description: '`retiring`: replaced by a rotation, still accepted until notAfter' })
  status!: 'active' | 'retiring';

  @Nullable()
  @IsISO8601()
  @ApiSchema({ description: 'when a retiring credential stops working; null for the active one' })
  notAfter!: string | null;

  @IsOptional()
  @IsString()
  @ApiSchema({ description: 'the public key (SM2-SM3 and RSA-SHA256 credentials only)', examples: [PUBLIC_KEY_DOC.examples[0]] })
  publicKey?: string;

  @IsISO8601()
  createdAt!: string;
}

/** A partner app: registered under one county, it signs its requests with its credential. */
export class App {
  @Matches(APP_ID)
  @ApiSchema({ examples: ['app_7k2m9q4x8c1v5b3n6z0p'] })
  appId!: string;

  @IsUUID()
  partnerId!: string;

  @Matches(TENANT_ID)
  @ApiSchema({ examples: ['t510121'] })
  tenantId!: string;

  @IsString()
  @ApiSchema({ examples: ['天府商城收银'] })
  name!: string;

  @IsIn(['active', 'suspended'])
  @ApiSchema({ description: "the app's own status; it can call the API only while its partner is active too" })
  status!: ActivityStatus;

  @IsIn(['active', 'suspended'])
  partnerStatus!: ActivityStatus;

  @IsArray()
  @IsIn(APP_SCOPES, { each: true })
  @ApiSchema({ examples: [['qr:pay', 'merchants:write']] })
  scopes!: AppScope[];

  @IsArray()
  @IsString({ each: true })
  @ApiSchema({ examples: [['https://mall.example/countypay/webhooks']] })
  callbackUrls!: string[];

  @IsArray()
  @IsString({ each: true })
  @ApiSchema({ examples: [['10.0.0.0/8']] })
  ipAllowlist!: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AppSigningCredential)
  @ApiSchema({ description: 'the live credentials: the active one, and a retiring one during a rotation' })
  credentials!: AppSigningCredential[];

  @IsInt()
  @Min(1)
  version!: number;

  @IsISO8601()
  createdAt!: string;

  @IsISO8601()
  updatedAt!: string;
}

/** A new app with its secrets — shown in this answer only. */
export class CreatedApp extends App {
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  @ApiSchema({ description: 'HMAC-SHA256 only: the app secret, shown this once', examples: ['Zq3v8XkTq1mR0pW7yN4bC6dH9fJ2sL5gA8eU1oI3zY0'] })
  appSecret?: string;

  @Matches(/^whsec_[A-Za-z0-9+/]{43}=$/)
  @ApiSchema({
    description: 'the Standard Webhooks secret that signs the webhooks the app receives, shown this once',
    examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw6b2xx7RFcJI='],
  })
  webhookSecret!: string;
}

/** An app after a credential rotation, with the new credential's id and (HMAC) its secret. */
export class AppWithNewCredential extends App {
  @IsUUID()
  @ApiSchema({ description: 'the new, active credential' })
  credentialId!: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/)
  @ApiSchema({ description: 'HMAC-SHA256 only: the new app secret, shown this once', examples: ['Zq3v8XkTq1mR0pW7yN4bC6dH9fJ2sL5gA8eU1oI3zY0'] })
  appSecret?: string;
}
