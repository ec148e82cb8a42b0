import { Module } from '@nestjs/common';
import { SettlementReadModelModule } from '../read-model';
import { LedgerController } from './ledger.controller';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

@Module({
  // the tenants' fee plans, from onboarding.tenant-updated (settlement keeps no merchants)
  imports: [SettlementReadModelModule],
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerMetrics],
  exports: [LedgerService, LedgerRepository],
})
export class LedgerModule {}
