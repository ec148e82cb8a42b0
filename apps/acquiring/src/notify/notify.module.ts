import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { NotifyController } from './notify.controller';
import { NotifyService } from './notify.service';

@Module({ imports: [OrdersModule], controllers: [NotifyController], providers: [NotifyService] })
export class NotifyModule {}
