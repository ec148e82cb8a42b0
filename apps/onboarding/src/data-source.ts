// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { Tenants1764201700000 } from './migrations/1764201700000-tenants';
import { SeedCountyTenants1764201800000 } from './migrations/1764201800000-seed-county-tenants';
import { OnboardingCore1764201900000 } from './migrations/1764201900000-onboarding-core';
import { TenantPublishedVersion1764202000000 } from './migrations/1764202000000-tenant-published-version';
import { MerchantSettlementAccountType1764202100000 } from './migrations/1764202100000-merchant-settlement-account-type';
import { ConsoleAccounts1764600000000 } from './migrations/1764600000000-console-accounts';

export const SCHEMA = 'onboarding';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  Tenants1764201700000,
  SeedCountyTenants1764201800000,
  OnboardingCore1764201900000,
  TenantPublishedVersion1764202000000,
  MerchantSettlementAccountType1764202100000,
  ConsoleAccounts1764600000000,
];
export const entities = [];
