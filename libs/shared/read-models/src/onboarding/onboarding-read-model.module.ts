import { Module, type DynamicModule } from '@nestjs/common';
import { OnboardingReadModelRepository } from './onboarding-read-model.repository';
import { ONBOARDING_READ_MODEL_OPTIONS, OnboardingReadModel } from './onboarding-read-model.service';
import type { OnboardingReadModelOptions } from './onboarding-read-model.tables';

/**
 * The onboarding read model as a Nest module. A service:
 *  1. creates the tables in one of its migrations (`onboardingReadModelTablesSql(options)`),
 *  2. imports `OnboardingReadModelModule.forRoot(options)` where it reads tenants or merchants,
 *  3. adds `readModel.subscriptions()` to its `SUBSCRIPTIONS`.
 * Its methods run in the caller's transaction (the `EntityManager` they are given).
 */
@Module({})
export class OnboardingReadModelModule {
  static forRoot(options: OnboardingReadModelOptions): DynamicModule {
    return {
      module: OnboardingReadModelModule,
      providers: [{ provide: ONBOARDING_READ_MODEL_OPTIONS, useValue: { ...options } }, OnboardingReadModelRepository, OnboardingReadModel],
      exports: [OnboardingReadModel],
    };
  }
}
