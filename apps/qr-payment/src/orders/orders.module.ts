import { Module } from '@nestjs/common';
import { QrReadModelModule } from '../onboarding-read-model';
import { CreditPaymentService } from './credit-payment.service';
import { FinalOrders } from './final-orders';
import { OrderExpiryService } from './order-expiry.service';
import { OrderIntake } from './order-intake';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';

/** Payment orders: their repository, state machine, channel execution and the intake every QR flow starts a payment through. */
@Module({
  imports: [QrReadModelModule],
  controllers: [OrdersController],
  providers: [OrdersRepository, OrderIntake, FinalOrders, PaymentStateService, CreditPaymentService, PaymentExecutor, OrdersService, OrderExpiryService],
  exports: [OrdersRepository, OrderIntake, FinalOrders, PaymentStateService, PaymentExecutor, CreditPaymentService, QrReadModelModule],
})
export class OrdersModule {}
