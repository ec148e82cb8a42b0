import { ApiError } from '@countypay/contracts';
import type { MerchantView } from '../read-model/read-model.repository';
import { assertStore } from '../orders/orders.service';
import { reasonCode } from '../orders/payment-executor.service';
import { storeOfTerminal } from './pos.service';

const merchant: MerchantView = {
  merchantId: 'm1',
  legalName: 'Shop',
  mcc: '5411',
  city: 'Pinghu',
  status: 'active',
  version: 1,
  stores: [
    { storeId: 's1', name: 'Main', status: 'active', terminals: [{ terminalId: 't1', serialNo: 'SN1', status: 'active' }, { terminalId: 't2', serialNo: 'SN2', status: 'disabled' }] },
    { storeId: 's2', name: 'Closed', status: 'disabled', terminals: [{ terminalId: 't3', serialNo: 'SN3', status: 'active' }] },
  ],
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof ApiError ? e.code : 'not an ApiError';
  }
};

describe('terminals and stores', () => {
  it('a terminal resolves to its store', () => {
    expect(storeOfTerminal(merchant, 't1')).toBe('s1');
  });
  it('a disabled terminal, or one in a disabled store, takes no payment', () => {
    expect(codeOf(() => storeOfTerminal(merchant, 't2'))).toBe('merchant_not_active');
    expect(codeOf(() => storeOfTerminal(merchant, 't3'))).toBe('merchant_not_active');
  });
  it("another merchant's terminal or store is not found", () => {
    expect(codeOf(() => storeOfTerminal(merchant, 'tx'))).toBe('not_found');
    expect(codeOf(() => assertStore(merchant, 'sx'))).toBe('not_found');
    expect(codeOf(() => assertStore(merchant, 's2'))).toBe('merchant_not_active');
    expect(codeOf(() => assertStore(merchant, 's1'))).toBeUndefined();
  });
});

describe('reasonCode', () => {
  it('keeps a stable channel reason and replaces anything else', () => {
    expect(reasonCode('insufficient_funds', 'channel_declined')).toBe('insufficient_funds');
    expect(reasonCode('Card Frozen!', 'channel_declined')).toBe('channel_declined');
    expect(reasonCode(undefined, 'channel_declined')).toBe('channel_declined');
  });
});
