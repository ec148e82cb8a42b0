import { IsIn } from 'class-validator';

/** credit's own settings (env vars of the same names). */
export class CreditConfig {
  /**
   * `system`: each tenant's business date follows the Asia/Shanghai calendar and can never be
   * moved by hand (production). `manual`: the business clock only moves when advanced through the
   * clock route — the tests and the sandbox profile only.
   */
  @IsIn(['system', 'manual'])
  CREDIT_CLOCK_MODE: 'system' | 'manual' = 'system';
}
