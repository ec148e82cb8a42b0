import fc from 'fast-check';
import { isValidResidentId, residentIdCheckCharacter, validateResidentId } from './resident-id';

const today = new Date('2026-06-01T00:00:00Z');

describe('resident ID number (GB 11643-1999)', () => {
  it('accepts the example of the standard, with an X check digit', () => {
    expect(validateResidentId('11010519491231002X', { today })).toEqual({
      valid: true,
      idNumber: '11010519491231002X',
      areaCode: '110105',
      birthDate: '1949-12-31',
      gender: 'female',
    });
  });

  it('normalises a lower-case x', () => {
    expect(validateResidentId('11010519491231002x', { today })).toMatchObject({ valid: true, idNumber: '11010519491231002X' });
  });

  it.each([
    ['440304199003074561', 'female'],
    ['350102198506151231', 'male'],
    ['510108200002290017', 'male'], // 29 Feb of a leap year
  ])('accepts %s', (id, gender) => {
    expect(validateResidentId(id, { today })).toMatchObject({ valid: true, gender });
  });

  it('computes ISO 7064 MOD 11-2 check characters', () => {
    expect(residentIdCheckCharacter('11010519491231002')).toBe('X');
    expect(residentIdCheckCharacter('44030419900307456')).toBe('1');
    expect(() => residentIdCheckCharacter('1101051949123100')).toThrow(RangeError);
  });

  it.each([
    ['110105194912310021', 'check_digit'],
    ['11010519491231002', 'format'],
    ['1101051949123100XX', 'format'],
    ['99010519491231002X', 'area_code'],
    ['000105194912310020', 'area_code'],
    ['510108190102290012', 'birth_date'], // 1901 is not a leap year
    ['110105202612310010', 'birth_date'], // in the future
    ['110105189912310010', 'birth_date'], // before 1900
    ['110105194913010010', 'birth_date'], // month 13
  ])('rejects %s (%s)', (id, reason) => {
    const first17 = id.slice(0, 17);
    // Give format/area/date failures a correct check digit so that only the named rule fails.
    const candidate = reason === 'check_digit' || reason === 'format' || !/^\d{17}$/.test(first17) ? id : first17 + residentIdCheckCharacter(first17);
    expect(validateResidentId(candidate, { today })).toEqual({ valid: false, reason });
  });

  it('property: any valid date and province prefix with the computed check digit validates', () => {
    const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true });
    fc.assert(
      fc.property(
        fc.constantFrom('11', '35', '44', '65', '81'),
        fc.integer({ min: 0, max: 9999 }),
        date,
        fc.integer({ min: 0, max: 999 }),
        (province, county, birth, seq) => {
          const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
          const first17 = `${province}${String(county).padStart(4, '0')}${ymd}${String(seq).padStart(3, '0')}`;
          expect(isValidResidentId(first17 + residentIdCheckCharacter(first17), { today })).toBe(true);
        },
      ),
    );
  });
});
