import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { EscrowPositionsController } from './escrow-positions.controller';
import { EscrowPositionsService } from './escrow-positions.service';
import { ReceiversService } from './receivers.service';
import { SharingReceiversController, SplitsController } from './sharing.controller';
import { SplitsService } from './splits.service';

/** Profit sharing (分账): receivers, splits, finish; the escrow itself is shared with refunds through OrdersModule. */
@Module({
  imports: [OrdersModule],
  controllers: [SharingReceiversController, SplitsController, EscrowPositionsController],
  providers: [ReceiversService, SplitsService, EscrowPositionsService],
  exports: [SplitsService],
})
export class SharingModule {}
