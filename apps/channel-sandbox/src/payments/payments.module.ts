import { Module } from '@nestjs/common';
import { CoreBankingModule } from '../core-banking/core-banking.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { PaymentsController } from './payments.controller';
import { PaymentsRepository } from './payments.repository';
import { PaymentsService } from './payments.service';

@Module({
  imports: [CoreBankingModule, NotificationsModule, ScenariosModule],
  controllers: [PaymentsController],
  providers: [PaymentsRepository, PaymentsService],
  exports: [PaymentsRepository, PaymentsService],
})
export class PaymentsModule {}
