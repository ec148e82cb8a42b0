import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { AcquiringSweepsService } from './acquiring-sweeps.service';

@Module({ imports: [OrdersModule], providers: [AcquiringSweepsService], exports: [AcquiringSweepsService] })
export class JobsModule {}
