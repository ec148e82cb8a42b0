import { Module } from '@nestjs/common';
import { OnboardingReadModelModule } from '@countypay/read-models';
import { SettlementBatchesController } from './settlement-batches.controller';
import { SettlementBatchesRepository } from './settlement-batches.repository';
import { SettlementBatchesService } from './settlement-batches.service';

@Module({
  // the tenants' cut-off, cycle, reserve and approval threshold, from onboarding.tenant-updated
  imports: [OnboardingReadModelModule.forRoot({ merchants: false })],
  controllers: [SettlementBatchesController],
  providers: [SettlementBatchesRepository, SettlementBatchesService],
  exports: [SettlementBatchesService, SettlementBatchesRepository],
})
export class SettlementBatchesModule {}
