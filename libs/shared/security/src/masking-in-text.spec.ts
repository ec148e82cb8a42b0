// Masking for logs, errors and events: by field name AND by value pattern inside any text (inText).
import { REDACTED, maskCardNumber, maskName, maskPersonalData as maskFields, maskPhone, maskResidentId as maskIdNumber, maskSensitiveText } from './masking';

const maskPersonalData = <T>(value: T): T => maskFields(value, { inText: true });

const ID = '33070219900101123X';
const CARD = '6222021234567890128'; // Luhn-valid
const MOBILE = '13812345678';

describe('masking functions', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('Li')).toBe('L*');
    expect(maskName('王')).toBe('*');
  });

  it('keeps 3 + 4 of an ID number and its length', () => {
    expect(maskIdNumber(ID)).toBe('330***********123X');
  });

  it('masks a mobile as 138****5678', () => {
    expect(maskPhone(MOBILE)).toBe('138****5678');
  });

  it('keeps 6 + 4 of a card number and its length', () => {
    expect(maskCardNumber(CARD)).toBe('622202*********0128');
  });

  it('checks Luhn', () => {
    expect(maskSensitiveText('x 6222021234567890123 y')).toBe('x 6222021234567890123 y'); // fails Luhn: not a card
  });
});

describe('maskSensitiveText', () => {
  it('masks IDs, Luhn-valid cards and mobiles inside text', () => {
    expect(maskSensitiveText(`payer ${ID} card ${CARD}, tel:${MOBILE}。`)).toBe('payer 330***********123X card 622202*********0128, tel:138****5678。');
  });

  it('leaves other numbers, Luhn-invalid digit runs and hex ids alone', () => {
    const text = 'amount 1500 order 6222021234567890123 trace 4bf92f3577b34da6a3ce13812345678e';
    expect(maskSensitiveText(text)).toBe(text);
  });
});

describe('maskPersonalData', () => {
  it('masks nested objects and arrays by field name, case-insensitively, without mutating the input', () => {
    const input = {
      merchant: { legalRepName: '张三', IdNumber: ID, contacts: [{ Mobile: MOBILE, name: '李四' }] },
      settlement: { bank_account: CARD, accountName: '王五' },
      credentials: { appSecret: 's3cr3t', signature: { value: 'abc' }, Authorization: 'Bearer x' },
      amount: 1500,
      note: `call ${MOBILE}`,
    };
    const snapshot = structuredClone(input);

    expect(maskPersonalData(input)).toEqual({
      merchant: { legalRepName: '张*', IdNumber: '330***********123X', contacts: [{ Mobile: '138****5678', name: '李*' }] },
      settlement: { bank_account: '622202*********0128', accountName: '王*' },
      credentials: { appSecret: REDACTED, signature: REDACTED, Authorization: REDACTED },
      amount: 1500,
      note: 'call 138****5678',
    });
    expect(input).toEqual(snapshot);
  });

  it('masks strings, class instances and errors', () => {
    class Payer {
      constructor(
        readonly payerName: string,
        readonly phone: number,
      ) {}
    }
    expect(maskPersonalData(`id ${ID}`)).toBe('id 330***********123X');
    expect(maskPersonalData(new Payer('赵六', 13912345678))).toEqual({ payerName: '赵*', phone: '139****5678' });
    expect(maskPersonalData({ err: new Error(`bad card ${CARD}`) })).toMatchObject({
      err: { type: 'Error', message: 'bad card 622202*********0128' },
    });
  });

  it('survives cycles', () => {
    const node: Record<string, unknown> = { phone: MOBILE };
    node['self'] = node;
    expect(maskPersonalData(node)).toEqual({ phone: '138****5678', self: '[Circular]' });
  });
});
