// credit: credit products, credit lines, authorisation holds, capture, statements, repayment, interest.
import '@countypay/observability/source-maps';
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';

void runService({ service: 'credit', module: AppModule });
