import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { QuickpayModule } from '../quickpay/quickpay.module';
import { CashierCreditController } from './cashier-credit.controller';
import { CreditPaymentService } from './credit-payment.service';

/** County credit as a payment method (ADR 0015): the cashier's credit steps and the S2S payment. */
@Module({
  imports: [OrdersModule, QuickpayModule],
  controllers: [CashierCreditController],
  providers: [CreditPaymentService],
  exports: [CreditPaymentService],
})
export class CreditPaymentModule {}
