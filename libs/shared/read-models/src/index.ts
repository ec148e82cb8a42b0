export { OnboardingReadModelModule } from './onboarding/onboarding-read-model.module';
export { OnboardingReadModel, ONBOARDING_READ_MODEL_OPTIONS } from './onboarding/onboarding-read-model.service';
export { OnboardingReadModelRepository, type MerchantView, type TenantConfigRecord } from './onboarding/onboarding-read-model.repository';
export {
  onboardingMerchantsTableSql,
  onboardingReadModelNotifyDownSql,
  onboardingReadModelNotifySql,
  onboardingReadModelTablesSql,
  READ_MODEL_CHANNEL,
  type OnboardingReadModelOptions,
} from './onboarding/onboarding-read-model.tables';
export { assertEnabled } from './onboarding/tenant-enablement';
