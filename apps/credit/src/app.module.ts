import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@countypay/service-kit';
import { CreditModule } from './credit.module';
import { entities, migrations } from './data-source';

@Module({
  imports: [ServiceKitModule.forRoot({ service: 'credit', migrations, entities }), CreditModule],
})
export class AppModule {}
