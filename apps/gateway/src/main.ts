// gateway: the public open API edge (signatures, anti-replay, scopes, rate limits, idempotency, webhooks).
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';

void runService({ service: 'gateway', module: AppModule });
