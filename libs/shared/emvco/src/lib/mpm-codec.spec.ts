import { crc16CcittFalse } from './crc16';
import { countypayMerchantAccount, readCountypayMerchantAccount } from './countypay-template';
import { decodeMpm, encodeMpm, payability, validateMpmFields, type MpmDecodeResult } from './mpm-codec';
import { MpmEncodeError, type MpmErrorCode } from './mpm-error';
import type { MpmFields } from './mpm-fields';

/** The merchant-presented example payload published in the EMVCo QRCPS MPM specification. */
const EMVCO_SPEC_EXAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';

/** Append "6304" and the CRC, as an encoder would. */
const withCrc = (body: string): string => `${body}6304${crc16CcittFalse(`${body}6304`)}`;

const codes = (result: MpmDecodeResult): MpmErrorCode[] => (result.ok ? [] : result.errors.map((e) => e.code));

const errorFor = (result: MpmDecodeResult, code: MpmErrorCode) => {
  if (result.ok) throw new Error('expected a decoding failure');
  const error = result.errors.find((e) => e.code === code);
  if (!error) throw new Error(`expected ${code}, got ${JSON.stringify(result.errors)}`);
  return error;
};

const COUNTYPAY_DYNAMIC: MpmFields = {
  pointOfInitiation: 'dynamic',
  merchantAccounts: [countypayMerchantAccount({ merchantId: 'M2024000123', tenantCode: '330481', resolveUrl: 'https://q.countypay.cn/s/AB12CD34' })],
  merchantCategoryCode: '5411',
  transactionCurrency: '156',
  countryCode: 'CN',
  amountFen: 1234n,
  merchantName: '平湖市新埭镇便民超市',
  merchantCity: '嘉兴',
  additionalData: { referenceLabel: 'PO20240101ABC', terminalLabel: 'T001' },
};

const COUNTYPAY_DYNAMIC_PAYLOAD =
  '00020101021226780012cn.countypay0111M20240001230233https://q.countypay.cn/s/AB12CD340306330481' +
  '520454115303156540512.345802CN5910平湖市新埭镇便民超市6002嘉兴62250513PO20240101ABC0704T0016304BB3F';

// A valid static body without CRC, for hand-made payloads.
const STATIC_BODY_PARTS = {
  pfi: '000201',
  poi: '010211',
  account: '26350012cn.countypay0105M00010306330481',
  mcc: '52045411',
  currency: '5303156',
  country: '5802CN',
  name: '5904茶叶小铺',
  city: '6004BEIJ',
};
const body = (parts: Partial<Record<keyof typeof STATIC_BODY_PARTS, string>> = {}): string => Object.values({ ...STATIC_BODY_PARTS, ...parts }).join('');

