import { Module } from '@nestjs/common';
import { DecodeController } from '../decode/decode.controller';
import { OrdersModule } from '../orders/orders.module';
import { StaticCodesController } from './static-codes.controller';
import { StaticCodesService } from './static-codes.service';

@Module({ imports: [OrdersModule], controllers: [StaticCodesController, DecodeController], providers: [StaticCodesService] })
export class StaticCodesModule {}
