import { IsOptional, IsString, MinLength, ValidateIf } from 'class-validator';
import { Sensitive } from '@countypay/config';
import { PASSWORD_MIN_LENGTH } from '../domain/console-credentials';

/** The ops console's sign-in settings (env variables of the same names). */
export class ConsoleAccountsConfig {
  /**
   * optional: the console password of the bootstrap province operator (user name `province`),
   * set once when that operator has none yet (`npm start` generates one into .local/secrets.json)
   */
  @Sensitive()
  @IsOptional()
  @ValidateIf((c: ConsoleAccountsConfig) => c.COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD !== '')
  @MinLength(PASSWORD_MIN_LENGTH, { message: `COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD must be at least ${PASSWORD_MIN_LENGTH} characters` })
  @IsString()
  COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD = '';
}
