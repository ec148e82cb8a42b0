import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, Max, Min, ValidateIf } from 'class-validator';
import { Sensitive } from '@countypay/config';

/** The gateway's own settings: limits, timeouts and the keys it verifies and signs with. */
export class GatewayConfig {
  /** requests per app per minute (sliding window over two fixed one-minute windows) */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GATEWAY_RATE_LIMIT_APP_PER_MINUTE = 600;

  /** requests per tenant per minute, all of its apps together */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE = 6000;

  /** requests per client address per minute on the public routes (static-code pages and payments, decode, cashier), per gateway instance */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE = 120;

  /** reverse proxies in front of the gateway whose X-Forwarded-For entries are believed (0: the TCP peer is the client) */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5)
  GATEWAY_TRUSTED_PROXIES = 0;

  /**
   * requests this instance works on at once (signed and public); past it a request is refused at
   * once with the signed 503 `service_unavailable` and Retry-After instead of queueing
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  GATEWAY_MAX_IN_FLIGHT = 128;

  /** requests of one county this instance works on at once; past it the county's next request gets the signed 429 `rate_limited` with Retry-After */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  GATEWAY_MAX_IN_FLIGHT_PER_TENANT = 32;

  /** how long the gateway waits for an upstream service before answering 504 */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  GATEWAY_UPSTREAM_TIMEOUT_MS = 15_000;

  /** how long an operator token stays cached after onboarding accepted it */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  GATEWAY_OPERATOR_CACHE_SECONDS = 30;

  /** how often expired nonces, idempotency keys and rate-limit windows are purged */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  GATEWAY_PURGE_INTERVAL_MS = 60_000;

  /** the credential key shared with onboarding: app secrets arrive encrypted with it (key id `cred1`) */
  @Sensitive()
  @IsString()
  @IsNotEmpty()
  COUNTYPAY_CREDENTIAL_KEY = '';

  /** the platform's SM2 private key (64 hex digits): signs responses to SM2 and RSA apps */
  @Sensitive()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY must be 64 hex digits' })
  COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY = '';

  /** the platform's SM2 public key (`04` + 128 hex); derived from the private key when unset */
  @ValidateIf((c: GatewayConfig) => c.COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY !== '')
  @Matches(/^04[0-9a-fA-F]{128}$/, { message: 'COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY must be 04 followed by 128 hex digits' })
  COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY = '';
}
