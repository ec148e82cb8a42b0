import { ApiError } from '@countypay/contracts';
import { validateKyc } from './merchant-kyc';

const today = new Date('2026-06-01T00:00:00Z');
const good = { uscc: '914403001922038216', legalRepIdNumber: '11010519491231002x', phone: '+86 138-0013-8000', accountNo: '6222 0202 0011 2233 446' };

function failure(input: Parameters<typeof validateKyc>[0]): { code: string; param?: string } {
  try {
    validateKyc(input, today);
  } catch (e) {
    if (e instanceof ApiError) return { code: e.code, param: e.param };
    throw e;
  }
  throw new Error('expected a KYC failure');
}

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
    [{ accountNo: '6222020200112233445' }, 'invalid_bank_account', 'settlementAccount.accountNo'],
    [{ accountNo: '12345678901' }, 'invalid_bank_account', 'settlementAccount.accountNo'],
  ])('refuses %j with %s naming %s', (input, code, param) => {
    expect(failure(input)).toEqual({ code, param });
  });

  it('checks only the fields given (a PATCH of the phone alone)', () => {
    expect(validateKyc({ phone: '13912345678' }, today)).toEqual({ phone: '13912345678' });
  });
});
