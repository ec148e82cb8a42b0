/**
 * Unified social credit code, GB 32100-2015: 18 characters from a 31-character set
 * (digits and capital letters without I, O, S, V, Z):
 *   1     registration authority (e.g. 1 机构编制, 5 民政, 9 市场监管/工商, Y 其他)
 *   2     organisation type within that authority (e.g. 91 企业, 92 个体工商户, 93 农民专业合作社)
 *   3–8   administrative division code of the registering authority (GB/T 2260)
 *   9–17  organisation code (GB 11714 body)
 *   18    check character: weights 3^i mod 31, C18 = 31 - (Σ Ci·Wi mod 31), 31 → 0
 */

export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[1-8]\d{5}[0-9A-HJ-NPQRTUWXY]{10}$/;

export type UsccFailure = 'format' | 'check_character';

export type UsccResult =
  | { valid: true; code: string; registrationAuthority: string; organizationType: string; areaCode: string; organizationCode: string }
  | { valid: false; reason: UsccFailure };

/** The check character for the first 17 characters. Throws RangeError on an invalid character. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('expected 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const value = USCC_CHARSET.indexOf(first17.charAt(i));
    if (value === -1) throw new RangeError(`invalid character ${first17.charAt(i)}`);
    sum += value * (WEIGHTS[i] as number);
  }
  return USCC_CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** Validates a unified social credit code (upper-case; surrounding whitespace ignored). */
export function validateUscc(input: string): UsccResult {
  const code = input.trim();
  if (!SHAPE.test(code)) return { valid: false, reason: 'format' };
  if (usccCheckCharacter(code.slice(0, 17)) !== code.charAt(17)) return { valid: false, reason: 'check_character' };
  return {
    valid: true,
    code,
    registrationAuthority: code.charAt(0),
    organizationType: code.charAt(1),
    areaCode: code.slice(2, 8),
    organizationCode: code.slice(8, 17),
  };
}

export function isValidUscc(input: string): boolean {
  return validateUscc(input).valid;
}
