import { OnboardingReadModelModule } from '@countypay/read-models';

/** acquiring's copy of what onboarding announces: tenant configurations and merchants (tables: AcquiringTables1764520000000). */
export const AcquiringReadModelModule = OnboardingReadModelModule.forRoot({ merchants: true });
