// acquiring: online acquiring for e-commerce (unified order, cashier, quick-pay, refunds, profit sharing).
import '@countypay/observability/source-maps';
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';

void runService({ service: 'acquiring', module: AppModule });
