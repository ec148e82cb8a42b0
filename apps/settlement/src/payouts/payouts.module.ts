import { Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { SettlementReadModelModule } from '../read-model';
import { LedgerModule } from '../ledger/ledger.module';
import { SettlementBatchesModule } from '../settlement-batches/settlement-batches.module';
import { CoreBankingPayoutClient } from './core-banking-payout.client';
import { PayoutsController } from './payouts.controller';
import { PayoutsRepository } from './payouts.repository';
import { PayoutsService } from './payouts.service';

@Module({
  imports: [SettlementReadModelModule, LedgerModule, SettlementBatchesModule],
  controllers: [PayoutsController],
  providers: [{ provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) }, CoreBankingPayoutClient, PayoutsRepository, PayoutsService],
})
export class PayoutsModule {}