describe('fixed vectors', () => {
  it('computes the CRC of the EMVCo specification example as A13A', () => {
    expect(crc16CcittFalse(EMVCO_SPEC_EXAMPLE.slice(0, -4))).toBe('A13A');
  });

  it('decodes the EMVCo specification example (tags out of order, Chinese in tag 64, tip prompt, tag 91)', () => {
    const result = decodeMpm(EMVCO_SPEC_EXAMPLE);
    expect(result).toEqual({
      ok: true,
      value: {
        pointOfInitiation: 'dynamic',
        merchantAccounts: [
          { tag: '29', globallyUniqueId: 'D15600000000', subfields: [{ tag: '05', value: 'A93FO3230Q' }] },
          { tag: '31', globallyUniqueId: 'D15600000001', subfields: [{ tag: '03', value: '12345678' }] },
        ],
        merchantCategoryCode: '4111',
        transactionCurrency: '156',
        countryCode: 'CN',
        amountFen: 2372n,
        tipOrConvenience: { kind: 'prompt_tip' },
        merchantName: 'BEST TRANSPORT',
        merchantCity: 'BEIJING',
        additionalData: { storeLabel: '1234', customerLabel: '***', terminalLabel: 'A6008667', additionalConsumerDataRequest: 'ME' },
        merchantInfoLanguage: { languagePreference: 'ZH', merchantName: '最佳运输', merchantCity: '北京' },
        additionalTags: [{ tag: '91', value: '0016A011223344998877070812345678' }],
      },
    });
  });

  it('re-encodes the EMVCo example canonically (ascending tags) to the same value', () => {
    const first = decodeMpm(EMVCO_SPEC_EXAMPLE);
    if (!first.ok) throw new Error('sample must decode');
    const canonical = encodeMpm(first.value);
    expect(canonical.startsWith('000201010212')).toBe(true);
    expect(canonical).toMatch(/6304[0-9A-F]{4}$/);
    expect(decodeMpm(canonical)).toEqual(first);
  });

  it('encodes a countypay dynamic code to the exact expected payload (lengths in characters, CRC over UTF-8)', () => {
    const payload = encodeMpm(COUNTYPAY_DYNAMIC);
    expect(payload).toBe(COUNTYPAY_DYNAMIC_PAYLOAD);
    expect(crc16CcittFalse(payload.slice(0, -4))).toBe('BB3F');
    expect(decodeMpm(payload)).toEqual({ ok: true, value: COUNTYPAY_DYNAMIC });
    const decoded = decodeMpm(payload);
    expect(decoded.ok && readCountypayMerchantAccount(decoded.value)).toEqual({
      merchantId: 'M2024000123',
      tenantCode: '330481',
      resolveUrl: 'https://q.countypay.cn/s/AB12CD34',
    });
  });
});

