import { ApiError } from '@countypay/contracts';
import {
  normalizeMainlandMobile,
  validateBankAccountNumber,
  validateDebitCardNumber,
  validateResidentId,
  validateUscc,
  type BankAccountFailure,
  type DebitCardFailure,
} from '@countypay/security';

/**
 * What a merchant's settlement account is — the rules its number is checked by:
 * - `debit_card`: a bank card (借记卡), e.g. the operator's own card of an individual business:
 *   16–19 digits, a bank card BIN, a valid Luhn check digit;
 * - `corporate_account`: a bank account of the business itself (对公账户), as companies settle
 *   to: 8–32 digits, and no check digit (rural banks' account numbers are not card numbers).
 */
export const SETTLEMENT_ACCOUNT_TYPES = ['debit_card', 'corporate_account'] as const;
export type SettlementAccountType = (typeof SETTLEMENT_ACCOUNT_TYPES)[number];

/** The KYC fields of a merchant as given. */
export interface KycInput {
  uscc?: string;
  legalRepIdNumber?: string;
  phone?: string;
  settlementAccount?: { accountType: SettlementAccountType; accountNo: string };
}

/** The KYC fields as stored, normalised. */
export interface KycNormalized {
  uscc?: string;
  legalRepIdNumber?: string;
  phone?: string;
  accountNo?: string;
}

const ACCOUNT_NO = 'settlementAccount.accountNo';
const CORPORATE_HINT = '; a corporate account (对公账户) is accountType corporate_account';

const DEBIT_CARD_RULES: Record<DebitCardFailure, string> = {
  format: `${ACCOUNT_NO} must be digits only`,
  length: `a debit card number has 16 to 19 digits${CORPORATE_HINT}`,
  bin: 'a debit card number starts with 4, 5, 6 or 9 (a bank card BIN)',
  check_digit: `${ACCOUNT_NO} fails the debit card check digit (Luhn)${CORPORATE_HINT}`,
};

const CORPORATE_ACCOUNT_RULES: Record<BankAccountFailure, string> = {
  format: `${ACCOUNT_NO} must be digits only`,
  length: 'a corporate account number has 8 to 32 digits',
};

/**
 * Checks a settlement account number by its type (spaces removed) and returns it normalised;
 * else 400 invalid_bank_account naming `settlementAccount.accountNo`, the message saying which
 * rule failed (never the number itself).
 */
export function validateSettlementAccountNo(accountType: SettlementAccountType, accountNo: string): string {
  const a = accountNo.replace(/\s/g, '');
  const refused = (rule: string): ApiError => new ApiError('invalid_bank_account', rule, ACCOUNT_NO);
  if (accountType === 'debit_card') {
    const r = validateDebitCardNumber(a);
    if (!r.valid) throw refused(DEBIT_CARD_RULES[r.reason]);
  } else {
    const r = validateBankAccountNumber(a);
    if (!r.valid) throw refused(CORPORATE_ACCOUNT_RULES[r.reason]);
  }
  return a;
}

/**
 * Validates and normalises the KYC fields that are present:
 * - USCC per GB 32100 (upper-cased) → 400 invalid_uscc (param `uscc`)
 * - legal representative's resident ID per GB 11643 (`x` → `X`) → 400 invalid_id_number (`legalRepIdNumber`)
 * - mainland mobile (`+86`, spaces and dashes removed) → 400 invalid_phone (`phone`)
 * - settlement account number by its type (spaces removed) → 400 invalid_bank_account (`settlementAccount.accountNo`)
 */
export function validateKyc(input: KycInput, today: Date = new Date()): KycNormalized {
  const out: KycNormalized = {};
  if (input.uscc !== undefined) {
    const r = validateUscc(input.uscc.trim().toUpperCase());
    if (!r.valid) {
      throw new ApiError(
        'invalid_uscc',
        r.reason === 'format' ? 'uscc is not an 18-character unified social credit code' : 'uscc has a wrong check character',
        'uscc',
      );
    }
    out.uscc = r.code;
  }
  if (input.legalRepIdNumber !== undefined) {
    const r = validateResidentId(input.legalRepIdNumber, { today });
    if (!r.valid)
      throw new ApiError('invalid_id_number', `legalRepIdNumber is not a valid resident ID number (${r.reason.replace('_', ' ')})`, 'legalRepIdNumber');
    out.legalRepIdNumber = r.idNumber;
  }
  if (input.phone !== undefined) {
    const p = normalizeMainlandMobile(input.phone);
    if (!p) throw new ApiError('invalid_phone', 'phone is not a mainland China mobile number', 'phone');
    out.phone = p;
  }
  if (input.settlementAccount !== undefined)
    out.accountNo = validateSettlementAccountNo(input.settlementAccount.accountType, input.settlementAccount.accountNo);
  return out;
}
