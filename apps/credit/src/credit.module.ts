import { Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { AuditRepository } from './common/audit.repository';
import { CreditPii } from './common/pii';
import { CreditConfig } from './config/credit.config';
import { DailyJobsScheduler } from './jobs/daily-jobs.scheduler';
import { DailyJobsService } from './jobs/daily-jobs.service';
import { LinesController } from './lines/lines.controller';
import { LinesRepository } from './lines/lines.repository';
import { LinesService } from './lines/lines.service';
import { ProductsController } from './products/products.controller';
import { ProductsRepository } from './products/products.repository';
import { ProductsService } from './products/products.service';
import { SettingsController } from './settings/settings.controller';
import { SettingsRepository } from './settings/settings.repository';
import { SettingsService } from './settings/settings.service';
import { CreditSmsClient } from './sms/credit-sms.client';
import { CoreBankingClient } from './sms/core-banking.client';
import { RepaymentsController } from './repayments/repayments.controller';
import { RepaymentsService } from './repayments/repayments.service';
import { HoldsController } from './holds/holds.controller';
import { HoldsService } from './holds/holds.service';
import { LoansRepository } from './holds/loans.repository';
import { BookController } from './book/book.controller';
import { PayerLinesController } from './cashier/payer-lines.controller';
import { PayerLinesRepository } from './cashier/payer-lines.repository';
import { BookRepository } from './book/book.repository';
import { BookService } from './book/book.service';
import { StatementsController } from './statements/statements.controller';
import { StatementsRepository } from './statements/statements.repository';
import { StatementsService } from './statements/statements.service';
import { StatementLedger } from './statements/statement-ledger';
import { CashRefundsService } from './holds/cash-refunds.service';

/** The credit service's features: settings and clock, products, applications and lines, holds and drawdowns, statements, daily jobs. */
@Module({
  controllers: [
    SettingsController,
    ProductsController,
    LinesController,
    HoldsController,
    RepaymentsController,
    StatementsController,
    BookController,
    PayerLinesController,
  ],
  providers: [
    { provide: CreditConfig, useFactory: () => loadConfig(CreditConfig) },
    { provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) },
    AuditRepository,
    CreditPii,
    SettingsRepository,
    SettingsService,
    ProductsRepository,
    ProductsService,
    LinesRepository,
    LinesService,
    CreditSmsClient,
    CoreBankingClient,
    RepaymentsService,
    LoansRepository,
    HoldsService,
    StatementsRepository,
    StatementsService,
    StatementLedger,
    CashRefundsService,
    BookRepository,
    BookService,
    DailyJobsService,
    DailyJobsScheduler,
    PayerLinesRepository,
  ],
  exports: [HoldsService, DailyJobsService, SettingsService],
})
export class CreditModule {}
