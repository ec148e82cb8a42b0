/** Bank card numbers: 12–19 digits passing the Luhn (mod 10) check. */

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
