import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { RefundsController } from './refunds.controller';
import { RefundsRepository } from './refunds.repository';
import { RefundsService } from './refunds.service';

@Module({ imports: [OrdersModule], controllers: [RefundsController], providers: [RefundsRepository, RefundsService] })
export class RefundsModule {}
