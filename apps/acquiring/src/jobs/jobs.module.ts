import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { SharingModule } from '../sharing/sharing.module';
import { AcquiringSweepsService } from './acquiring-sweeps.service';

@Module({ imports: [OrdersModule, SharingModule], providers: [AcquiringSweepsService], exports: [AcquiringSweepsService] })
export class JobsModule {}
