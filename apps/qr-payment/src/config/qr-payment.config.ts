import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

/** qr-payment's own settings (env vars of the same names). */
export class QrPaymentConfig {
  /** default validity of a dynamic (per-order) code */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(7 * 24 * 3600)
  QR_ORDER_EXPIRES_SECONDS = 900;

  /** how long a POS payment waiting for the payer's confirmation is polled before it is reversed */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300_000)
  QR_POS_CONFIRM_DEADLINE_MS = 30_000;

  /** first delay between queries of a payment waiting for the payer; doubles up to QR_POS_POLL_MAX_MS */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  QR_POS_POLL_INITIAL_MS = 1000;

  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  QR_POS_POLL_MAX_MS = 5000;

  /** a channel call not answered within this time counts as a timeout (outcome unknown) */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  QR_CHANNEL_TIMEOUT_MS = 10_000;

  /**
   * The shortest pause between two sweeps of expired orders and payments left `paying` (the
   * granularity while orders are open). The sweep runs again when the next open order falls due, at
   * the latest after the shortest deadline an order can get (60 s validity, QR_ORDER_EXPIRES_SECONDS,
   * QR_POS_CONFIRM_DEADLINE_MS + 2 × QR_CHANNEL_TIMEOUT_MS: 50 s by default), so an idle service
   * sweeps about once a minute; OrderExpiryService.
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  QR_EXPIRY_SWEEP_MS = 5000;

  /** where the channels send their notifications (this service's own base URL); empty: no notifyUrl */
  @IsString()
  QR_NOTIFY_BASE_URL = '';

  /** the public resolve base of static codes (short: it goes into the EMVCo template) */
  @Matches(/^https:\/\/[\x21-\x7e]+$/, { message: 'QR_RESOLVE_BASE_URL must be an https:// URL' })
  QR_RESOLVE_BASE_URL = 'https://q.countypay.cn';

  /**
   * HMAC key of the channel notifications (x-sandbox-signature). The default is the channel
   * sandbox's own default simulator key (no real system accepts it); deployments set both.
   * Empty: every notification is refused.
   */
  @Sensitive()
  @IsString()
  SANDBOX_NOTIFY_SECRET = 'countypay-sandbox-notify-secret';
}
