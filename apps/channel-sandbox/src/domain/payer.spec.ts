import { derivePayerId } from './payer';

describe('payer identity', () => {
  const orderId = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';

  it('an explicit payerId wins', () => {
    expect(derivePayerId('wechat', { payerId: 'wx_payer_1', payerCode: '134567890123456789', orderId })).toBe('wx_payer_1');
  });

  it('two codes of one wallet (only the last 6 digits differ) are the same payer', () => {
    const a = derivePayerId('wechat', { payerCode: '134567890123000001', orderId });
    expect(derivePayerId('wechat', { payerCode: '134567890123999999', orderId: 'x' })).toBe(a);
    expect(derivePayerId('wechat', { payerCode: '134567890124000001', orderId })).not.toBe(a);
    expect(derivePayerId('alipay', { payerCode: '134567890123000001', orderId })).not.toBe(a);
    expect(a).toMatch(/^wechat_[0-9a-f]{20}$/);
  });

  it('without a code or an id, each order has its own payer', () => {
    expect(derivePayerId('alipay', { orderId })).not.toBe(derivePayerId('alipay', { orderId: 'other' }));
  });
});
