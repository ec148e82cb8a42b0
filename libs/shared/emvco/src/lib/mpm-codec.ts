import { emvAmountToFen, fenToEmvAmount, MAX_EMV_AMOUNT_FEN } from './amount';
import { countypayTemplateProblems, COUNTYPAY_GUID } from './countypay-template';
import { crc16CcittFalse } from './crc16';
import { type MpmError, MpmEncodeError } from './mpm-error';
import type { AdditionalData, MerchantAccountTemplate, MerchantInfoLanguage, MpmFields, PointOfInitiation, TipOrConvenience } from './mpm-fields';
import { codePointLength, encodeTlv, type ParsedTlv, parseTlv, type TlvEntry } from './tlv';

/** EMVCo: "The payload shall not exceed 512 alphanumeric characters." */
export const MAX_PAYLOAD_LENGTH = 512;
export const CURRENCY_CNY = '156';
export const COUNTRY_CN = 'CN';

export type MpmDecodeResult = { ok: true; value: MpmFields } | { ok: false; errors: MpmError[] };

/** Why this platform cannot pay a valid payload. */
export interface NotPayableReason {
  code: 'currency_not_supported' | 'country_not_supported';
  tag: '53' | '58';
  message: string;
}

/**
 * Can this platform pay a (valid) payload? A separate question from its validity: the county
 * banks settle in CNY in mainland China only.
 */
export function payability(
  fields: Pick<MpmFields, 'transactionCurrency' | 'countryCode'>,
): { payable: true } | { payable: false; reasons: NotPayableReason[] } {
  const reasons: NotPayableReason[] = [];
  if (fields.transactionCurrency !== CURRENCY_CNY)
    reasons.push({
      code: 'currency_not_supported',
      tag: '53',
      message: `this platform pays in CNY (156) only; the payload's currency is ${fields.transactionCurrency}`,
    });
  if (fields.countryCode !== COUNTRY_CN)
    reasons.push({
      code: 'country_not_supported',
      tag: '58',
      message: `this platform pays codes of mainland China (CN) only; the payload's country is ${fields.countryCode}`,
    });
  return reasons.length ? { payable: false, reasons } : { payable: true };
}

// ---------------------------------------------------------------------------------------
// Names and small checks shared by encoding and decoding
// ---------------------------------------------------------------------------------------

const TAG_NAMES: Readonly<Record<string, string>> = {
  '00': 'payload format indicator',
  '01': 'point of initiation method',
  '52': 'merchant category code',
  '53': 'transaction currency',
  '54': 'transaction amount',
  '55': 'tip or convenience indicator',
  '56': 'value of convenience fee fixed',
  '57': 'value of convenience fee percentage',
  '58': 'country code',
  '59': 'merchant name',
  '60': 'merchant city',
  '61': 'postal code',
  '62': 'additional data field template',
  '63': 'CRC',
  '64': 'merchant information language template',
};

function tagNumber(tag: string): number {
  return /^\d\d$/.test(tag) ? Number(tag) : -1;
}

function inRange(tag: string, low: number, high: number): boolean {
  const n = tagNumber(tag);
  return n >= low && n <= high;
}

export function describeTag(tag: string): string {
  const name =
    TAG_NAMES[tag] ??
    (inRange(tag, 2, 25)
      ? 'merchant account information'
      : inRange(tag, 26, 51)
        ? 'merchant account information template'
        : inRange(tag, 65, 79)
          ? 'reserved for future use'
          : inRange(tag, 80, 99)
            ? 'unreserved template'
            : 'unknown');
  return `tag ${tag} (${name})`;
}

const FORBIDDEN_CHARS = /[\p{Cc}\p{Cs}]/u;

