import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ReadModelModule } from '../read-model/read-model.module';
import { DecodeController } from '../decode/decode.controller';
import { StaticCodesController } from './static-codes.controller';
import { StaticCodesService } from './static-codes.service';

@Module({ imports: [OrdersModule, ReadModelModule], controllers: [StaticCodesController, DecodeController], providers: [StaticCodesService] })
export class StaticCodesModule {}
