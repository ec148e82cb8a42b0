import fc from 'fast-check';
import { MAX_EMV_AMOUNT_FEN } from './amount';
import { countypayMerchantAccount } from './countypay-template';
import { decodeMpm, encodeMpm, validateMpmFields } from './mpm-codec';
import type { AdditionalData, MerchantAccountTemplate, MpmFields } from './mpm-fields';
import type { TlvEntry } from './tlv';

// ------------------------------------------------------------------ generators

const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const alnum = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const cjk = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCodePoint(c));
/** CJK Extension B: one character, two UTF-16 code units, four UTF-8 bytes. */
const astral = fc.integer({ min: 0x20000, max: 0x2a6df }).map((c) => String.fromCodePoint(c));
const anyChar = fc.oneof({ weight: 3, arbitrary: ascii }, { weight: 3, arbitrary: cjk }, { weight: 1, arbitrary: astral });

const text = (max: number, char: fc.Arbitrary<string> = anyChar) => fc.array(char, { minLength: 1, maxLength: max }).map((chars) => chars.join(''));
const twoDigits = (n: number) => String(n).padStart(2, '0');
const sortByTag = <T extends { tag: string }>(items: T[]): T[] => [...items].sort((a, b) => (a.tag < b.tag ? -1 : 1));

const tlvList = (low: number, high: number, maxCount: number, maxValue: number): fc.Arbitrary<TlvEntry[]> =>
  fc
    .uniqueArray(fc.integer({ min: low, max: high }), { maxLength: maxCount })
    .chain((tags) => fc.tuple(...tags.map((t) => text(maxValue).map((value) => ({ tag: twoDigits(t), value })))))
    .map((entries) => sortByTag(entries));

const countypayTemplate = (tag: string): fc.Arbitrary<MerchantAccountTemplate> =>
  fc
    .record(
      {
        merchantId: text(20, fc.oneof(alnum, fc.constantFrom('_', '-'))),
        tenantCode: text(6, alnum),
        resolveUrl: text(8, alnum).map((code) => `https://q.countypay.cn/s/${code}`),
        storeId: text(8, alnum),
      },
      { requiredKeys: ['merchantId', 'tenantCode'] },
    )
    .map((account) => countypayMerchantAccount(account, tag));

const genericTemplate = (tag: string): fc.Arbitrary<MerchantAccountTemplate> =>
  fc.record({ globallyUniqueId: text(16, ascii), subfields: tlvList(1, 99, 3, 20) }).map((t) => ({ tag, ...t }));

const merchantAccounts: fc.Arbitrary<MerchantAccountTemplate[]> = fc
  .uniqueArray(fc.integer({ min: 26, max: 51 }), { minLength: 1, maxLength: 2 })
  .chain((tags) => fc.tuple(...tags.map((t) => fc.oneof(countypayTemplate(twoDigits(t)), genericTemplate(twoDigits(t))))))
  .map((templates) => sortByTag(templates));

const additionalData: fc.Arbitrary<AdditionalData> = fc
  .record(
    {
      billNumber: text(6),
      mobileNumber: text(6, fc.constantFrom(...'0123456789+')),
      storeLabel: text(6),
      loyaltyNumber: text(6),
      referenceLabel: text(6),
      customerLabel: text(6),
      terminalLabel: text(6),
      purposeOfTransaction: text(6),
      additionalConsumerDataRequest: fc.subarray(['A', 'M', 'E'], { minLength: 1 }).map((l) => l.join('')),
      otherSubfields: fc.integer({ min: 10, max: 99 }).chain((t) => text(5).map((value) => [{ tag: twoDigits(t), value }])),
    },
    { requiredKeys: [] },
  )
  .filter((d) => Object.keys(d).length > 0);

const amountFen = fc.bigInt({ min: 1n, max: MAX_EMV_AMOUNT_FEN });

const mpmFields: fc.Arbitrary<MpmFields> = fc
  .record(
    {
      pointOfInitiation: fc.constantFrom('static' as const, 'dynamic' as const),
      networkAccounts: tlvList(2, 25, 2, 20),
      merchantAccounts,
      merchantCategoryCode: fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
      transactionCurrency: fc.constantFrom('156', '840', '116', '344'),
      countryCode: fc.constantFrom('CN', 'KH', 'HK', 'US'),
      amountFen,
      tipOrConvenience: fc.oneof(
        fc.constant({ kind: 'prompt_tip' as const }),
        amountFen.map((feeFen) => ({ kind: 'fixed_fee' as const, feeFen })),
        fc.integer({ min: 1, max: 9999 }).map((basisPoints) => ({ kind: 'percentage_fee' as const, basisPoints })),
      ),
      merchantName: text(25),
      merchantCity: text(15),
      postalCode: text(10, alnum),
      additionalData,
      merchantInfoLanguage: fc.record(
        { languagePreference: fc.constantFrom('ZH', 'EN', 'zh'), merchantName: text(25), merchantCity: text(15) },
        { requiredKeys: ['languagePreference', 'merchantName'] },
      ),
      additionalTags: tlvList(65, 99, 1, 20),
    },
    { requiredKeys: ['pointOfInitiation', 'merchantAccounts', 'merchantCategoryCode', 'transactionCurrency', 'countryCode', 'merchantName', 'merchantCity'] },
  )
  .map((f) => {
    const { networkAccounts, additionalTags, ...rest } = f;
    return {
      ...rest,
      ...(networkAccounts && networkAccounts.length > 0 ? { networkAccounts } : {}),
      ...(additionalTags && additionalTags.length > 0 ? { additionalTags } : {}),
    };
  })
  // dynamic codes always carry an amount (amount_required_on_dynamic)
  .chain((f) => (f.pointOfInitiation === 'dynamic' && f.amountFen === undefined ? amountFen.map((a) => ({ ...f, amountFen: a })) : fc.constant(f)));

