import fc from 'fast-check';
import { USCC_CHARSET, isValidUscc, usccCheckCharacter, validateUscc } from './uscc';

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts a real enterprise code and splits its parts', () => {
    // Huawei Technologies Co., Ltd., Shenzhen (public business registration).
    expect(validateUscc('914403001922038216')).toEqual({
      valid: true,
      code: '914403001922038216',
      registrationAuthority: '9',
      organizationType: '1',
      areaCode: '440300',
      organizationCode: '192203821',
    });
  });

  it.each([
    ['91350100M000100Y43'],
    ['91110108MA01ABCD0B'],
    ['92330782MA2E1234XN'], // 个体工商户
    ['12100000400000624D'], // 机构编制, central
  ])('accepts %s (check character computed by hand from the weights)', (code) => {
    expect(isValidUscc(code)).toBe(true);
  });

  it('computes the check character, mapping 31 to 0', () => {
    expect(usccCheckCharacter('91440300192203821')).toBe('6');
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
    expect(() => usccCheckCharacter('91440300I92203821')).toThrow(RangeError);
  });

  it.each([
    ['914403001922038217', 'check_character'],
    ['91440300192203821', 'format'], // 17 chars
    ['914403001922038216X', 'format'],
    ['91440300192203821I', 'format'], // I is not in the charset
    ['914403001922O38216', 'format'], // O is not in the charset
    ['91A403001922038216', 'format'], // area code must be digits
    ['910403001922038216', 'format'], // area code starts 1-8
    ['91350100m000100y43', 'format'],
  ])('rejects %s (%s)', (code, reason) => {
    expect(validateUscc(code)).toEqual({ valid: false, reason });
  });

  it('property: appending the computed check character always validates, any other character does not', () => {
    const ch = fc.constantFrom(...USCC_CHARSET);
    const body = fc.tuple(fc.constantFrom('1', '5', '9', 'Y'), ch, fc.integer({ min: 110000, max: 829999 }), fc.array(ch, { minLength: 9, maxLength: 9 }));
    fc.assert(
      fc.property(body, ch, ([authority, type, area, org], other) => {
        const first17 = `${authority}${type}${area}${org.join('')}`;
        const check = usccCheckCharacter(first17);
        expect(isValidUscc(first17 + check)).toBe(true);
        if (other !== check) expect(isValidUscc(first17 + other)).toBe(false);
      }),
    );
  });
});
