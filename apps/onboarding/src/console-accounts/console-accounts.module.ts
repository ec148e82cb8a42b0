import { Module } from '@nestjs/common';
import { loadConfig } from '@countypay/config';
import { OperatorsModule } from '../operators/operators.module';
import { ConsoleAccountsConfig } from './console-accounts.config';
import { ConsoleAccountsController } from './console-accounts.controller';
import { ConsoleAccountsRepository } from './console-accounts.repository';
import { ConsoleAccountsService } from './console-accounts.service';

/** The ops console's operator sign-in (issue 11): logins, lock-out, sessions, CSRF, audit. */
@Module({
  imports: [OperatorsModule],
  controllers: [ConsoleAccountsController],
  providers: [{ provide: ConsoleAccountsConfig, useFactory: () => loadConfig(ConsoleAccountsConfig) }, ConsoleAccountsRepository, ConsoleAccountsService],
})
export class ConsoleAccountsModule {}
