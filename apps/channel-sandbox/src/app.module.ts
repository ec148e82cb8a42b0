import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@countypay/service-kit';
import { ChannelSandboxConfigModule } from './config/channel-sandbox-config.module';
import { CoreBankingModule } from './core-banking/core-banking.module';
import { CreditSandboxModule } from './credit/credit-sandbox.module';
import { entities, migrations } from './data-source';
import { OnlineModule } from './online/online.module';
import { PaymentsModule } from './payments/payments.module';
import { SandboxPayoutsModule } from './payouts/payouts.module';
import { QuickpayModule } from './quickpay/quickpay.module';
import { ScenariosModule } from './scenarios/scenarios.module';
import { StatementsModule } from './statements/statements.module';

@Module({
  imports: [
    ServiceKitModule.forRoot({ service: 'channel-sandbox', migrations, entities }),
    ChannelSandboxConfigModule,
    CoreBankingModule,
    PaymentsModule,
    OnlineModule,
    SandboxPayoutsModule,
    QuickpayModule,
    ScenariosModule,
    StatementsModule,
    CreditSandboxModule,
  ],
})
export class AppModule {}
