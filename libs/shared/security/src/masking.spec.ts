import fc from 'fast-check';
import { PERSONAL_DATA_FIELDS, REDACTED, maskCardNumber, maskEmail, maskName, maskPersonalData, maskPhone, maskResidentId, personalDataKind } from './masking';

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['李小龙', '李**'],
    ['欧阳娜娜', '欧阳**'],
    ['欧阳', '欧*'],
    ['诸葛亮', '诸葛*'],
    ['王', '*'],
    ['  张三 ', '张*'],
    ['', ''],
    ['John Smith', 'J*** S****'],
    ["O'Neil", "O'N***"],
  ])('%s → %s', (input, masked) => {
    expect(maskName(input)).toBe(masked);
  });
});

describe('value masks', () => {
  it('resident ID keeps the first 3 and last 4', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110***********002X');
  });

  it('phone keeps the first 3 and last 4', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('1234')).toBe('1***');
  });

  it('bank card keeps the first 6 and last 4, ignoring spaces', () => {
    expect(maskCardNumber('6222021234567890128')).toBe('622202*********0128');
    expect(maskCardNumber('6222 0212 3456 7890 128')).toBe('622202*********0128');
    expect(maskCardNumber('12345678')).toBe('****5678');
  });

  it('email keeps the first character of the local part and the domain', () => {
    expect(maskEmail('zhangsan@example.com')).toBe('z*******@example.com');
    expect(maskEmail('not-an-email')).toBe('n***********');
  });

  it('property: masks keep the length and never reveal the hidden middle of a card', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12,19}$/), (card) => {
        const masked = maskCardNumber(card);
        expect(masked).toHaveLength(card.length);
        expect(masked.slice(6, -4)).toMatch(/^\*+$/);
      }),
    );
  });
});

describe('maskPersonalData', () => {
  it('masks known fields deeply, matching names case- and separator-insensitively', () => {
    const input = {
      merchantId: 'mch_001',
      legalRepName: '欧阳娜娜',
      legal_rep_id_number: undefined,
      idNumber: '11010519491231002X',
      contact: { Mobile: '13812345678', email: 'zhangsan@example.com' },
      accounts: [{ 'bank-account': '6222021234567890128', amount: 100 }],
      phone: 13812345678,
      appSecret: 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g',
      createdAt: new Date(0),
    };
    expect(maskPersonalData(input)).toEqual({
      merchantId: 'mch_001',
      legalRepName: '欧阳**',
      legal_rep_id_number: undefined,
      idNumber: '110***********002X',
      contact: { Mobile: '138****5678', email: 'z*******@example.com' },
      accounts: [{ 'bank-account': '622202*********0128', amount: 100 }],
      phone: '138****5678',
      appSecret: REDACTED,
      createdAt: new Date(0),
    });
  });

  it('does not mutate the input', () => {
    const input = { name: '张三', nested: { cardNumber: '6222021234567890128' } };
    const snapshot = structuredClone(input);
    const output = maskPersonalData(input);
    expect(input).toEqual(snapshot);
    expect(output).not.toBe(input);
    expect(output.nested).not.toBe(input.nested);
  });

  it('masks structured values of a known field and redacts opaque ones', () => {
    expect(maskPersonalData({ name: { first: '三', last: '张三' }, phone: ['13812345678'], cardNumber: new Map() })).toEqual({
      name: { first: '*', last: '张*' },
      phone: ['138****5678'],
      cardNumber: REDACTED,
    });
  });

  it('copies class instances (DTOs) as plain objects with their fields masked', () => {
    class PayerDto {
      constructor(
        readonly payerName: string,
        readonly amount: number,
      ) {}
    }
    expect(maskPersonalData({ payer: new PayerDto('张三', 5) })).toEqual({ payer: { payerName: '张*', amount: 5 } });
  });

  it('handles cycles', () => {
    const input: { name: string; self?: unknown } = { name: '张三' };
    input.self = input;
    const output = maskPersonalData(input);
    expect(output.name).toBe('张*');
    expect(output.self).toBe(output);
  });

  it('passes primitives through', () => {
    expect(maskPersonalData('13812345678')).toBe('13812345678');
    expect(maskPersonalData(null)).toBeNull();
  });

  it('keeps the field list normalised (lower case, no separators)', () => {
    for (const key of Object.keys(PERSONAL_DATA_FIELDS)) expect(key).toMatch(/^[a-z]+$/);
    expect(personalDataKind('Legal_Rep-Name')).toBe('name');
    expect(personalDataKind('toString')).toBeUndefined();
  });
});
