import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { QuickpayModule } from '../quickpay/quickpay.module';
import { CashierCardsController } from './cashier-cards.controller';
import { CashierCardsService } from './cashier-cards.service';
import { CashierController } from './cashier.controller';
import { CashierService } from './cashier.service';

@Module({
  imports: [OrdersModule, QuickpayModule],
  controllers: [CashierController, CashierCardsController],
  providers: [CashierService, CashierCardsService],
})
export class CashierModule {}
