import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

/** acquiring's own settings (env vars of the same names). */
export class AcquiringConfig {
  /** default validity of an order when the partner names none (30 minutes) */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(15 * 24 * 3600)
  ACQ_ORDER_EXPIRES_SECONDS = 1800;

  /** a channel call not answered within this time counts as a timeout (outcome unknown) */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  ACQ_CHANNEL_TIMEOUT_MS = 10_000;

  /** how often expired orders are closed (channel first) and stale payments queried */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  ACQ_SWEEP_MS = 60_000;

  /** an order still `paying` this long after its payment started is queried at the channel (补单) */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  ACQ_REQUERY_AFTER_MS = 180_000;

  /**
   * Profit sharing: when > 0, the escrow of a shared order is released this many seconds after
   * payment instead of after the county's `profitSharing.maxHoldDays` (tests, drills); 0 = the county's rule.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(180 * 86_400)
  ACQ_SHARING_MAX_HOLD_SECONDS = 0;

  /** where the channels send their notifications (this service's own base URL); empty: the acquiring entry of COUNTYPAY_SERVICE_URLS */
  @IsString()
  ACQ_NOTIFY_BASE_URL = '';

  /**
   * HMAC key of the channel notifications (x-sandbox-signature). The default is the channel
   * sandbox's own default simulator key (no real system accepts it); deployments set both.
   */
  @Sensitive()
  @IsString()
  SANDBOX_NOTIFY_SECRET = 'countypay-sandbox-notify-secret';

  /** AES-256 key (base64, 32 bytes) for personal data at rest (card numbers, reserved mobiles); empty: card quick pay is off */
  @Sensitive()
  @Matches(/^([A-Za-z0-9+/]{43}=)?$/, { message: 'COUNTYPAY_PII_KEY must be base64 of 32 bytes' })
  COUNTYPAY_PII_KEY = '';

  /** HMAC key (base64, 32 bytes) of blind indexes (a card found without decrypting) and SMS code hashes */
  @Sensitive()
  @Matches(/^([A-Za-z0-9+/]{43}=)?$/, { message: 'COUNTYPAY_BLIND_INDEX_KEY must be base64 of 32 bytes' })
  COUNTYPAY_BLIND_INDEX_KEY = '';
}