describe('encodeMpm', () => {
  it('writes amounts as yuan with two fraction digits, from integer fen', () => {
    expect(encodeMpm({ ...COUNTYPAY_DYNAMIC, amountFen: 1n })).toContain('54040.01');
    expect(encodeMpm({ ...COUNTYPAY_DYNAMIC, amountFen: 100000n })).toContain('54071000.00');
  });

  it('counts an astral-plane character (surrogate pair) as one character', () => {
    const payload = encodeMpm({ ...COUNTYPAY_DYNAMIC, merchantName: '𠀀记' });
    expect(payload).toContain('5902𠀀记');
    expect(decodeMpm(payload)).toEqual({ ok: true, value: { ...COUNTYPAY_DYNAMIC, merchantName: '𠀀记' } });
  });

  it('allows a fixed amount on a static code and no amount at all', () => {
    const fixed = { ...COUNTYPAY_DYNAMIC, pointOfInitiation: 'static', amountFen: 500n } as const;
    expect(decodeMpm(encodeMpm(fixed))).toEqual({ ok: true, value: fixed });
    const { amountFen: _amount, ...open } = fixed;
    expect(decodeMpm(encodeMpm(open))).toEqual({ ok: true, value: open });
  });

  it.each<[string, Partial<MpmFields>, MpmErrorCode, string | undefined]>([
    ['dynamic without amount', { amountFen: undefined }, 'amount_required_on_dynamic', '54'],
    ['zero amount', { amountFen: 0n }, 'amount_invalid', '54'],
    ['negative amount', { amountFen: -5n }, 'amount_invalid', '54'],
    ['amount beyond 13 characters', { amountFen: 1_000_000_000_000n }, 'amount_invalid', '54'],
    ['MCC not 4 digits', { merchantCategoryCode: '541' }, 'invalid_value', '52'],
    ['name over 25 characters', { merchantName: '很'.repeat(26) }, 'invalid_value', '59'],
    ['empty city', { merchantCity: '' }, 'invalid_value', '60'],
    ['control character in name', { merchantName: 'A\nB' }, 'invalid_value', '59'],
    ['no merchant account', { merchantAccounts: [] }, 'missing_required_tag', '26'],
    ['template tag outside 26–51', { merchantAccounts: [{ tag: '52', globallyUniqueId: 'x', subfields: [] }] }, 'bad_tag', '52'],
    [
      'duplicate template tag',
      {
        merchantAccounts: [
          { tag: '27', globallyUniqueId: 'a.b', subfields: [] },
          { tag: '27', globallyUniqueId: 'c.d', subfields: [] },
        ],
      },
      'duplicate_tag',
      '27',
    ],
    [
      'template over 99 characters',
      { merchantAccounts: [{ tag: '27', globallyUniqueId: 'a.b', subfields: [{ tag: '01', value: 'x'.repeat(95) }] }] },
      'nested_template_invalid',
      '27',
    ],
    [
      'countypay template without tenant code',
      { merchantAccounts: [{ tag: '26', globallyUniqueId: 'cn.countypay', subfields: [{ tag: '01', value: 'M1' }] }] },
      'nested_template_invalid',
      '26',
    ],
    ['empty additional data', { additionalData: {} }, 'nested_template_invalid', '62'],
    ['bill number over 25 characters', { additionalData: { billNumber: 'B'.repeat(26) } }, 'invalid_value', '62'],
    ['bad language preference', { merchantInfoLanguage: { languagePreference: 'ZHO', merchantName: '店' } }, 'invalid_value', '64'],
    ['percentage fee out of range', { tipOrConvenience: { kind: 'percentage_fee', basisPoints: 10000 } }, 'invalid_value', '57'],
    ['extra tag below 65', { additionalTags: [{ tag: '63', value: 'ABCD' }] }, 'bad_tag', '63'],
  ])('rejects %s', (_label, patch, code, tag) => {
    const fields = { ...COUNTYPAY_DYNAMIC, ...patch } as MpmFields;
    expect(validateMpmFields(fields)).toEqual(expect.arrayContaining([expect.objectContaining({ code, tag })]));
    expect(() => encodeMpm(fields)).toThrow(MpmEncodeError);
  });

  it('reports a payload over 512 characters as payload_too_long', () => {
    const long = (tag: string) => ({ tag, globallyUniqueId: 'a.b', subfields: [{ tag: '01', value: 'x'.repeat(85) }] });
    const fields: MpmFields = { ...COUNTYPAY_DYNAMIC, merchantAccounts: ['27', '28', '29', '30', '31', '32'].map(long) };
    expect(validateMpmFields(fields).map((e) => e.code)).toEqual(['payload_too_long']);
  });

  it('explains the problem in the thrown error message', () => {
    expect(() => encodeMpm({ ...COUNTYPAY_DYNAMIC, merchantCategoryCode: 'food' })).toThrow(
      "[invalid_value] tag 52 (merchant category code) must be 4 digits (ISO 18245), got 'food'",
    );
  });
});

