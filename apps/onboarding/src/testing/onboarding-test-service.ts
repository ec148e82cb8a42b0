import { randomBytes } from 'node:crypto';
import { startTestService, type TestService } from '@countypay/testing';
import { AppsModule } from '../apps/apps.module';
import { CoreModule } from '../common/core.module';
import { OnboardingConfig } from '../config/onboarding.config';
import { migrations } from '../data-source';
import { MerchantsModule } from '../merchants/merchants.module';
import { OperatorsModule } from '../operators/operators.module';
import { PartnersModule } from '../partners/partners.module';
import { TenantsModule } from '../tenants/tenants.module';

/** Fresh keys for one test run (personal data, blind index, credentials). */
export function testOnboardingConfig(over: Partial<OnboardingConfig> = {}): OnboardingConfig {
  const key = (): string => randomBytes(32).toString('base64');
  return Object.assign(new OnboardingConfig(), { COUNTYPAY_PII_KEY: key(), COUNTYPAY_BLIND_INDEX_KEY: key(), COUNTYPAY_CREDENTIAL_KEY: key(), ...over });
}

/** onboarding's features over a fresh schema migrated with its own migrations (the integration tests' service). */
export function startOnboarding(config: OnboardingConfig = testOnboardingConfig()): Promise<TestService> {
  return startTestService({
    service: 'onboarding',
    migrations,
    imports: [CoreModule, OperatorsModule, TenantsModule, PartnersModule, AppsModule, MerchantsModule],
    override: (b) => b.overrideProvider(OnboardingConfig).useValue(config),
  });
}
