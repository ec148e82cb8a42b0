import { Module } from '@nestjs/common';
import { SettlementBatchesModule } from '../settlement-batches/settlement-batches.module';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

@Module({ imports: [SettlementBatchesModule], controllers: [ReportsController], providers: [ReportsRepository, ReportsService] })
export class ReportsModule {}
