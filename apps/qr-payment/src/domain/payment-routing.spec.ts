import { defaultTenantConfig } from '@countypay/contracts';
import { transition } from './order-state';
import {
  channelOfDetectedWallet,
  channelOfOpeningWallet,
  channelOfPayerCode,
  channelOfPayerWallet,
  compactUuid,
  expandUuid,
  orderEventOfChannelStatus,
  payerCodeKey,
  pollSchedule,
  reasonCode,
  walletPayerRef,
} from './payment-routing';

describe('channel routing', () => {
  it.each([
    ['wechat_pay', 'wechat'],
    ['alipay', 'alipay'],
    ['unionpay', 'unionpay'],
    ['county_bank', 'county_bank'],
  ] as const)('payer code of %s is paid through %s', (wallet, channel) => {
    expect(channelOfPayerWallet(wallet)).toBe(channel);
  });

  it('an unknown wallet has no channel', () => {
    expect(channelOfDetectedWallet('unknown')).toBeUndefined();
    expect(channelOfDetectedWallet('alipay')).toBe('alipay');
  });
});

describe('orderEventOfChannelStatus', () => {
  it.each([
    ['succeeded', 'payment_succeeded'],
    ['failed', 'payment_failed'],
    ['reversed', 'reverse'],
    ['closed', 'reverse'],
    ['user_paying', undefined],
  ] as const)('%s -> %s', (status, event) => {
    expect(orderEventOfChannelStatus(status)).toBe(event);
  });

  it('a late notification never moves a final order backwards', () => {
    for (const final of ['succeeded', 'failed', 'closed'] as const) {
      for (const status of ['succeeded', 'failed', 'reversed', 'closed'] as const) {
        expect(transition(final, orderEventOfChannelStatus(status)!).ok).toBe(false);
      }
    }
  });
});

describe('payerCodeKey', () => {
  it('is stable per tenant and code, and never contains the code', () => {
    const code = '134567890123456789';
    expect(payerCodeKey('t510121', code)).toBe(payerCodeKey('t510121', code));
    expect(payerCodeKey('t510121', code)).not.toBe(payerCodeKey('t510129', code));
    expect(payerCodeKey('t510121', code)).not.toContain(code);
    expect(payerCodeKey('t510121', code)).toMatch(/^pc_[0-9a-f]{40}$/);
  });
});

describe('pollSchedule', () => {
  it('doubles up to the cap and ends exactly on the deadline', () => {
    expect(pollSchedule(1000, 5000, 30_000)).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000, 3000]);
    expect(pollSchedule(50, 200, 300)).toEqual([50, 100, 150]);
  });
  it('no deadline, no polling', () => {
    expect(pollSchedule(100, 100, 0)).toEqual([]);
  });
  it('refuses a nonsense schedule', () => {
    expect(() => pollSchedule(0, 100, 1000)).toThrow(RangeError);
    expect(() => pollSchedule(200, 100, 1000)).toThrow(RangeError);
  });
});

describe('compact UUIDs', () => {
  const id = '0f8e2c1a-9b7d-4e3f-8a2b-1c0d9e8f7a6b';
  it('round-trip through 22 characters of base64url', () => {
    const c = compactUuid(id);
    expect(c).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(expandUuid(c)).toBe(id);
    expect(expandUuid(id.toUpperCase())).toBe(id);
  });
  it('reject anything else', () => {
    expect(() => compactUuid('nope')).toThrow(RangeError);
    expect(expandUuid('short')).toBeUndefined();
    expect(expandUuid('!'.repeat(22))).toBeUndefined();
  });
});

describe('the channel of a payment', () => {
  it('a payer code goes to the wallet that issued it; an unknown shape is refused on payerCode', () => {
    expect(channelOfPayerCode(defaultTenantConfig(), '134567890123456789')).toEqual({ ok: true, value: 'wechat' });
    expect(channelOfPayerCode(defaultTenantConfig(), '880000000000000001')).toEqual({ ok: true, value: 'county_bank' });
    expect(channelOfPayerCode({ countyBankPayerCodePrefix: undefined }, '880000000000000001')).toMatchObject({
      ok: false,
      code: 'payer_code_unrecognised',
      param: 'payerCode',
    });
  });

  it('a static code opened outside a wallet app is refused, naming the apps that work', () => {
    const wechat = 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.49 NetType/WIFI';
    expect(channelOfOpeningWallet(['wechat'], wechat)).toEqual({ ok: true, value: 'wechat' });
    expect(channelOfOpeningWallet(['wechat', 'alipay'], 'Mozilla/5.0 Safari/604.1')).toMatchObject({
      ok: false,
      code: 'wallet_not_supported',
      message: 'this code must be scanned with a payment app: WeChat Pay, Alipay',
      param: 'user-agent',
    });
  });

  it("a wallet's payer is named within its channel", () => {
    expect(walletPayerRef('wechat', 'wx_openid_1')).toBe('wechat:wx_openid_1');
  });
});

describe('reasonCode', () => {
  it('keeps a stable channel reason and replaces anything else', () => {
    expect(reasonCode('insufficient_funds', 'channel_declined')).toBe('insufficient_funds');
    expect(reasonCode('Card Frozen!', 'channel_declined')).toBe('channel_declined');
    expect(reasonCode(undefined, 'channel_declined')).toBe('channel_declined');
  });
});
