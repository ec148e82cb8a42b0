import { Module } from '@nestjs/common';
import { ExceptionsRepository } from '../exceptions/exceptions.repository';
import { AcquiringReadModelModule } from '../onboarding-read-model';
import { RefundExecutor } from '../refunds/refund-executor.service';
import { RefundsRepository } from '../refunds/refunds.repository';
import { Escrow } from '../sharing/escrow';
import { SharingRepository } from '../sharing/sharing.repository';
import { ChannelOutcomeService } from './channel-outcome.service';
import { OrderIntake } from './order-intake';
import { OrderStateService } from './order-state.service';
import { MakeUpController } from './make-up.controller';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaidAfterCloseHandler } from './paid-after-close.handler';
import { PaymentSyncService } from './payment-sync.service';

const SHARED = [
  OrdersRepository,
  OrderIntake,
  OrderStateService,
  ChannelOutcomeService,
  PaymentSyncService,
  PaidAfterCloseHandler,
  RefundsRepository,
  RefundExecutor,
  ExceptionsRepository,
  OrdersService,
  SharingRepository,
  Escrow,
];

/** Online orders: repository, state table, channel sync, and what refunds and exceptions share with them. */
@Module({
  imports: [AcquiringReadModelModule],
  controllers: [OrdersController, MakeUpController],
  providers: SHARED,
  exports: [...SHARED, AcquiringReadModelModule],
})
export class OrdersModule {}
