// onboarding: tenants and their config, partners, partner apps and credentials, merchants, stores, terminals.
import '@countypay/observability/source-maps';
import './tracing';
import { runService } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { OnboardingConfig } from './config/onboarding.config';
import { ConsoleAccountsConfig } from './console-accounts/console-accounts.config';

void runService({ service: 'onboarding', module: AppModule, configs: [OnboardingConfig, ConsoleAccountsConfig] });
