// qr-payment: aggregate QR payment (merchant- and customer-presented), wallet routing, PBoC limits, refunds.
import '@countypay/observability/source-maps';
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { QrPaymentConfig } from './config/qr-payment.config';

void runService({ service: 'qr-payment', module: AppModule, configs: [QrPaymentConfig] });
