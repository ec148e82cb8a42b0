import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { AgreementRevocationService } from './agreement-revocation.service';
import { PaymentPasswordController } from './payment-password.controller';
import { PaymentPasswordService } from './payment-password.service';
import { QuickpayController } from './quickpay.controller';
import { QuickpayRepository } from './quickpay.repository';
import { QuickpayService } from './quickpay.service';

@Module({
  imports: [OrdersModule],
  controllers: [QuickpayController, PaymentPasswordController],
  providers: [QuickpayRepository, QuickpayService, AgreementRevocationService, PaymentPasswordService],
  exports: [QuickpayService],
})
export class QuickpayModule {}
