// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { CreditTables1764800000000 } from './migrations/1764800000000-credit-tables';
import { CreditStatements1766300100000 } from './migrations/1766300100000-credit-statements';
import { CreditRefunds1766300200000 } from './migrations/1766300200000-credit-refunds';
import { CreditCashRefunds1767500100000 } from './migrations/1767500100000-credit-cash-refunds';
import { CreditLivingStatements1767500300000 } from './migrations/1767500300000-credit-living-statements';

export const SCHEMA = 'credit';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  CreditTables1764800000000,
  CreditStatements1766300100000,
  CreditRefunds1766300200000,
  CreditCashRefunds1767500100000,
  CreditLivingStatements1767500300000,
];
export const entities = [];
