import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** The settlement service's own settings (env variables of the same names), validated at start-up. */
export class SettlementConfig {
  /** AES-256 key (base64, 32 bytes) for personal data at rest (merchants' payout account numbers and names) */
  @Sensitive()
  @Matches(BASE64_32, { message: 'COUNTYPAY_PII_KEY must be base64 of 32 bytes' })
  COUNTYPAY_PII_KEY = '';

  /** how long a payout call to the county core banking may take before its outcome is treated as unknown (then queried) */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  SETTLEMENT_PAYOUT_TIMEOUT_MS = 5_000;

  /** run each county's cut-off by itself once its business date has closed (off: operators run it through the API) */
  @Type(() => String)
  @Matches(/^(true|false)$/, { message: 'SETTLEMENT_AUTO_CUTOFF must be true or false' })
  SETTLEMENT_AUTO_CUTOFF = 'false';

  /** how often the cut-off job looks for closed business dates */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  SETTLEMENT_CUTOFF_POLL_MS = 60_000;

  /** reconcile each county's channels by itself, the day after (off: operators run it through the API) */
  @Type(() => String)
  @Matches(/^(true|false)$/, { message: 'SETTLEMENT_AUTO_RECONCILE must be true or false' })
  SETTLEMENT_AUTO_RECONCILE = 'false';

  /** how often the reconciliation job looks for a finished day not reconciled yet */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  SETTLEMENT_RECONCILE_POLL_MS = 600_000;
}

export const PII_KEY_ID = 'pii1';
