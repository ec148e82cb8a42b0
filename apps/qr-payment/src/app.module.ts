import { Module } from '@nestjs/common';
import { MerchantUpdatedV1, TenantUpdatedV1 } from '@countypay/contracts';
import { on } from '@countypay/messaging';
import { ServiceKitModule, SUBSCRIPTIONS } from '@countypay/service-kit';
import { ChannelModule } from './channel/channel.module';
import { entities, migrations } from './data-source';
import { NotifyModule } from './notify/notify.module';
import { OrdersModule } from './orders/orders.module';
import { PosModule } from './pos/pos.module';
import { ReadModelModule } from './read-model/read-model.module';
import { ReadModelService } from './read-model/read-model.service';
import { RefundsModule } from './refunds/refunds.module';
import { StaticCodesModule } from './static-codes/static-codes.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'qr-payment', migrations, entities }),
    ChannelModule,
    ReadModelModule,
    OrdersModule,
    PosModule,
    StaticCodesModule,
    NotifyModule,
    RefundsModule,
  ],
  providers: [
    {
      provide: SUBSCRIPTIONS,
      inject: [ReadModelService],
      useFactory: (readModel: ReadModelService) => [
        on(MerchantUpdatedV1, (event, em) => readModel.handleMerchantUpdated(event, em)),
        on(TenantUpdatedV1, (event, em) => readModel.handleTenantUpdated(event, em)),
      ],
    },
  ],
})
export class AppModule {}
