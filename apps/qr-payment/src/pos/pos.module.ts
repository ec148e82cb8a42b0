import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ReadModelModule } from '../read-model/read-model.module';
import { PosController } from './pos.controller';
import { PosService } from './pos.service';

@Module({ imports: [OrdersModule, ReadModelModule], controllers: [PosController], providers: [PosService] })
export class PosModule {}
