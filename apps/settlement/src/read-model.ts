import { OnboardingReadModelModule } from '@countypay/read-models';

/**
 * settlement's copy of what onboarding announces: tenant configurations (the fee plan and
 * settlement policy read for every posting) and merchants. One module object, imported by every
 * feature that reads it, so the app has one instance. Kept in memory per tenant, dropped on every
 * change the triggers of SettlementReadModelNotify1768200200000 notify (issue 14: no read-model
 * statement per posted payment), and at once in this instance when it applies a change itself.
 */
export const SettlementReadModelModule = OnboardingReadModelModule.forRoot({ merchants: true, cache: true });
