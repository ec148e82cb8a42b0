// gateway: the public open API edge (signatures, anti-replay, scopes, rate limits, idempotency, webhooks).
import '@countypay/observability/source-maps';
import './tracing';
import { ServiceUrlsConfig } from '@countypay/config';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { gatewayBodyParsing } from './http/raw-body';
import { WebhooksConfig } from './webhooks/webhooks.config';

// the gateway keeps the raw body bytes: signatures cover them and they are forwarded untouched
void runService({ service: 'gateway', module: AppModule, configs: [ServiceUrlsConfig, GatewayConfig, WebhooksConfig], bodyParsing: gatewayBodyParsing });
