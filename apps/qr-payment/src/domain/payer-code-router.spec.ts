import { createPayerCodeRouter, routePayerCode } from './payer-code-router';

const digits = (prefix: string, length: number): string => prefix + '7'.repeat(length - prefix.length);

describe('routePayerCode', () => {
  describe('WeChat Pay: 10–15, 18 digits', () => {
    it.each(['10', '11', '12', '13', '14', '15'])('prefix %s', (prefix) => {
      expect(routePayerCode(digits(prefix, 18))).toEqual({ ok: true, wallet: 'wechat_pay' });
    });
    it.each([17, 19])('rejects %i digits', (length) => {
      expect(routePayerCode(digits('13', length))).toMatchObject({ ok: false, code: 'payer_code_unrecognised' });
    });
    it.each(['09', '16'])('rejects neighbouring prefix %s', (prefix) => {
      expect(routePayerCode(digits(prefix, 18)).ok).toBe(false);
    });
  });

  describe('Alipay: 25–30, 16 to 24 digits', () => {
    it.each(['25', '26', '27', '28', '29', '30'])('prefix %s', (prefix) => {
      expect(routePayerCode(digits(prefix, 18))).toEqual({ ok: true, wallet: 'alipay' });
    });
    it.each([16, 17, 20, 24])('accepts %i digits', (length) => {
      expect(routePayerCode(digits('28', length))).toEqual({ ok: true, wallet: 'alipay' });
    });
    it.each([15, 25])('rejects %i digits', (length) => {
      expect(routePayerCode(digits('28', length)).ok).toBe(false);
    });
    it.each(['24', '31'])('rejects neighbouring prefix %s', (prefix) => {
      expect(routePayerCode(digits(prefix, 18)).ok).toBe(false);
    });
  });

  describe('UnionPay: 62, 19 digits', () => {
    it('accepts 62 + 19 digits', () => {
      expect(routePayerCode('6228480402564890018')).toEqual({ ok: true, wallet: 'unionpay' });
    });
    it.each([18, 20])('rejects %i digits', (length) => {
      expect(routePayerCode(digits('62', length)).ok).toBe(false);
    });
    it('rejects 61 + 19 digits', () => {
      expect(routePayerCode(digits('61', 19)).ok).toBe(false);
    });
  });

  describe('county bank app: tenant-configured prefix and length', () => {
    const route = createPayerCodeRouter({ prefix: '88', length: 18 });
    it('accepts the configured shape', () => {
      expect(route(digits('88', 18))).toEqual({ ok: true, wallet: 'county_bank' });
    });
    it.each([17, 19])('rejects %i digits', (length) => {
      expect(route(digits('88', length)).ok).toBe(false);
    });
    it('is not recognised for a tenant without its own app', () => {
      expect(routePayerCode(digits('88', 18)).ok).toBe(false);
    });
    it('still routes the built-in wallets', () => {
      expect(route(digits('10', 18))).toEqual({ ok: true, wallet: 'wechat_pay' });
    });
    it('supports another prefix and length', () => {
      expect(routePayerCode(digits('955', 20), { prefix: '955', length: 20 })).toEqual({ ok: true, wallet: 'county_bank' });
    });
    it.each([
      [{ prefix: '13', length: 18 }, /overlaps WeChat Pay/],
      [{ prefix: '1', length: 18 }, /overlaps WeChat Pay/],
      [{ prefix: '28', length: 20 }, /overlaps Alipay/],
      [{ prefix: '622', length: 19 }, /overlaps UnionPay/],
      [{ prefix: '8a', length: 18 }, /1–6 digits/],
      [{ prefix: '88', length: 2 }, /length/],
    ])('refuses the ambiguous or malformed configuration %j', (config, message) => {
      expect(() => createPayerCodeRouter(config)).toThrow(message);
    });
    it('allows a prefix shared with a built-in wallet when the lengths differ', () => {
      expect(routePayerCode(digits('13', 20), { prefix: '13', length: 20 })).toEqual({ ok: true, wallet: 'county_bank' });
    });
  });

  describe('rejections', () => {
    it.each(['', ' 134567890123456789', '13456789012345678a', '１３４５６７８９０１２３４５６７８９', '134567890123456789\n', '-34567890123456789'])(
      'rejects non-digit input %j',
      (code) => {
        expect(routePayerCode(code)).toMatchObject({ ok: false, code: 'payer_code_unrecognised' });
      },
    );
    it('says which shapes are accepted', () => {
      const result = routePayerCode('99999999', { prefix: '88', length: 18 });
      expect(result).toEqual({
        ok: false,
        code: 'payer_code_unrecognised',
        message:
          'no wallet issues payer codes of 8 digits starting with 99; accepted shapes: WeChat Pay: 10–15 then 16 digits (18 in all); ' +
          'Alipay: 25–30 then 14–22 digits (16–24 in all); UnionPay: 62 then 17 digits (19 in all); county bank app: 88 then 16 digits (18 in all)',
      });
    });
  });
});