/** Fields that encode; the only rule generators do not respect by construction is the 512-character cap. */
const encodable = (f: MpmFields): boolean => {
  const errors = validateMpmFields(f);
  if (errors.length > 0 && errors.some((e) => e.code !== 'payload_too_long')) {
    throw new Error(`generator produced invalid fields: ${JSON.stringify(errors)}`);
  }
  return errors.length === 0;
};

const substitute = (payload: string, index: number, replacement: string): string => {
  const chars = Array.from(payload);
  chars[index] = replacement;
  return chars.join('');
};

// ------------------------------------------------------------------ properties

describe('EMVCo MPM properties', () => {
  it('round trip: random valid field sets (Chinese and astral characters included) decode to the same value', () => {
    fc.assert(
      fc.property(mpmFields, (fields) => {
        fc.pre(encodable(fields));
        const payload = encodeMpm(fields);
        expect(Array.from(payload).length).toBeLessThanOrEqual(512);
        expect(payload).toMatch(/^000201010211|^000201010212/);
        expect(payload).toMatch(/6304[0-9A-F]{4}$/);
        expect(decodeMpm(payload)).toEqual({ ok: true, value: fields });
      }),
      { numRuns: 300 },
    );
  });

  it('encoding is canonical: decode then encode gives back the same payload', () => {
    fc.assert(
      fc.property(mpmFields, (fields) => {
        fc.pre(encodable(fields));
        const payload = encodeMpm(fields);
        const decoded = decodeMpm(payload);
        expect(decoded.ok && encodeMpm(decoded.value)).toBe(payload);
      }),
    );
  });

  /*
   * Guaranteed detection: replacing one ASCII character by another changes one UTF-8 byte
   * of the checked region (or the CRC itself), and CRC-16 detects every error burst of
   * 16 bits or fewer. A substitution in a tag or length digit may instead break the TLV
   * structure; either way decoding must fail, and must not throw.
   */
  it('corruption: any single ASCII-for-ASCII substitution is detected', () => {
    fc.assert(
      fc.property(mpmFields, fc.nat(), ascii, (fields, pick, replacement) => {
        fc.pre(encodable(fields));
        const payload = encodeMpm(fields);
        const asciiPositions = Array.from(payload).flatMap((c, i) => (c.charCodeAt(0) < 0x80 && c !== replacement ? [i] : []));
        const index = asciiPositions[pick % asciiPositions.length] ?? 0;
        const result = decodeMpm(substitute(payload, index, replacement));
        expect(result.ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('corruption: a substituted length digit fails cleanly (never throws, never decodes)', () => {
    fc.assert(
      fc.property(mpmFields, fc.nat(), fc.integer({ min: 0, max: 9 }), (fields, pick, digit) => {
        fc.pre(encodable(fields));
        const payload = encodeMpm(fields);
        // top-level length digits: walk the TLV headers of the (valid) payload
        const chars = Array.from(payload);
        const lengthDigits: number[] = [];
        for (let i = 0; i < chars.length;) {
          lengthDigits.push(i + 2, i + 3);
          i += 4 + Number(chars.slice(i + 2, i + 4).join(''));
        }
        const index = lengthDigits[pick % lengthDigits.length] ?? 2;
        fc.pre(chars[index] !== String(digit));
        let result: ReturnType<typeof decodeMpm> | undefined;
        expect(() => {
          result = decodeMpm(substitute(payload, index, String(digit)));
        }).not.toThrow();
        expect(result?.ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  /*
   * Any substitution, including multi-byte characters (CJK, astral, control characters):
   * decoding never throws and reports the corruption. When both characters are multi-byte
   * the UTF-8 difference can exceed 16 bits, so detection by the CRC alone is
   * probabilistic (1 - 2^-16); the seed is fixed so that CI stays deterministic.
   */
  it('corruption: any single-character substitution (multi-byte included) is detected without throwing', () => {
    const replacementChar = fc.oneof(
      anyChar,
      fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(mpmFields, fc.nat(), replacementChar, (fields, pick, replacement) => {
        fc.pre(encodable(fields));
        const payload = encodeMpm(fields);
        const length = Array.from(payload).length;
        const index = pick % length;
        fc.pre(Array.from(payload)[index] !== replacement);
        let result: ReturnType<typeof decodeMpm> | undefined;
        expect(() => {
          result = decodeMpm(substitute(payload, index, replacement));
        }).not.toThrow();
        expect(result?.ok).toBe(false);
      }),
      { numRuns: 2000, seed: 20_240_601 },
    );
  });

  it('decodeMpm never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (input) => {
        expect(() => decodeMpm(input)).not.toThrow();
      }),
    );
  });
});
