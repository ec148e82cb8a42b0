import { OnboardingReadModelModule } from '@countypay/read-models';

/**
 * qr-payment's copy of what onboarding announces: tenant configurations and merchants (with
 * stores and terminals), from `@countypay/read-models`. One module object, imported by every
 * feature that reads it, so the app has one instance. Its tables were created by the migration
 * QrPaymentTables1764300000000 (same shape as `onboardingReadModelTablesSql({ merchants: true })`
 * after QrReadModelEventIds1764480000000). Kept in memory per tenant, dropped on every change the
 * triggers of QrReadModelNotify1768050000000 notify (issue 14: no read-model statement per payment).
 */
export const QrReadModelModule = OnboardingReadModelModule.forRoot({ merchants: true, cache: true });
