import { Module } from '@nestjs/common';
import { TenantConfigModule } from '../tenant-config/tenant-config.module';
import { LedgerController } from './ledger.controller';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

@Module({
  imports: [TenantConfigModule],
  controllers: [LedgerController],
  providers: [LedgerRepository, LedgerService, LedgerMetrics],
  exports: [LedgerService],
})
export class LedgerModule {}
