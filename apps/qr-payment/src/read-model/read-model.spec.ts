import { ApiError, defaultTenantConfig } from '@countypay/contracts';
import { createPayerCodeRouter } from '../domain/payer-code-router';
import { applicableBarcodeLimit } from '../domain/barcode-limits';
import { assertEnabled, countyBankRule, tenantBarcodeLimits } from './read-model.service';

describe('tenant configuration rules', () => {
  it('the default config routes the county bank app codes (prefix 88, 18 digits)', () => {
    const route = createPayerCodeRouter(countyBankRule(defaultTenantConfig()));
    expect(route('880000000000000001')).toEqual({ ok: true, wallet: 'county_bank' });
    expect(route('134567890123456789')).toEqual({ ok: true, wallet: 'wechat_pay' });
  });

  it('a tenant without its own app has no county rule', () => {
    const c = Object.assign(defaultTenantConfig(), { countyBankPayerCodePrefix: undefined });
    expect(countyBankRule(c)).toBeUndefined();
  });

  it('tenant barcode limits become bigint fen and lower the regulation', () => {
    const c = defaultTenantConfig();
    c.barcodeLimits = Object.assign(c.barcodeLimits, { staticFen: 20_000, dynamicLevelCFen: 50_000 });
    const limits = tenantBarcodeLimits(c);
    expect(limits).toEqual({ staticFen: 20_000n, levelCFen: 50_000n });
    expect(applicableBarcodeLimit('static', 'C', limits)).toBe(20_000n);
    expect(applicableBarcodeLimit('dynamic', 'B', limits)).toBe(500_000n);
  });

  it('refuses a disabled product or channel with channel_not_enabled', () => {
    const c = defaultTenantConfig();
    c.enabledChannels = ['wechat'];
    expect(() => assertEnabled(c, 'qr', 'wechat')).not.toThrow();
    expect(() => assertEnabled(c, 'qr', 'alipay')).toThrow(ApiError);
    try {
      assertEnabled(c, 'qr', 'alipay');
    } catch (e) {
      expect((e as ApiError).code).toBe('channel_not_enabled');
      expect((e as ApiError).message).toContain('enabled: wechat');
    }
    c.enabledProducts = ['acquiring'];
    expect(() => assertEnabled(c, 'qr')).toThrow(/qr product is not enabled/);
  });
});
