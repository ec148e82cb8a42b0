/** Bank card numbers (12–19 digits passing the Luhn (mod 10) check), debit cards and bank account numbers. */

const DIGITS = /^\d+$/;

/** True if the digit string (check digit last) passes Luhn. */
export function luhnValid(digits: string): boolean {
  if (!DIGITS.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits.charAt(digits.length - 1 - i));
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit to append to `payload`. Throws RangeError on non-digits. */
export function luhnCheckDigit(payload: string): string {
  if (!DIGITS.test(payload)) throw new RangeError('expected digits');
  for (let d = 0; d <= 9; d += 1) if (luhnValid(`${payload}${d}`)) return String(d);
  throw new RangeError('unreachable');
}

/** 12–19 digits with a valid Luhn check digit; spaces are not accepted (normalise first). */
export function isValidBankCardNumber(input: string): boolean {
  return /^\d{12,19}$/.test(input) && luhnValid(input);
}

/**
 * Why a debit card number is refused:
 * - `format`: not digits only (normalise spaces away first);
 * - `length`: not 16–19 digits (the length of the debit cards mainland banks issue);
 * - `bin`: its first digit is not that of a bank card issuer (ISO/IEC 7812 major industry
 *   identifier 4, 5 or 6 — Visa, Mastercard, UnionPay 62… — or 9, the national range of older
 *   domestic debit cards such as 9558…);
 * - `check_digit`: the Luhn check digit is wrong.
 */
export type DebitCardFailure = 'format' | 'length' | 'bin' | 'check_digit';

/** A debit card number (PAN): 16–19 digits, a bank card issuer's BIN, Luhn check digit. */
export function validateDebitCardNumber(input: string): { valid: true } | { valid: false; reason: DebitCardFailure } {
  if (!DIGITS.test(input)) return { valid: false, reason: 'format' };
  if (input.length < 16 || input.length > 19) return { valid: false, reason: 'length' };
  if (!/^[4569]/.test(input)) return { valid: false, reason: 'bin' };
  if (!luhnValid(input)) return { valid: false, reason: 'check_digit' };
  return { valid: true };
}

/** Why a bank account number is refused: not digits only, or not 8–32 of them. */
export type BankAccountFailure = 'format' | 'length';

/**
 * A bank account number that is not a card (e.g. a corporate account, 对公账户): 8–32 digits.
 * It has no check digit that can be verified from outside the bank, so none is checked.
 */
export function validateBankAccountNumber(input: string): { valid: true } | { valid: false; reason: BankAccountFailure } {
  if (!DIGITS.test(input)) return { valid: false, reason: 'format' };
  if (input.length < 8 || input.length > 32) return { valid: false, reason: 'length' };
  return { valid: true };
}
