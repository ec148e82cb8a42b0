// settlement: per-tenant double-entry ledgers, fees, cut-off, settlement batches, payouts, reconciliation.
import '@countypay/observability/source-maps';
import './tracing';
import { ServiceUrlsConfig } from '@countypay/config';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { SettlementConfig } from './config/settlement.config';

void runService({ service: 'settlement', module: AppModule, configs: [SettlementConfig, ServiceUrlsConfig] });
