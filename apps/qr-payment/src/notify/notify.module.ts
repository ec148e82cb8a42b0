import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { NotifyController } from './notify.controller';
import { NotifyRepository } from './notify.repository';
import { NotifyService } from './notify.service';

@Module({ imports: [OrdersModule], controllers: [NotifyController], providers: [NotifyRepository, NotifyService] })
export class NotifyModule {}