describe('decodeMpm errors', () => {
  it('accepts the hand-made static body (sanity check of the fixtures)', () => {
    expect(decodeMpm(withCrc(body()))).toMatchObject({ ok: true, value: { pointOfInitiation: 'static', merchantName: '茶叶小铺' } });
  });

  it('empty_payload', () => {
    expect(codes(decodeMpm(''))).toEqual(['empty_payload']);
  });

  it('payload_too_long', () => {
    expect(codes(decodeMpm('0'.repeat(513)))).toEqual(['payload_too_long']);
  });

  it('truncated: a header cut short', () => {
    const result = decodeMpm('000201630');
    expect(errorFor(result, 'truncated')).toMatchObject({ offset: 6 });
  });

  it('bad_tag: non-digit tag', () => {
    expect(errorFor(decodeMpm('000201AB0211'), 'bad_tag')).toMatchObject({
      offset: 6,
      message: "payload: tag at offset 6 must be 2 digits, got 'AB'",
    });
  });

  it.each(['0X', '00', '-1'])('bad_length: length %j', (length) => {
    expect(errorFor(decodeMpm(`000201${'01'}${length}11`), 'bad_length')).toMatchObject({ tag: '01', offset: 6 });
  });

  it('length_overflow: a length running past the end, with the CRC mismatch noted', () => {
    const valid = withCrc(body());
    const corrupted = valid.replace('5904茶叶小铺', '5909茶叶小铺');
    const result = decodeMpm(corrupted);
    expect(result.ok).toBe(false);
    expect(codes(result)).toContain('crc_mismatch');
    expect(codes(result).some((c) => c === 'length_overflow' || c === 'bad_tag' || c === 'bad_length')).toBe(true);
  });

  it('length_overflow: value shorter than declared', () => {
    expect(errorFor(decodeMpm('0002010102116304'), 'length_overflow')).toMatchObject({
      tag: '63',
      message: 'payload: tag 63 at offset 12 declares 4 character(s) but only 0 remain',
    });
  });

  it('payload_format_indicator_not_first', () => {
    const result = decodeMpm(withCrc(body({ pfi: '', poi: '010211000201' })));
    expect(errorFor(result, 'payload_format_indicator_not_first')).toMatchObject({ tag: '00', offset: 6 });
  });

  it('missing_required_tag: no payload format indicator', () => {
    expect(errorFor(decodeMpm(withCrc(body({ pfi: '' }))), 'missing_required_tag')).toMatchObject({ tag: '00' });
  });

  it.each([
    ['poi', '01'],
    ['mcc', '52'],
    ['currency', '53'],
    ['country', '58'],
    ['name', '59'],
    ['city', '60'],
    ['account', '26'],
  ] as const)('missing_required_tag: without %s (tag %s)', (part, tag) => {
    const result = decodeMpm(withCrc(body({ [part]: '' })));
    expect(errorFor(result, 'missing_required_tag')).toMatchObject({ tag });
  });

  it('crc_missing', () => {
    expect(codes(decodeMpm(body()))).toEqual(['crc_missing']);
  });

  it('crc_not_last', () => {
    const valid = withCrc(body());
    expect(codes(decodeMpm(`${valid}9902AB`))).toContain('crc_not_last');
  });

  it('crc_mismatch, with expected and actual CRC in the message', () => {
    const valid = withCrc(body());
    const wrong = valid.slice(0, -4) + (valid.endsWith('0000') ? '0001' : '0000');
    const error = errorFor(decodeMpm(wrong), 'crc_mismatch');
    expect(error.tag).toBe('63');
    expect(error.message).toContain(`computes to '${valid.slice(-4)}'`);
  });

  it('CRC in lowercase hex is rejected (4 uppercase hex characters required)', () => {
    const valid = withCrc(body({ name: '5904ABCD' }));
    const lower = valid.slice(0, -4) + valid.slice(-4).toLowerCase();
    if (lower !== valid) expect(errorFor(decodeMpm(lower), 'invalid_value')).toMatchObject({ tag: '63' });
  });

  it('duplicate_tag', () => {
    const result = decodeMpm(withCrc(body({ city: '6004BEIJ6004BEIJ' })));
    expect(errorFor(result, 'duplicate_tag')).toMatchObject({ tag: '60' });
  });

  it.each([
    ['pfi', '000202', '00'],
    ['poi', '010213', '01'],
    ['mcc', '5204FOOD', '52'],
    ['currency', '5303US1', '53'],
    ['country', '5802hk', '58'],
  ] as const)('invalid_value: %s = %s', (part, value, tag) => {
    expect(errorFor(decodeMpm(withCrc(body({ [part]: value }))), 'invalid_value')).toMatchObject({ tag });
  });

  it('amount_invalid: three fraction digits, with a message a partner developer understands', () => {
    const result = decodeMpm(withCrc(body({ currency: '5303156540612.345' })));
    expect(errorFor(result, 'amount_invalid')).toMatchObject({
      tag: '54',
      offset: 66, // 000201 010211 2635… 52045411 5303156 -> 6+6+39+8+7
      message: "tag 54 (transaction amount) must be a decimal in yuan with up to 10 integer digits and at most 2 fraction digits (e.g. '12.34'), got '12.345'",
    });
  });

  it.each(['1,000', '-1.00', '1e3', '0.00'])('amount_invalid: %j', (amount) => {
    const tlv = `54${String(amount.length).padStart(2, '0')}${amount}`;
    expect(codes(decodeMpm(withCrc(body({ currency: `5303156${tlv}` }))))).toContain('amount_invalid');
  });

  it('amount_required_on_dynamic', () => {
    expect(codes(decodeMpm(withCrc(body({ poi: '010212' }))))).toEqual(['amount_required_on_dynamic']);
  });

  it('nested_template_invalid: a template whose inner TLV runs past its end', () => {
    const result = decodeMpm(withCrc(body({ account: '26100012cn.cou' })));
    expect(errorFor(result, 'nested_template_invalid')).toMatchObject({ tag: '26' });
    expect(errorFor(result, 'nested_template_invalid').message).toContain('tag 26 (merchant account information template) is not valid nested TLV');
  });

  it('nested_template_invalid: a template without globally unique identifier', () => {
    expect(errorFor(decodeMpm(withCrc(body({ account: '27080104M001' }))), 'nested_template_invalid')).toMatchObject({
      tag: '27',
      message: 'tag 27 (merchant account information template): sub-tag 00 (globally unique identifier) is mandatory but absent',
    });
  });

  it('nested_template_invalid: a cn.countypay template with an unknown sub-tag', () => {
    const result = decodeMpm(withCrc(body({ account: '26430012cn.countypay0105M00010306330481' + '0904ABCD' })));
    expect(errorFor(result, 'nested_template_invalid').message).toContain('sub-tag 09 is not defined for cn.countypay');
  });

  it('nested_template_invalid: duplicated sub-tag in tag 62', () => {
    const result = decodeMpm(withCrc(body({ city: '6004BEIJ62160104B0010104B002' })));
    expect(errorFor(result, 'nested_template_invalid')).toMatchObject({ tag: '62' });
  });

  it('reports several independent problems at once, each with its offset', () => {
    const result = decodeMpm(withCrc(body({ mcc: '5204FOOD', country: '5802hk' })));
    expect(codes(result).sort()).toEqual(['invalid_value', 'invalid_value']);
    if (!result.ok) expect(result.errors.every((e) => typeof e.offset === 'number')).toBe(true);
  });

  it('a well-formed payload in another currency and country is valid EMVCo, with every field; the platform cannot pay it and says why', () => {
    const result = decodeMpm(withCrc(body({ currency: '5303840', country: '5802KH' })));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ transactionCurrency: '840', countryCode: 'KH' });
    expect(payability(result.value)).toEqual({
      payable: false,
      reasons: [
        { code: 'currency_not_supported', tag: '53', message: "this platform pays in CNY (156) only; the payload's currency is 840" },
        { code: 'country_not_supported', tag: '58', message: "this platform pays codes of mainland China (CN) only; the payload's country is KH" },
      ],
    });
    expect(payability({ transactionCurrency: '156', countryCode: 'CN' })).toEqual({ payable: true });
  });

  it('never throws on garbage', () => {
    for (const garbage of ['0', '63041234', '\u0000\u0000\u0000\u0000', '\uD800\uD800', '9999'.repeat(10), '00020101021163041D3A']) {
      expect(() => decodeMpm(garbage)).not.toThrow();
      expect(decodeMpm(garbage).ok).toBe(false);
    }
  });
});

describe('single-character corruption of a fixed payload (exhaustive)', () => {
  const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

  it('detects every printable-ASCII substitution at every position, including length digits, without throwing', () => {
    const chars = Array.from(COUNTYPAY_DYNAMIC_PAYLOAD);
    let checked = 0;
    chars.forEach((original, index) => {
      for (const replacement of printable) {
        if (replacement === original) continue;
        const corrupted = [...chars.slice(0, index), replacement, ...chars.slice(index + 1)].join('');
        const result = decodeMpm(corrupted);
        if (result.ok) throw new Error(`undetected substitution at ${index}: '${original}' -> '${replacement}'`);
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(15_000);
  });
});
