import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { PosController } from './pos.controller';
import { PosService } from './pos.service';

@Module({ imports: [OrdersModule], controllers: [PosController], providers: [PosService] })
export class PosModule {}
