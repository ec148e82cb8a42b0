import { defaultTenantConfig } from '@countypay/contracts';
import { applicableBarcodeLimit } from './barcode-limits';
import { createPayerCodeRouter } from './payer-code-router';
import { countyBankRule, tenantBarcodeLimits } from './tenant-rules';

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
});
