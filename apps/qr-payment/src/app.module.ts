import { Module } from '@nestjs/common';
import { OnboardingReadModel } from '@countypay/read-models';
import { ServiceKitModule, SUBSCRIPTIONS } from '@countypay/service-kit';
import { ChannelModule } from './channel/channel.module';
import { entities, migrations } from './data-source';
import { NotifyModule } from './notify/notify.module';
import { OpsStatsModule } from './ops-stats/ops-stats.module';
import { QrReadModelModule } from './onboarding-read-model';
import { OrdersModule } from './orders/orders.module';
import { PosModule } from './pos/pos.module';
import { RefundsModule } from './refunds/refunds.module';
import { StaticCodesModule } from './static-codes/static-codes.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'qr-payment', migrations, entities }),
    ChannelModule,
    QrReadModelModule,
    OrdersModule,
    PosModule,
    StaticCodesModule,
    NotifyModule,
    RefundsModule,
    OpsStatsModule,
  ],
  providers: [
    // the onboarding read model's events (tenants, merchants) are this service's only subscriptions
    { provide: SUBSCRIPTIONS, inject: [OnboardingReadModel], useFactory: (readModel: OnboardingReadModel) => readModel.subscriptions() },
  ],
})
export class AppModule {}
