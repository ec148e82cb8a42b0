// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { AcquiringTables1764520000000 } from './migrations/1764520000000-acquiring-tables';
import { Quickpay1764710000000 } from './migrations/1764710000000-quickpay';
import { ProfitSharing1766200000000 } from './migrations/1766200000000-profit-sharing';
import { CreditPayments1767300000000 } from './migrations/1767300000000-credit-payments';
import { AgreementRevocationAndPassword1767600100000 } from './migrations/1767600100000-agreement-revocation-and-password';
import { MadeUpOrders1768030500000 } from './migrations/1768030500000-made-up-orders';

export const SCHEMA = 'acquiring';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  AcquiringTables1764520000000,
  Quickpay1764710000000,
  ProfitSharing1766200000000,
  CreditPayments1767300000000,
  AgreementRevocationAndPassword1767600100000,
  MadeUpOrders1768030500000,
];
export const entities = [];
