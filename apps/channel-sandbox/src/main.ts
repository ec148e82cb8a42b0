// channel-sandbox: simulators of county core banking, UnionPay, WeChat Pay and Alipay.
import '@countypay/observability/source-maps';
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { ChannelSandboxConfig } from './config/channel-sandbox.config';

void runService({ service: 'channel-sandbox', module: AppModule, configs: [ChannelSandboxConfig] });
