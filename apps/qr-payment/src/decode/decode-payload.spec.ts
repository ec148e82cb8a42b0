import { countypayMerchantAccount, encodeMpm } from '@countypay/emvco';
import { decodePayload } from './decode-payload';

const payload = encodeMpm({
  pointOfInitiation: 'dynamic',
  merchantAccounts: [countypayMerchantAccount({ merchantId: 'M0000000000000000000001', tenantCode: '510121' })],
  merchantCategoryCode: '5411',
  amountFen: 12_345n,
  merchantName: '金堂县便利店',
  merchantCity: '成都',
});

describe('decodePayload', () => {
  it('returns the fields of a valid payload with the amount as integer fen', () => {
    const r = decodePayload(payload);
    expect(r.valid).toBe(true);
    if (r.valid) {
      expect(r.fields).toMatchObject({ pointOfInitiation: 'dynamic', amountFen: 12345, merchantName: '金堂县便利店', merchantCategoryCode: '5411' });
      expect(() => JSON.stringify(r)).not.toThrow();
    }
  });

  it('says precisely what is wrong: a corrupted CRC', () => {
    const bad = payload.slice(0, -1) + (payload.endsWith('0') ? '1' : '0');
    const r = decodePayload(bad);
    expect(r.valid).toBe(false);
    expect(r.errors?.map((e) => e.code)).toContain('crc_mismatch');
  });

  it('says precisely what is wrong: a truncated payload', () => {
    const r = decodePayload(payload.slice(0, 20));
    expect(r.valid).toBe(false);
    expect(r.errors?.[0]?.message.length).toBeGreaterThan(10);
  });
});
