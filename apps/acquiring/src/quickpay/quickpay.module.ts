import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { QuickpayController } from './quickpay.controller';
import { QuickpayRepository } from './quickpay.repository';
import { QuickpayService } from './quickpay.service';

@Module({ imports: [OrdersModule], controllers: [QuickpayController], providers: [QuickpayRepository, QuickpayService], exports: [QuickpayService] })
export class QuickpayModule {}