/** A problem with a text value, or undefined. Lengths are in code points. */
function textProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${typeof value}`;
  const length = codePointLength(value);
  if (length < 1 || length > max) return `must be 1–${max} characters, got ${length} ('${value}')`;
  if (FORBIDDEN_CHARS.test(value)) return `must not contain control characters or unpaired surrogates, got '${value}'`;
  return undefined;
}

function duplicates(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of tags) (seen.has(t) ? dup : seen).add(t);
  return [...dup];
}

const byTag = (a: TlvEntry, b: TlvEntry): number => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);

const ADDITIONAL_DATA_KEYS = [
  ['01', 'billNumber', 'bill number'],
  ['02', 'mobileNumber', 'mobile number'],
  ['03', 'storeLabel', 'store label'],
  ['04', 'loyaltyNumber', 'loyalty number'],
  ['05', 'referenceLabel', 'reference label'],
  ['06', 'customerLabel', 'customer label'],
  ['07', 'terminalLabel', 'terminal label'],
  ['08', 'purposeOfTransaction', 'purpose of transaction'],
  ['09', 'additionalConsumerDataRequest', 'additional consumer data request'],
] as const satisfies readonly (readonly [string, keyof AdditionalData, string])[];

const percentageText = (bp: number): string => `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------
// Field -> TLV
// ---------------------------------------------------------------------------------------

function templateValue(template: MerchantAccountTemplate): string {
  return [{ tag: '00', value: template.globallyUniqueId }, ...[...template.subfields].sort(byTag)].map((e) => encodeTlv(e.tag, e.value)).join('');
}

function additionalDataEntries(data: AdditionalData): TlvEntry[] {
  const entries: TlvEntry[] = [];
  for (const [sub, key] of ADDITIONAL_DATA_KEYS) {
    const value = data[key];
    if (value !== undefined) entries.push({ tag: sub, value });
  }
  entries.push(...(data.otherSubfields ?? []));
  return entries.sort(byTag);
}

function additionalDataValue(data: AdditionalData): string {
  return additionalDataEntries(data)
    .map((e) => encodeTlv(e.tag, e.value))
    .join('');
}

function languageValue(lang: MerchantInfoLanguage): string {
  let value = encodeTlv('00', lang.languagePreference) + encodeTlv('01', lang.merchantName);
  if (lang.merchantCity !== undefined) value += encodeTlv('02', lang.merchantCity);
  return value;
}

function topLevelEntries(fields: MpmFields): TlvEntry[] {
  const entries: TlvEntry[] = [
    { tag: '00', value: '01' },
    { tag: '01', value: fields.pointOfInitiation === 'static' ? '11' : '12' },
    ...(fields.networkAccounts ?? []),
    ...fields.merchantAccounts.map((t) => ({ tag: t.tag, value: templateValue(t) })),
    { tag: '52', value: fields.merchantCategoryCode },
    { tag: '53', value: fields.transactionCurrency },
    { tag: '58', value: fields.countryCode },
    { tag: '59', value: fields.merchantName },
    { tag: '60', value: fields.merchantCity },
    ...(fields.additionalTags ?? []),
  ];
  if (fields.amountFen !== undefined) entries.push({ tag: '54', value: fenToEmvAmount(fields.amountFen) });
  const tip = fields.tipOrConvenience;
  if (tip?.kind === 'prompt_tip') entries.push({ tag: '55', value: '01' });
  if (tip?.kind === 'fixed_fee') entries.push({ tag: '55', value: '02' }, { tag: '56', value: fenToEmvAmount(tip.feeFen) });
  if (tip?.kind === 'percentage_fee') entries.push({ tag: '55', value: '03' }, { tag: '57', value: percentageText(tip.basisPoints) });
  if (fields.postalCode !== undefined) entries.push({ tag: '61', value: fields.postalCode });
  if (fields.additionalData !== undefined) entries.push({ tag: '62', value: additionalDataValue(fields.additionalData) });
  if (fields.merchantInfoLanguage !== undefined) entries.push({ tag: '64', value: languageValue(fields.merchantInfoLanguage) });
  return entries.sort(byTag);
}

// ---------------------------------------------------------------------------------------
// Validation (one set of rules for both directions)
// ---------------------------------------------------------------------------------------

type FieldKey = keyof MpmFields;

/**
 * Check (possibly partial) fields. `skip` names fields whose raw value already produced
 * an error while decoding, so that they are neither reported again nor as missing.
 */
