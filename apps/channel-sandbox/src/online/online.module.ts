import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { PaymentsModule } from '../payments/payments.module';
import { ScenariosModule } from '../scenarios/scenarios.module';
import { OnlineChannelController, OnlinePayerController } from './online.controller';
import { OnlineService } from './online.service';

/** Online payments (WeChat JSAPI/H5/Native, Alipay wap/page, UnionPay online) of the simulated channels. */
@Module({
  imports: [PaymentsModule, NotificationsModule, ScenariosModule],
  controllers: [OnlineChannelController, OnlinePayerController],
  providers: [OnlineService],
})
export class OnlineModule {}
