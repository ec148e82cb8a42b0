// settlement: per-tenant double-entry ledgers, fees, cut-off, settlement batches, payouts, reconciliation.
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';

void runService({ service: 'settlement', module: AppModule });
