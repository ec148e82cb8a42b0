import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@countypay/service-kit';
import { AppsModule } from './apps/apps.module';
import { CoreModule } from './common/core.module';
import { ConsoleAccountsModule } from './console-accounts/console-accounts.module';
import { entities, migrations } from './data-source';
import { MerchantsModule } from './merchants/merchants.module';
import { OperatorsModule } from './operators/operators.module';
import { PartnersModule } from './partners/partners.module';
import { TenantsModule } from './tenants/tenants.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'onboarding', migrations, entities }),
    CoreModule,
    OperatorsModule,
    TenantsModule,
    PartnersModule,
    AppsModule,
    MerchantsModule,
    ConsoleAccountsModule,
  ],
})
export class AppModule {}
