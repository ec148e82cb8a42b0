import { Module } from '@nestjs/common';
import { PaymentsModule } from '../payments/payments.module';
import { QuickpayController } from './quickpay.controller';
import { QuickpayRepository } from './quickpay.repository';
import { QuickpayService } from './quickpay.service';

/** County bank card quick pay: card holder check, SMS gateway, debit. */
@Module({ imports: [PaymentsModule], controllers: [QuickpayController], providers: [QuickpayService, QuickpayRepository] })
export class QuickpayModule {}
