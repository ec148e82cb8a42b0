import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { CashierController } from './cashier.controller';
import { CashierService } from './cashier.service';

@Module({ imports: [OrdersModule], controllers: [CashierController], providers: [CashierService] })
export class CashierModule {}
