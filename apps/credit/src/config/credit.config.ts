import { Type } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** credit's own settings (env vars of the same names). */
export class CreditConfig {
  /**
   * `system`: each tenant's business date follows the Asia/Shanghai calendar and can never be
   * moved by hand (production). `manual`: the business clock only moves when advanced through the
   * clock route — the tests and the sandbox profile only.
   */
  @IsIn(['system', 'manual'])
  CREDIT_CLOCK_MODE: 'system' | 'manual' = 'system';

  /** how often (system clock) the daily jobs look for a business date to run */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(3_600_000)
  CREDIT_JOBS_INTERVAL_MS = 60_000;

  /** the platform's key for personal data at rest (the customer's repayment account number) */
  @Sensitive()
  @Matches(BASE64_32, { message: 'COUNTYPAY_PII_KEY must be base64 of 32 bytes' })
  COUNTYPAY_PII_KEY = '';
}
