import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@countypay/service-kit';
import { entities, migrations } from './data-source';

@Module({
  imports: [ServiceKitModule.forRoot({ service: 'qr-payment', migrations, entities })],
})
export class AppModule {}
