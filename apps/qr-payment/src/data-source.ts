// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { QrPaymentTables1764300000000 } from './migrations/1764300000000-qr-payment-tables';
import { QrReadModelEventIds1764480000000 } from './migrations/1764480000000-read-model-event-ids';
import { QrCountyCredit1767500000000 } from './migrations/1767500000000-qr-county-credit';
import { QrPayerKeyLookup1767700000000 } from './migrations/1767700000000-payer-key-lookup';
import { QrReadModelNotify1768050000000 } from './migrations/1768050000000-read-model-notify';
import { QrStalePayingIndex1768100000000 } from './migrations/1768100000000-stale-paying-index';
import { QrPaymentHotPath1768420100000 } from './migrations/1768420100000-payment-hot-path';

export const SCHEMA = 'qr_payment';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  QrPaymentTables1764300000000,
  QrReadModelEventIds1764480000000,
  QrCountyCredit1767500000000,
  QrPayerKeyLookup1767700000000,
  QrReadModelNotify1768050000000,
  QrStalePayingIndex1768100000000,
  QrPaymentHotPath1768420100000,
];
export const entities = [];
