/**
 * Resident identity card number, GB 11643-1999: 18 characters
 *   1–6   address code (GB/T 2260 administrative division; first two = province)
 *   7–14  birth date YYYYMMDD
 *   15–17 sequence code (odd = male, even = female)
 *   18    check character, ISO 7064 MOD 11-2 (`0`–`9` or `X`)
 * Residence permits for Hong Kong, Macao and Taiwan residents use the same format with
 * 81/82/83 prefixes, so they are accepted.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';
const SHAPE = /^\d{17}[\dX]$/;

/** Province-level prefixes of GB/T 2260, plus 71 (Taiwan) and 81/82/83 (residence permits). */
export const RESIDENT_ID_PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
  '83',
]);

export type ResidentIdFailure = 'format' | 'area_code' | 'birth_date' | 'check_digit';

export type ResidentIdResult =
  { valid: true; idNumber: string; areaCode: string; birthDate: string; gender: 'male' | 'female' } | { valid: false; reason: ResidentIdFailure };

/** ISO 7064 MOD 11-2 check character for the first 17 digits. Throws RangeError otherwise. */
export function residentIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17.charAt(i)) * (WEIGHTS[i] as number);
  return CHECK.charAt(sum % 11);
}

function isValidBirthDate(yyyymmdd: string, today: Date): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < 1900) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  return date.getTime() <= today.getTime();
}

export interface ResidentIdOptions {
  /** Birth dates after this instant are rejected; defaults to now. */
  today?: Date;
}

/** Validates an 18-character resident ID number; a trailing lower-case `x` is accepted and normalised. */
export function validateResidentId(input: string, options: ResidentIdOptions = {}): ResidentIdResult {
  const idNumber = input.trim().toUpperCase();
  if (!SHAPE.test(idNumber)) return { valid: false, reason: 'format' };
  const areaCode = idNumber.slice(0, 6);
  if (!RESIDENT_ID_PROVINCE_PREFIXES.has(areaCode.slice(0, 2))) return { valid: false, reason: 'area_code' };
  const birth = idNumber.slice(6, 14);
  if (!isValidBirthDate(birth, options.today ?? new Date())) return { valid: false, reason: 'birth_date' };
  if (residentIdCheckCharacter(idNumber.slice(0, 17)) !== idNumber.charAt(17)) return { valid: false, reason: 'check_digit' };
  return {
    valid: true,
    idNumber,
    areaCode,
    birthDate: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
    gender: Number(idNumber.charAt(16)) % 2 === 1 ? 'male' : 'female',
  };
}

export function isValidResidentId(input: string, options: ResidentIdOptions = {}): boolean {
  return validateResidentId(input, options).valid;
}