function checkFields(f: Partial<MpmFields>, skip: ReadonlySet<FieldKey>): MpmError[] {
  const errors: MpmError[] = [];
  const invalid = (tag: string, problem: string): void => {
    errors.push({ code: 'invalid_value', tag, message: `${describeTag(tag)} ${problem}` });
  };
  const nested = (tag: string, problem: string): void => {
    errors.push({ code: 'nested_template_invalid', tag, message: `${describeTag(tag)}: ${problem}` });
  };
  const missing = (tag: string, what = describeTag(tag)): void => {
    errors.push({ code: 'missing_required_tag', tag, message: `${what} is mandatory but absent` });
  };

  // 01
  if (!skip.has('pointOfInitiation')) {
    const poi: unknown = f.pointOfInitiation;
    if (poi === undefined) missing('01');
    else if (poi !== 'static' && poi !== 'dynamic') invalid('01', `must be 'static' or 'dynamic', got '${String(poi)}'`);
  }

  // 02–25
  const network = f.networkAccounts ?? [];
  for (const entry of network) {
    if (!inRange(entry.tag, 2, 25)) {
      errors.push({ code: 'bad_tag', tag: entry.tag, message: `network merchant account tag must be 02–25, got '${entry.tag}'` });
      continue;
    }
    const problem = textProblem(entry.value, 99);
    if (problem) invalid(entry.tag, problem);
  }
  for (const tag of duplicates(network.map((e) => e.tag))) errors.push({ code: 'duplicate_tag', tag, message: `${describeTag(tag)} appears more than once` });

  // 26–51
  const templates: readonly MerchantAccountTemplate[] = f.merchantAccounts ?? [];
  if (!skip.has('merchantAccounts')) {
    if (templates.length === 0 && network.length === 0)
      errors.push({
        code: 'missing_required_tag',
        tag: '26',
        message: 'at least one merchant account information tag (02–51) is mandatory but none is present',
      });
  }
  for (const template of templates) {
    const tag = template.tag;
    if (!inRange(tag, 26, 51)) {
      errors.push({ code: 'bad_tag', tag, message: `merchant account information template tag must be 26–51, got '${tag}'` });
      continue;
    }
    const guidProblem = textProblem(template.globallyUniqueId, 32);
    if (guidProblem) nested(tag, `sub-tag 00 (globally unique identifier) ${guidProblem}`);
    let subOk = true;
    for (const sub of template.subfields) {
      if (!inRange(sub.tag, 1, 99)) {
        nested(tag, `sub-tags after 00 must be 01–99, got '${sub.tag}'`);
        subOk = false;
        continue;
      }
      const problem = textProblem(sub.value, 99);
      if (problem) {
        nested(tag, `sub-tag ${sub.tag} ${problem}`);
        subOk = false;
      }
    }
    for (const sub of duplicates(template.subfields.map((s) => s.tag))) {
      nested(tag, `sub-tag ${sub} appears more than once`);
      subOk = false;
    }
    if (!guidProblem && subOk) {
      const length = codePointLength(templateValue(template));
      if (length > 99) nested(tag, `the template is ${length} characters long; the maximum is 99`);
      if (template.globallyUniqueId === COUNTYPAY_GUID) for (const problem of countypayTemplateProblems(template)) nested(tag, problem);
    }
  }
  for (const tag of duplicates(templates.map((t) => t.tag))) errors.push({ code: 'duplicate_tag', tag, message: `${describeTag(tag)} appears more than once` });

  // 52
  if (!skip.has('merchantCategoryCode')) {
    const mcc: unknown = f.merchantCategoryCode;
    if (mcc === undefined) missing('52');
    else if (typeof mcc !== 'string' || !/^\d{4}$/.test(mcc)) invalid('52', `must be 4 digits (ISO 18245), got '${String(mcc)}'`);
  }

  // 53, 58
  if (!skip.has('transactionCurrency')) {
    const c: unknown = f.transactionCurrency;
    if (c === undefined) missing('53');
    else if (typeof c !== 'string' || !/^\d{3}$/.test(c)) invalid('53', `must be 3 digits (ISO 4217 numeric, e.g. '156' for CNY), got '${String(c)}'`);
  }
  if (!skip.has('countryCode')) {
    const c: unknown = f.countryCode;
    if (c === undefined) missing('58');
    else if (typeof c !== 'string' || !/^[A-Z]{2}$/.test(c)) invalid('58', `must be 2 capital letters (ISO 3166-1 alpha-2, e.g. 'CN'), got '${String(c)}'`);
  }

  // 54
  if (!skip.has('amountFen')) {
    const amount: unknown = f.amountFen;
    if (amount === undefined) {
      if (f.pointOfInitiation === 'dynamic')
        errors.push({
          code: 'amount_required_on_dynamic',
          tag: '54',
          message: `${describeTag('54')} is mandatory on a dynamic code (point of initiation '12'): a dynamic code is issued for one payment order of a known amount`,
        });
    } else if (typeof amount !== 'bigint' || amount <= 0n || amount > MAX_EMV_AMOUNT_FEN) {
      errors.push({
        code: 'amount_invalid',
        tag: '54',
        message: `${describeTag('54')} must be an integer number of fen (bigint) from 1 to ${MAX_EMV_AMOUNT_FEN}, got ${String(amount)}`,
      });
    }
  }

  // 55–57
  const tip: TipOrConvenience | undefined = f.tipOrConvenience;
  if (tip !== undefined && !skip.has('tipOrConvenience')) {
    const kind: string = tip.kind;
    if (tip.kind === 'fixed_fee') {
      const fee: unknown = tip.feeFen;
      if (typeof fee !== 'bigint' || fee <= 0n || fee > MAX_EMV_AMOUNT_FEN)
        errors.push({
          code: 'amount_invalid',
          tag: '56',
          message: `${describeTag('56')} must be an integer number of fen (bigint) from 1 to ${MAX_EMV_AMOUNT_FEN}, got ${String(fee)}`,
        });
    } else if (tip.kind === 'percentage_fee') {
      if (!Number.isSafeInteger(tip.basisPoints) || tip.basisPoints < 1 || tip.basisPoints > 9999)
        invalid('57', `must be a percentage from 0.01 to 99.99 (1–9999 basis points), got ${tip.basisPoints} basis points`);
    } else if (kind !== 'prompt_tip') {
      invalid('55', `kind must be 'prompt_tip', 'fixed_fee' or 'percentage_fee'`);
    }
  }

  // 59, 60, 61
  const textField = (key: FieldKey, tag: string, max: number, required: boolean): void => {
    if (skip.has(key)) return;
    const value: unknown = f[key];
    if (value === undefined) {
      if (required) missing(tag);
      return;
    }
    const problem = textProblem(value, max);
    if (problem) invalid(tag, problem);
  };
  textField('merchantName', '59', 25, true);
  textField('merchantCity', '60', 15, true);
  textField('postalCode', '61', 10, false);

  // 62
  const data = f.additionalData;
  if (data !== undefined && !skip.has('additionalData')) {
    const before = errors.length;
    for (const [sub, key, label] of ADDITIONAL_DATA_KEYS) {
      const value: unknown = data[key];
      if (value === undefined) continue;
      const problem =
        sub === '09'
          ? typeof value === 'string' && /^[AME]{1,3}$/.test(value) && new Set(value).size === value.length
            ? undefined
            : `must be 1–3 distinct letters of A (address), M (mobile), E (email), got '${String(value)}'`
          : textProblem(value, 25);
      if (problem) invalid('62', `sub-tag ${sub} (${label}) ${problem}`);
    }
    const other = data.otherSubfields ?? [];
    for (const sub of other) {
      if (!(sub.tag === '00' || inRange(sub.tag, 10, 99))) {
        nested('62', `otherSubfields may only hold sub-tags 00 and 10–99 (01–09 have named fields), got '${sub.tag}'`);
        continue;
      }
      const problem = textProblem(sub.value, 99);
      if (problem) invalid('62', `sub-tag ${sub.tag} ${problem}`);
    }
    for (const sub of duplicates(other.map((s) => s.tag))) nested('62', `sub-tag ${sub} appears more than once`);
    if (errors.length === before) {
      const entries = additionalDataEntries(data);
      if (entries.length === 0) nested('62', 'the template is empty; omit additionalData instead');
      const length = codePointLength(additionalDataValue(data));
      if (length > 99) nested('62', `the template is ${length} characters long; the maximum is 99`);
    }
  }

  // 64
  const lang = f.merchantInfoLanguage;
  if (lang !== undefined && !skip.has('merchantInfoLanguage')) {
    const before = errors.length;
    if (typeof lang.languagePreference !== 'string' || !/^[A-Za-z]{2}$/.test(lang.languagePreference))
      invalid('64', `sub-tag 00 (language preference) must be 2 letters (ISO 639-1), got '${String(lang.languagePreference)}'`);
    const nameProblem = textProblem(lang.merchantName, 25);
    if (nameProblem) invalid('64', `sub-tag 01 (merchant name — alternate language) ${nameProblem}`);
    if (lang.merchantCity !== undefined) {
      const cityProblem = textProblem(lang.merchantCity, 15);
      if (cityProblem) invalid('64', `sub-tag 02 (merchant city — alternate language) ${cityProblem}`);
    }
    if (errors.length === before) {
      const length = codePointLength(languageValue(lang));
      if (length > 99) nested('64', `the template is ${length} characters long; the maximum is 99`);
    }
  }

  // 65–99
  const extra = f.additionalTags ?? [];
  for (const entry of extra) {
    if (!inRange(entry.tag, 65, 99)) {
      errors.push({ code: 'bad_tag', tag: entry.tag, message: `additionalTags may only hold tags 65–99, got '${entry.tag}'` });
      continue;
    }
    const problem = textProblem(entry.value, 99);
    if (problem) invalid(entry.tag, problem);
  }
  for (const tag of duplicates(extra.map((e) => e.tag))) errors.push({ code: 'duplicate_tag', tag, message: `${describeTag(tag)} appears more than once` });

  return errors;
}

