import { Module } from '@nestjs/common';
import { PaymentStatsController } from './payment-stats.controller';
import { PaymentStatsRepository } from './payment-stats.repository';

/** Operations statistics for the ops console (issue 11). */
@Module({ controllers: [PaymentStatsController], providers: [PaymentStatsRepository] })
export class OpsStatsModule {}
