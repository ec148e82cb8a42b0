import { Module } from '@nestjs/common';
import { OnboardingReadModel } from '@countypay/read-models';
import { ServiceKitModule, SUBSCRIPTIONS } from '@countypay/service-kit';
import { CashierModule } from './cashier/cashier.module';
import { AcquiringChannelModule } from './channel/channel.module';
import { CreditPaymentModule } from './credit/credit-payment.module';
import { entities, migrations } from './data-source';
import { ExceptionsModule } from './exceptions/exceptions.module';
import { JobsModule } from './jobs/jobs.module';
import { NotifyModule } from './notify/notify.module';
import { AcquiringReadModelModule } from './onboarding-read-model';
import { OrdersModule } from './orders/orders.module';
import { QuickpayModule } from './quickpay/quickpay.module';
import { RefundsModule } from './refunds/refunds.module';
import { SharingModule } from './sharing/sharing.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'acquiring', migrations, entities }),
    AcquiringChannelModule,
    AcquiringReadModelModule,
    OrdersModule,
    NotifyModule,
    ExceptionsModule,
    JobsModule,
    RefundsModule,
    QuickpayModule,
    CashierModule,
    CreditPaymentModule,
    SharingModule,
  ],
  providers: [
    // the onboarding read model's events (tenants, merchants) are this service's only subscriptions
    { provide: SUBSCRIPTIONS, inject: [OnboardingReadModel], useFactory: (readModel: OnboardingReadModel) => readModel.subscriptions() },
  ],
})
export class AppModule {}
