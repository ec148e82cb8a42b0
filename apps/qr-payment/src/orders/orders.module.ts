import { Module } from '@nestjs/common';
import { ReadModelModule } from '../read-model/read-model.module';
import { OrderExpiryService } from './order-expiry.service';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersService } from './orders.service';
import { PaymentExecutor } from './payment-executor.service';
import { PaymentStateService } from './payment-state.service';

@Module({
  imports: [ReadModelModule],
  controllers: [OrdersController],
  providers: [OrdersRepository, PaymentStateService, PaymentExecutor, OrdersService, OrderExpiryService],
  exports: [OrdersRepository, PaymentStateService, PaymentExecutor],
})
export class OrdersModule {}
