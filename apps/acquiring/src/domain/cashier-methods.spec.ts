import { cashierMethods, environmentOf } from './cashier-methods';

describe('cashier methods', () => {
  it('offers only enabled channels, in the form that works where the payer is', () => {
    const all = ['wechat', 'alipay', 'unionpay', 'county_bank'] as const;
    expect(cashierMethods(all, 'wechat')).toEqual(['wechat_jsapi', 'unionpay_online', 'card_quickpay']);
    expect(cashierMethods(all, 'mobile')).toEqual(['wechat_h5', 'alipay_wap', 'unionpay_online', 'card_quickpay']);
    expect(cashierMethods(all, 'desktop')).toEqual(['wechat_native', 'alipay_page', 'unionpay_online', 'card_quickpay']);
    expect(cashierMethods(['alipay'], 'mobile')).toEqual(['alipay_wap']);
  });
  it("lists the county bank's card quick pay with its channel and county credit with the county's credit product", () => {
    expect(cashierMethods(['county_bank'], 'mobile')).toEqual(['card_quickpay']);
    expect(cashierMethods([], 'wechat', { credit: true })).toEqual(['county_credit']);
    expect(cashierMethods(['unionpay', 'county_bank'], 'desktop', { credit: true })).toEqual(['unionpay_online', 'card_quickpay', 'county_credit']);
    expect(cashierMethods(['county_credit'], 'desktop')).toEqual([]);
  });
  it('tells WeChat, mobile and desktop browsers apart', () => {
    expect(environmentOf('Mozilla/5.0 (iPhone) AppleWebKit Mobile MicroMessenger/8.0.49')).toBe('wechat');
    expect(environmentOf('Mozilla/5.0 (Linux; Android 14) Mobile Safari')).toBe('mobile');
    expect(environmentOf('Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0')).toBe('desktop');
  });
});