/** Every reason `fields` cannot be encoded (empty when `encodeMpm` would succeed). */
export function validateMpmFields(fields: MpmFields): MpmError[] {
  const errors = checkFields(fields, new Set());
  if (errors.length > 0) return errors;
  const length = codePointLength(assemble(fields));
  if (length > MAX_PAYLOAD_LENGTH)
    return [
      {
        code: 'payload_too_long',
        message: `the payload would be ${length} characters long; EMVCo allows at most ${MAX_PAYLOAD_LENGTH}`,
      },
    ];
  return [];
}

function assemble(fields: MpmFields): string {
  const body = `${topLevelEntries(fields)
    .map((e) => encodeTlv(e.tag, e.value))
    .join('')}6304`;
  return body + crc16CcittFalse(body);
}

/**
 * Encode fields as an EMVCo MPM payload: tags in ascending order, 00 first, 63 last with
 * the CRC-16/CCITT-FALSE of the UTF-8 bytes of everything before it including "6304".
 * Throws `MpmEncodeError` (with the same error codes `decodeMpm` uses) on invalid fields.
 */
export function encodeMpm(fields: MpmFields): string {
  const errors = validateMpmFields(fields);
  if (errors.length > 0) throw new MpmEncodeError(errors);
  return assemble(fields);
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

const CRC_TAIL = /6304[0-9A-F]{4}$/;

/**
 * Decode and validate an EMVCo MPM payload. Never throws: every problem is reported
 * with a stable code, the tag concerned and its offset in characters (code points).
 */
export function decodeMpm(payload: string): MpmDecodeResult {
  if (typeof payload !== 'string' || payload.length === 0) return { ok: false, errors: [{ code: 'empty_payload', message: 'the payload is empty' }] };
  const chars = Array.from(payload);
  if (chars.length > MAX_PAYLOAD_LENGTH)
    return {
      ok: false,
      errors: [
        {
          code: 'payload_too_long',
          message: `the payload is ${chars.length} characters long; EMVCo allows at most ${MAX_PAYLOAD_LENGTH}`,
        },
      ],
    };

  const parsed = parseTlv(payload);
  if (!parsed.ok) {
    const errors: MpmError[] = [parsed.error];
    // Help tell corruption from a broken encoder: if the payload still ends like a CRC, check it.
    if (CRC_TAIL.test(payload)) {
      const expected = crc16CcittFalse(chars.slice(0, -4).join(''));
      const actual = chars.slice(-4).join('');
      if (expected !== actual) errors.push(crcMismatch(actual, expected, chars.length - 8));
    }
    return { ok: false, errors };
  }
  const entries = parsed.entries;
  const errors: MpmError[] = [];

  // 00 first
  const first = entries[0];
  const pfi = entries.find((e) => e.tag === '00');
  if (!pfi) errors.push({ code: 'missing_required_tag', tag: '00', message: `${describeTag('00')} is mandatory but absent` });
  else if (first !== pfi)
    errors.push({
      code: 'payload_format_indicator_not_first',
      tag: '00',
      offset: pfi.offset,
      message: `${describeTag('00')} must be the first tag of the payload, found at offset ${pfi.offset} after tag ${first?.tag ?? '??'}`,
    });
  if (pfi && pfi.value !== '01')
    errors.push({ code: 'invalid_value', tag: '00', offset: pfi.offset, message: `${describeTag('00')} must be '01', got '${pfi.value}'` });

  // 63 last, well-formed, matching
  const last = entries[entries.length - 1];
  const crcEntries = entries.filter((e) => e.tag === '63');
  if (crcEntries.length === 0) {
    errors.push({ code: 'crc_missing', tag: '63', message: `${describeTag('63')} is mandatory as the last tag ('6304' + 4 hex digits) but absent` });
  } else if (last?.tag !== '63') {
    errors.push({
      code: 'crc_not_last',
      tag: '63',
      offset: crcEntries[0]?.offset,
      message: `${describeTag('63')} must be the last tag of the payload, but tag ${last?.tag ?? '??'} follows it`,
    });
  } else if (!/^[0-9A-F]{4}$/.test(last.value)) {
    errors.push({
      code: 'invalid_value',
      tag: '63',
      offset: last.offset,
      message: `${describeTag('63')} must be 4 uppercase hexadecimal characters (length 04), got '${last.value}'`,
    });
  } else {
    const expected = crc16CcittFalse(chars.slice(0, last.valueOffset).join(''));
    if (expected !== last.value) errors.push(crcMismatch(last.value, expected, last.offset));
  }

  // duplicates (the first occurrence is used)
  const byTagMap = new Map<string, ParsedTlv>();
  for (const entry of entries) {
    if (byTagMap.has(entry.tag)) {
      errors.push({
        code: 'duplicate_tag',
        tag: entry.tag,
        offset: entry.offset,
        message: `${describeTag(entry.tag)} appears more than once (again at offset ${entry.offset})`,
      });
      continue;
    }
    byTagMap.set(entry.tag, entry);
  }

  const { fields, skip, errors: buildErrors } = buildFields(byTagMap);
  errors.push(...buildErrors);
  errors.push(...checkFields(fields, skip));

  if (errors.length > 0) {
    // Point at the offending TLV when the rule that failed did not know the offset.
    return {
      ok: false,
      errors: errors.map((e) => {
        if (e.offset !== undefined || e.tag === undefined) return e;
        const at = byTagMap.get(e.tag)?.offset;
        return at === undefined ? e : { ...e, offset: at };
      }),
    };
  }
  return { ok: true, value: fields as MpmFields };
}

function crcMismatch(actual: string, expected: string, offset: number): MpmError {
  return {
    code: 'crc_mismatch',
    tag: '63',
    offset,
    message: `${describeTag('63')} is '${actual}' but the payload up to and including '6304' computes to '${expected}' (CRC-16/CCITT-FALSE over its UTF-8 bytes): the payload was altered or mis-encoded`,
  };
}

interface Built {
  fields: { -readonly [K in FieldKey]?: MpmFields[K] };
  skip: Set<FieldKey>;
  errors: MpmError[];
}

function nestedEntries(entry: ParsedTlv, errors: MpmError[]): Map<string, ParsedTlv> | undefined {
  const where = describeTag(entry.tag);
  const parsed = parseTlv(entry.value, entry.valueOffset, where);
  if (!parsed.ok) {
    errors.push({
      code: 'nested_template_invalid',
      tag: entry.tag,
      offset: parsed.error.offset ?? entry.offset,
      message: `${where} is not valid nested TLV: ${parsed.error.message}`,
    });
    return undefined;
  }
  const map = new Map<string, ParsedTlv>();
  let ok = true;
  for (const sub of parsed.entries) {
    if (map.has(sub.tag)) {
      errors.push({
        code: 'nested_template_invalid',
        tag: entry.tag,
        offset: sub.offset,
        message: `${where}: sub-tag ${sub.tag} appears more than once`,
      });
      ok = false;
    }
    map.set(sub.tag, sub);
  }
  return ok ? map : undefined;
}

function buildFields(top: ReadonlyMap<string, ParsedTlv>): Built {
  const fields: Built['fields'] = {};
  const skip = new Set<FieldKey>();
  const errors: MpmError[] = [];
  const fail = (key: FieldKey, error: MpmError): void => {
    errors.push(error);
    skip.add(key);
  };
  const missing = (key: FieldKey, tag: string): void =>
    fail(key, { code: 'missing_required_tag', tag, message: `${describeTag(tag)} is mandatory but absent` });

  // 01
  const poi = top.get('01');
  if (!poi) missing('pointOfInitiation', '01');
  else if (poi.value === '11' || poi.value === '12') fields.pointOfInitiation = (poi.value === '11' ? 'static' : 'dynamic') satisfies PointOfInitiation;
  else
    fail('pointOfInitiation', {
      code: 'invalid_value',
      tag: '01',
      message: `${describeTag('01')} must be '11' (static) or '12' (dynamic), got '${poi.value}'`,
    });

  const network: TlvEntry[] = [];
  const templates: MerchantAccountTemplate[] = [];
  const extra: TlvEntry[] = [];
  let templateFailed = false;
  for (const [tag, entry] of [...top.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const n = tagNumber(tag);
    if (n >= 2 && n <= 25) network.push({ tag, value: entry.value });
    else if (n >= 65 && n <= 99) extra.push({ tag, value: entry.value });
    else if (n >= 26 && n <= 51) {
      const subs = nestedEntries(entry, errors);
      if (!subs) {
        templateFailed = true;
        continue;
      }
      const guid = subs.get('00');
      if (!guid) {
        errors.push({
          code: 'nested_template_invalid',
          tag,
          offset: entry.offset,
          message: `${describeTag(tag)}: sub-tag 00 (globally unique identifier) is mandatory but absent`,
        });
        templateFailed = true;
        continue;
      }
      const subfields = [...subs.values()]
        .filter((s) => s.tag !== '00')
        .map((s) => ({ tag: s.tag, value: s.value }))
        .sort(byTag);
      templates.push({ tag, globallyUniqueId: guid.value, subfields });
    }
  }
  if (network.length > 0) fields.networkAccounts = network;
  fields.merchantAccounts = templates;
  if (templateFailed) skip.add('merchantAccounts');
  if (extra.length > 0) fields.additionalTags = extra;

  // 52
  const mcc = top.get('52');
  if (mcc) fields.merchantCategoryCode = mcc.value;

  // 53, 58 (their format is checked with the other fields; whether the platform pays them is payability())
  const currency = top.get('53');
  if (currency) fields.transactionCurrency = currency.value;
  const country = top.get('58');
  if (country) fields.countryCode = country.value;

  // 54
  const amount = top.get('54');
  if (amount) {
    const parsedAmount = emvAmountToFen(amount.value);
    if (parsedAmount.ok) fields.amountFen = parsedAmount.fen;
    else fail('amountFen', { code: 'amount_invalid', tag: '54', message: `${describeTag('54')} ${parsedAmount.reason}` });
  }

  // 55–57
  const tip = top.get('55');
  const fixedFee = top.get('56');
  const percentage = top.get('57');
  const tipFail = (tag: string, problem: string, code: MpmError['code'] = 'invalid_value'): void =>
    fail('tipOrConvenience', { code, tag, message: `${describeTag(tag)} ${problem}` });
  if (tip) {
    if (tip.value === '01') fields.tipOrConvenience = { kind: 'prompt_tip' };
    else if (tip.value === '02') {
      if (!fixedFee) tipFail('56', "is mandatory when tag 55 is '02' (fixed convenience fee) but absent", 'missing_required_tag');
      else {
        const fee = emvAmountToFen(fixedFee.value);
        if (fee.ok) fields.tipOrConvenience = { kind: 'fixed_fee', feeFen: fee.fen };
        else tipFail('56', fee.reason, 'amount_invalid');
      }
    } else if (tip.value === '03') {
      if (!percentage) tipFail('57', "is mandatory when tag 55 is '03' (percentage convenience fee) but absent", 'missing_required_tag');
      else {
        const match = /^(\d{1,2})(?:\.(\d{1,2}))?$/.exec(percentage.value);
        const bp = match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : 0;
        if (bp >= 1 && bp <= 9999) fields.tipOrConvenience = { kind: 'percentage_fee', basisPoints: bp };
        else tipFail('57', `must be a percentage from 0.01 to 99.99 with at most 2 fraction digits, got '${percentage.value}'`);
      }
    } else tipFail('55', `must be '01' (prompt for tip), '02' (fixed fee) or '03' (percentage fee), got '${tip.value}'`);
  }
  if (fixedFee && tip?.value !== '02') tipFail('56', "is only allowed when tag 55 is '02'");
  if (percentage && tip?.value !== '03') tipFail('57', "is only allowed when tag 55 is '03'");

  // 59–61
  const name = top.get('59');
  if (name) fields.merchantName = name.value;
  const city = top.get('60');
  if (city) fields.merchantCity = city.value;
  const postal = top.get('61');
  if (postal) fields.postalCode = postal.value;

  // 62
  const data = top.get('62');
  if (data) {
    const subs = nestedEntries(data, errors);
    if (!subs) skip.add('additionalData');
    else {
      const built: { -readonly [K in keyof AdditionalData]?: AdditionalData[K] } = {};
      const other: TlvEntry[] = [];
      for (const sub of [...subs.values()].sort(byTag)) {
        const named = ADDITIONAL_DATA_KEYS.find(([t]) => t === sub.tag);
        if (named) built[named[1]] = sub.value;
        else other.push({ tag: sub.tag, value: sub.value });
      }
      if (other.length > 0) built.otherSubfields = other;
      fields.additionalData = built;
    }
  }

  // 64
  const lang = top.get('64');
  if (lang) {
    const subs = nestedEntries(lang, errors);
    if (!subs) skip.add('merchantInfoLanguage');
    else {
      const preference = subs.get('00');
      const langName = subs.get('01');
      const langCity = subs.get('02');
      const unknown = [...subs.keys()].filter((t) => t !== '00' && t !== '01' && t !== '02');
      const problems = [
        ...(preference ? [] : ['sub-tag 00 (language preference) is mandatory but absent']),
        ...(langName ? [] : ['sub-tag 01 (merchant name — alternate language) is mandatory but absent']),
        ...unknown.map((t) => `sub-tag ${t} is reserved for future use (allowed: 00, 01, 02)`),
      ];
      if (problems.length > 0 || !preference || !langName) {
        skip.add('merchantInfoLanguage');
        for (const problem of problems)
          errors.push({ code: 'nested_template_invalid', tag: '64', offset: lang.offset, message: `${describeTag('64')}: ${problem}` });
      } else {
        fields.merchantInfoLanguage = {
          languagePreference: preference.value,
          merchantName: langName.value,
          ...(langCity ? { merchantCity: langCity.value } : {}),
        };
      }
    }
  }

  return { fields, skip, errors };
}
