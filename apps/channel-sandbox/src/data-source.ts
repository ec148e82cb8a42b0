// The one list of this service's migrations and entities, shared by the app and tools/migrate.mjs.
import { PLATFORM_MIGRATIONS } from '@countypay/service-kit';
import { ChannelSandbox1764210000000 } from './migrations/1764210000000-channel-sandbox';
import { OnlinePayments1764700000000 } from './migrations/1764700000000-online-payments';
import { QuickpayCards1764710000000 } from './migrations/1764710000000-quickpay-cards';
import { SandboxSettlementPayouts1765100100000 } from './migrations/1765100100000-settlement-payouts';
import { QuickpayAgreements1767600000000 } from './migrations/1767600000000-quickpay-agreements';
import { SandboxTakePayment1768420000000 } from './migrations/1768420000000-take-payment';

export const SCHEMA = 'channel_sandbox';
export const migrations = [
  ...PLATFORM_MIGRATIONS,
  ChannelSandbox1764210000000,
  OnlinePayments1764700000000,
  QuickpayCards1764710000000,
  SandboxSettlementPayouts1765100100000,
  QuickpayAgreements1767600000000,
  SandboxTakePayment1768420000000,
];
export const entities = [];
