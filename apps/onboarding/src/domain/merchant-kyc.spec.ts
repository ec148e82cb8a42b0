import { ApiError } from '@countypay/contracts';
import { validateKyc, validateSettlementAccountNo } from './merchant-kyc';

const today = new Date('2026-06-01T00:00:00Z');
const good = {
  uscc: '914403001922038216',
  legalRepIdNumber: '11010519491231002x',
  phone: '+86 138-0013-8000',
  settlementAccount: { accountType: 'debit_card' as const, accountNo: '6222 0202 0011 2233 446' },
};

function failure(input: Parameters<typeof validateKyc>[0]): { code: string; param?: string; message: string } {
  try {
    validateKyc(input, today);
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, param: e.param, message: e.message };
    throw e;
  }
  throw new Error('expected a KYC failure');
}

const debit = (accountNo: string) => ({ settlementAccount: { accountType: 'debit_card' as const, accountNo } });
const corporate = (accountNo: string) => ({ settlementAccount: { accountType: 'corporate_account' as const, accountNo } });

describe('merchant KYC validation', () => {
  it('accepts valid fields and normalises them', () => {
    expect(validateKyc(good, today)).toEqual({
      uscc: '914403001922038216',
      legalRepIdNumber: '11010519491231002X',
      phone: '13800138000',
      accountNo: '6222020200112233446',
    });
  });

  it('upper-cases a USCC before checking it', () => {
    expect(validateKyc({ uscc: '91350100m000100y43' }, today).uscc).toBe('91350100M000100Y43');
  });

  it.each([
    [{ uscc: '914403001922038217' }, 'invalid_uscc', 'uscc'],
    [{ uscc: '91440300192203821' }, 'invalid_uscc', 'uscc'],
    [{ legalRepIdNumber: '110105194912310021' }, 'invalid_id_number', 'legalRepIdNumber'],
    [{ legalRepIdNumber: '110105202612310010' }, 'invalid_id_number', 'legalRepIdNumber'],
    [{ phone: '12800138000' }, 'invalid_phone', 'phone'],
    [{ phone: '+1 415 555 0100' }, 'invalid_phone', 'phone'],
    [debit('6222020200112233445'), 'invalid_bank_account', 'settlementAccount.accountNo'],
    [debit('12345678901'), 'invalid_bank_account', 'settlementAccount.accountNo'],
    [corporate('1234567'), 'invalid_bank_account', 'settlementAccount.accountNo'],
  ])('refuses %j with %s naming %s', (input, code, param) => {
    expect(failure(input)).toMatchObject({ code, param });
  });

  it('checks only the fields given (a PATCH of the phone alone)', () => {
    expect(validateKyc({ phone: '13912345678' }, today)).toEqual({ phone: '13912345678' });
  });
});

describe('settlement accounts are checked by their type', () => {
  // a rural commercial bank's corporate account: 20 digits, no Luhn check digit
  const corporateAccount = '51050142610800000123';

  it('regression: a 20-digit corporate account number is accepted as a corporate account, refused as a debit card', () => {
    expect(validateKyc(corporate(corporateAccount), today)).toEqual({ accountNo: corporateAccount });
    expect(failure(debit(corporateAccount))).toEqual({
      code: 'invalid_bank_account',
      param: 'settlementAccount.accountNo',
      message: 'a debit card number has 16 to 19 digits; a corporate account (对公账户) is accountType corporate_account',
    });
  });

  it('a Luhn-valid 19-digit card is accepted as a debit card (and, being digits, as an account number too)', () => {
    expect(validateSettlementAccountNo('debit_card', '6222020200112233446')).toBe('6222020200112233446');
    expect(validateSettlementAccountNo('corporate_account', '6222020200112233446')).toBe('6222020200112233446');
  });

  it('spaces are ignored: corporate account numbers are often written in groups', () => {
    expect(validateSettlementAccountNo('corporate_account', '5105 0142 6108 0000 0123')).toBe(corporateAccount);
  });

  it.each([
    ['debit_card', '6222-0202-0011-2233-446', 'settlementAccount.accountNo must be digits only'],
    ['debit_card', '621483012345671', 'a debit card number has 16 to 19 digits; a corporate account (对公账户) is accountType corporate_account'],
    ['debit_card', '1111111111111117', 'a debit card number starts with 4, 5, 6 or 9 (a bank card BIN)'],
    [
      'debit_card',
      '5105014261080000012',
      'settlementAccount.accountNo fails the debit card check digit (Luhn); a corporate account (对公账户) is accountType corporate_account',
    ],
    ['corporate_account', '1234567', 'a corporate account number has 8 to 32 digits'],
    ['corporate_account', '9'.repeat(33), 'a corporate account number has 8 to 32 digits'],
    ['corporate_account', '51050142610800000123X', 'settlementAccount.accountNo must be digits only'],
  ] as const)('a %s %s is refused: %s', (type, accountNo, message) => {
    let error: unknown;
    try {
      validateSettlementAccountNo(type, accountNo);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_bank_account', param: 'settlementAccount.accountNo', message });
    // the message says which rule failed, never the number
    expect((error as ApiError).message).not.toContain(accountNo.replace(/\D/g, '').slice(0, 8) || '_');
  });
});
