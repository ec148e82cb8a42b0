import fc from 'fast-check';
import { isValidBankCardNumber, luhnCheckDigit, luhnValid, validateBankAccountNumber, validateDebitCardNumber } from './bank-card';

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

describe('debit card numbers and bank account numbers (settlement accounts)', () => {
  // a rural commercial bank's corporate account (对公账户): 20 digits, no Luhn check digit
  const corporate = '51050142610800000123';

  it('a 20-digit corporate account number is a bank account number, not a debit card', () => {
    expect(luhnValid(corporate)).toBe(false);
    expect(validateBankAccountNumber(corporate)).toEqual({ valid: true });
    expect(validateDebitCardNumber(corporate)).toEqual({ valid: false, reason: 'length' });
    expect(isValidBankCardNumber(corporate)).toBe(false);
  });

  // 19-digit UnionPay cards, a 16-digit Visa debit card, a 19-digit older domestic card (9558…)
  it.each(['6222020200112233446', '6217000000000000004', '4111111111111111', `955880100111499000${luhnCheckDigit('955880100111499000')}`])(
    'accepts the Luhn-valid card %s as a debit card',
    (card) => {
      expect(validateDebitCardNumber(card)).toEqual({ valid: true });
    },
  );

  it('says which debit card rule failed', () => {
    expect(validateDebitCardNumber('6222 0202 0011 2233 446')).toEqual({ valid: false, reason: 'format' });
    expect(validateDebitCardNumber('621483012345671')).toEqual({ valid: false, reason: 'length' }); // 15 digits: Luhn-valid, too short
    expect(validateDebitCardNumber(`${'1'.repeat(15)}${luhnCheckDigit('1'.repeat(15))}`)).toEqual({ valid: false, reason: 'bin' });
    expect(validateDebitCardNumber('6222020200112233445')).toEqual({ valid: false, reason: 'check_digit' });
    expect(validateDebitCardNumber('5105014261080000012')).toEqual({ valid: false, reason: 'check_digit' }); // 19 digits without a check digit
  });

  it('a bank account number is 8 to 32 digits, with no check digit', () => {
    expect(validateBankAccountNumber('12345678')).toEqual({ valid: true });
    expect(validateBankAccountNumber('6222020200112233445')).toEqual({ valid: true }); // a wrong card check digit does not matter here
    expect(validateBankAccountNumber('9'.repeat(32))).toEqual({ valid: true });
    expect(validateBankAccountNumber('1234567')).toEqual({ valid: false, reason: 'length' });
    expect(validateBankAccountNumber('9'.repeat(33))).toEqual({ valid: false, reason: 'length' });
    expect(validateBankAccountNumber('5105-0142-6108')).toEqual({ valid: false, reason: 'format' });
    expect(validateBankAccountNumber('')).toEqual({ valid: false, reason: 'format' });
  });
});
