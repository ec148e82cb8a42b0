import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ExceptionsController } from './exceptions.controller';

@Module({ imports: [OrdersModule], controllers: [ExceptionsController] })
export class ExceptionsModule {}
