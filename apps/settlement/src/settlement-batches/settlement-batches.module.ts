import { Module } from '@nestjs/common';
import { loadConfig } from '@countypay/config';
import { SettlementReadModelModule } from '../read-model';
import { SettlementConfig } from '../config/settlement.config';
import { CutoffJob } from './cutoff.job';
import { SettlementBatchesController } from './settlement-batches.controller';
import { SettlementBatchesRepository } from './settlement-batches.repository';
import { SettlementBatchesService } from './settlement-batches.service';

@Module({
  // the tenants' cut-off, cycle, reserve and approval threshold, from onboarding.tenant-updated
  imports: [SettlementReadModelModule],
  controllers: [SettlementBatchesController],
  providers: [{ provide: SettlementConfig, useFactory: () => loadConfig(SettlementConfig) }, SettlementBatchesRepository, SettlementBatchesService, CutoffJob],
  exports: [SettlementBatchesService, SettlementBatchesRepository, SettlementConfig],
})
export class SettlementBatchesModule {}
