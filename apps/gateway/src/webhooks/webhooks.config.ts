import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

/** Outbound partner webhooks: the dispatcher's knobs and the key that opens webhook secrets. */
export class WebhooksConfig {
  /** FieldCipher key `cred1` (base64 of 32 bytes) that encrypts app and webhook secrets (shared with onboarding) */
  @Sensitive()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'COUNTYPAY_CREDENTIAL_KEY must be the base64 of 32 bytes' })
  COUNTYPAY_CREDENTIAL_KEY = '';

  /** multiplies every delay of the published retry schedule; 1 in production, e.g. 0.01 in tests */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  WEBHOOK_RETRY_SCALE = 1;

  /** how often the dispatcher looks for due deliveries when idle (it is also woken on new work) */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_MS = 1000;

  /** deliveries claimed (and sent in parallel) per round */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  WEBHOOK_BATCH_SIZE = 20;

  /** per-attempt HTTP timeout */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** `off` keeps this instance from sending (deliveries are still recorded) */
  @IsIn(['on', 'off'])
  WEBHOOK_DISPATCHER = 'on';
}
