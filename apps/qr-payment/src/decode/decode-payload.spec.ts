import { countypayMerchantAccount, encodeMpm } from '@countypay/emvco';
import { decodePayload } from './decode-payload';

const payload = encodeMpm({
  pointOfInitiation: 'dynamic',
  merchantAccounts: [countypayMerchantAccount({ merchantId: 'M0000000000000000000001', tenantCode: '510121' })],
  merchantCategoryCode: '5411',
  transactionCurrency: '156',
  countryCode: 'CN',
  amountFen: 12_345n,
  merchantName: '金堂县便利店',
  merchantCity: '成都',
});

describe('decodePayload', () => {
  it('returns the fields of a valid payload with the amount as integer fen', () => {
    const r = decodePayload(payload);
    expect(r.valid).toBe(true);
    if (r.valid) {
      expect(r.fields).toMatchObject({
        pointOfInitiation: 'dynamic',
        amountFen: 12345,
        merchantName: '金堂县便利店',
        merchantCategoryCode: '5411',
        transactionCurrency: '156',
        countryCode: 'CN',
      });
      expect(r).toMatchObject({ payable: true });
      expect(r.notPayable).toBeUndefined();
      expect(() => JSON.stringify(r)).not.toThrow();
    }
  });

  it('tells a valid payload this platform cannot pay (a UnionPay code in USD from Cambodia) from an invalid one', () => {
    const foreign = encodeMpm({
      pointOfInitiation: 'dynamic',
      networkAccounts: [{ tag: '15', value: '9011234512345678901' }],
      merchantAccounts: [],
      merchantCategoryCode: '5812',
      transactionCurrency: '840',
      countryCode: 'KH',
      amountFen: 1_250n,
      merchantName: 'ANGKOR CAFE',
      merchantCity: 'SIEM REAP',
    });
    const r = decodePayload(foreign);
    expect(r).toMatchObject({ valid: true, payable: false, fields: { transactionCurrency: '840', countryCode: 'KH', merchantName: 'ANGKOR CAFE' } });
    expect(r.notPayable?.map((x) => x.code)).toEqual(['currency_not_supported', 'country_not_supported']);
    expect(r.errors).toBeUndefined();
  });

  it('says precisely what is wrong: a corrupted CRC', () => {
    const bad = payload.slice(0, -1) + (payload.endsWith('0') ? '1' : '0');
    const r = decodePayload(bad);
    expect(r).toMatchObject({ valid: false, payable: false });
    expect(r.errors?.map((e) => e.code)).toContain('crc_mismatch');
  });

  it('says precisely what is wrong: a truncated payload', () => {
    const r = decodePayload(payload.slice(0, 20));
    expect(r.valid).toBe(false);
    expect(r.errors?.[0]?.message.length).toBeGreaterThan(10);
  });
});
