// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { TenantConfigs1764202400000 } from './migrations/1764202400000-tenant-configs';
import { Ledger1764202500000 } from './migrations/1764202500000-ledger';
import { LedgerMerchantIndex1764202600000 } from './migrations/1764202600000-ledger-merchant-index';
import { SettlementBatches1765100000000 } from './migrations/1765100000000-settlement-batches';
import { SettlementPayouts1765100200000 } from './migrations/1765100200000-settlement-payouts';
import { SplitSourceTypes1766200100000 } from './migrations/1766200100000-split-source-types';
import { CreditLedger1766300000000 } from './migrations/1766300000000-credit-ledger';
import { Reconciliation1766400000000 } from './migrations/1766400000000-reconciliation';
import { LedgerSourceTypes1766900000000 } from './migrations/1766900000000-ledger-source-types';
import { MerchantsReadModel1766910000000 } from './migrations/1766910000000-merchants-read-model';
import { ClearingEveryProduct1767200000000 } from './migrations/1767200000000-clearing-every-product';
import { ReconRunsSeq1767200100000 } from './migrations/1767200100000-recon-runs-seq';
import { CreditCashRefundSource1767500200000 } from './migrations/1767500200000-credit-cash-refund-source';
import { ReconPlatformProduct1768030600000 } from './migrations/1768030600000-recon-platform-product';
import { LedgerPartitionForeignKeys1768200100000 } from './migrations/1768200100000-ledger-partition-foreign-keys';
import { SettlementReadModelNotify1768200200000 } from './migrations/1768200200000-settlement-read-model-notify';
import { LedgerPostFunction1768430000000 } from './migrations/1768430000000-ledger-post-function';

export const SCHEMA = 'settlement';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  TenantConfigs1764202400000,
  Ledger1764202500000,
  LedgerMerchantIndex1764202600000,
  SettlementBatches1765100000000,
  SettlementPayouts1765100200000,
  SplitSourceTypes1766200100000,
  CreditLedger1766300000000,
  Reconciliation1766400000000,
  LedgerSourceTypes1766900000000,
  MerchantsReadModel1766910000000,
  ClearingEveryProduct1767200000000,
  ReconRunsSeq1767200100000,
  CreditCashRefundSource1767500200000,
  ReconPlatformProduct1768030600000,
  LedgerPartitionForeignKeys1768200100000,
  SettlementReadModelNotify1768200200000,
  LedgerPostFunction1768430000000,
];
export const entities = [];
