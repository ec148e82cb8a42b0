import fc from 'fast-check';
import { isValidBankCardNumber, luhnCheckDigit, luhnValid } from './bank-card';

describe('bank card numbers (Luhn)', () => {
  it.each(['4111111111111111', '6222021234567890128', '6217000000000000004', '621483012345671', '79927398713'])('%s passes Luhn', (n) => {
    expect(luhnValid(n)).toBe(true);
  });

  it('accepts 12-19 digit cards only', () => {
    expect(isValidBankCardNumber('6222021234567890128')).toBe(true);
    expect(isValidBankCardNumber('621483012345671')).toBe(true);
    expect(isValidBankCardNumber('79927398713')).toBe(false); // 11 digits
    expect(isValidBankCardNumber('6222021234567890127')).toBe(false); // check digit
    expect(isValidBankCardNumber('6222 0212 3456 7890 128')).toBe(false);
    expect(isValidBankCardNumber(`${'0'.repeat(19)}0`)).toBe(false); // 20 digits
  });

  it('computes check digits', () => {
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('622202123456789012')).toBe('8');
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });

  it('property: the computed digit validates and detects every single-digit error', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11,18}$/), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, position, delta) => {
        const card = payload + luhnCheckDigit(payload);
        expect(isValidBankCardNumber(card)).toBe(true);
        const i = position % card.length;
        const changed = card.slice(0, i) + String((Number(card.charAt(i)) + delta) % 10) + card.slice(i + 1);
        expect(luhnValid(changed)).toBe(false);
      }),
    );
  });
});
