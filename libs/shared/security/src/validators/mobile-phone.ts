/** Mainland China mobile numbers: 11 digits, `1[3-9]` then 9 digits. */

const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

export function isMainlandMobile(input: string): boolean {
  return MAINLAND_MOBILE.test(input);
}

/**
 * Normalises common spellings (`+86 138 0013 8000`, `86-13800138000`, `0086…`) to the bare
 * 11 digits; `undefined` if the result is not a mainland mobile number.
 */
export function normalizeMainlandMobile(input: string): string | undefined {
  const compact = input.replace(/[\s-]/g, '');
  const national = compact.replace(/^(?:\+86|0086|86)(?=1\d{10}$)/, '');
  return MAINLAND_MOBILE.test(national) ? national : undefined;
}
