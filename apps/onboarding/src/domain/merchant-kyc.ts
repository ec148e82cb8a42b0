import { ApiError } from '@countypay/contracts';
import { isValidBankCardNumber, normalizeMainlandMobile, validateResidentId, validateUscc } from '@countypay/security';

/** The KYC fields of a merchant as given, and as stored after normalisation. */
export interface KycInput {
  uscc?: string;
  legalRepIdNumber?: string;
  phone?: string;
  accountNo?: string;
}

export interface KycNormalized {
  uscc?: string;
  legalRepIdNumber?: string;
  phone?: string;
  accountNo?: string;
}

/**
 * Validates and normalises the KYC fields that are present:
 * - USCC per GB 32100 (upper-cased) → 400 invalid_uscc (param `uscc`)
 * - legal representative's resident ID per GB 11643 (`x` → `X`) → 400 invalid_id_number (`legalRepIdNumber`)
 * - mainland mobile (`+86`, spaces and dashes removed) → 400 invalid_phone (`phone`)
 * - settlement account: 12–19 digits passing Luhn (spaces removed) → 400 invalid_bank_account (`settlementAccount.accountNo`)
 */
export function validateKyc(input: KycInput, today: Date = new Date()): KycNormalized {
  const out: KycNormalized = {};
  if (input.uscc !== undefined) {
    const r = validateUscc(input.uscc.trim().toUpperCase());
    if (!r.valid) {
      throw new ApiError('invalid_uscc', r.reason === 'format' ? 'uscc is not an 18-character unified social credit code' : 'uscc has a wrong check character', 'uscc');
    }
    out.uscc = r.code;
  }
  if (input.legalRepIdNumber !== undefined) {
    const r = validateResidentId(input.legalRepIdNumber, { today });
    if (!r.valid) throw new ApiError('invalid_id_number', `legalRepIdNumber is not a valid resident ID number (${r.reason.replace('_', ' ')})`, 'legalRepIdNumber');
    out.legalRepIdNumber = r.idNumber;
  }
  if (input.phone !== undefined) {
    const p = normalizeMainlandMobile(input.phone);
    if (!p) throw new ApiError('invalid_phone', 'phone is not a mainland China mobile number', 'phone');
    out.phone = p;
  }
  if (input.accountNo !== undefined) {
    const a = input.accountNo.replace(/\s/g, '');
    if (!isValidBankCardNumber(a)) throw new ApiError('invalid_bank_account', 'settlementAccount.accountNo must be 12 to 19 digits with a valid check digit', 'settlementAccount.accountNo');
    out.accountNo = a;
  }
  return out;
}
