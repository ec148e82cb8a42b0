import { Module } from '@nestjs/common';
import { loadConfig, ServiceUrlsConfig } from '@countypay/config';
import { LedgerModule } from '../ledger/ledger.module';
import { SettlementBatchesModule } from '../settlement-batches/settlement-batches.module';
import { ChannelStatementClient } from './channel-statement.client';
import { OrderOwnerClient } from './order-owner.client';
import { ReconciliationController } from './reconciliation.controller';
import { ReconciliationJob } from './reconciliation.job';
import { ReconciliationRepository } from './reconciliation.repository';
import { ReconciliationService } from './reconciliation.service';

@Module({
  // SettlementBatchesModule exports SettlementConfig (the channel call timeout)
  imports: [LedgerModule, SettlementBatchesModule],
  controllers: [ReconciliationController],
  providers: [
    { provide: ServiceUrlsConfig, useFactory: () => loadConfig(ServiceUrlsConfig) },
    ChannelStatementClient,
    OrderOwnerClient,
    ReconciliationRepository,
    ReconciliationService,
    ReconciliationJob,
  ],
  exports: [ReconciliationService, ReconciliationRepository],
})
export class ReconciliationModule {}
