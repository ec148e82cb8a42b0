import { EventEmitter } from 'node:events';
import { luhnValid } from './validators/bank-card';
/**
 * Masking of personal data for API responses and logs. Masks keep the length of the
 * value (one `*` per hidden character) so that formats stay recognisable:
 *   name        张*, 李**, 欧阳** (compound surnames keep both characters), J*** D**
 *   resident ID first 3 and last 4: 110***********123X
 *   phone       first 3 and last 4: 138****5678
 *   bank card   first 6 and last 4: 622202*********0126
 *   email       first character of the local part: z***@example.com
 *   secret      replaced entirely by [REDACTED]
 */

export type PersonalDataKind = 'name' | 'idNumber' | 'phone' | 'cardNumber' | 'email' | 'secret';

/**
 * Field names masked by maskPersonalData, keyed in normalised form (lower case, `_` and
 * `-` removed, so `legal_rep_name`, `legalRepName` and `Legal-Rep-Name` all match).
 */
export const PERSONAL_DATA_FIELDS: Readonly<Record<string, PersonalDataKind>> = Object.freeze({
  name: 'name',
  fullname: 'name',
  realname: 'name',
  legalrepname: 'name',
  legalrepresentativename: 'name',
  contactname: 'name',
  accountname: 'name',
  accountholdername: 'name',
  cardholdername: 'name',
  payername: 'name',
  payeename: 'name',
  borrowername: 'name',
  holdername: 'name',
  idnumber: 'idNumber',
  idcardno: 'idNumber',
  idcardnumber: 'idNumber',
  residentid: 'idNumber',
  legalrepidnumber: 'idNumber',
  idcard: 'idNumber',
  certno: 'idNumber',
  phone: 'phone',
  mobile: 'phone',
  phonenumber: 'phone',
  mobilephone: 'phone',
  contactphone: 'phone',
  legalrepphone: 'phone',
  cardnumber: 'cardNumber',
  cardno: 'cardNumber',
  bankcard: 'cardNumber',
  bankcardnumber: 'cardNumber',
  accountnumber: 'cardNumber',
  accountno: 'cardNumber',
  bankaccount: 'cardNumber',
  bankaccountnumber: 'cardNumber',
  settlementaccount: 'cardNumber',
  payeraccount: 'cardNumber',
  payeeaccount: 'cardNumber',
  pan: 'cardNumber',
  email: 'email',
  contactemail: 'email',
  password: 'secret',
  paymentpassword: 'secret',
  secret: 'secret',
  appsecret: 'secret',
  clientsecret: 'secret',
  webhooksecret: 'secret',
  privatekey: 'secret',
  authorization: 'secret',
  apikey: 'secret',
  token: 'secret',
  signature: 'secret',
});

export const REDACTED = '[REDACTED]';

/** Two-character surnames kept whole when the name has at least three characters. */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
  '皇甫',
  '尉迟',
  '公孙',
  '慕容',
  '令狐',
  '长孙',
  '宇文',
  '司徒',
  '夏侯',
  '轩辕',
  '端木',
  '独孤',
  '南宫',
  '西门',
  '百里',
  '呼延',
  '澹台',
  '公冶',
  '太史',
  '申屠',
  '闻人',
  '万俟',
  '钟离',
  '赫连',
  '濮阳',
  '单于',
  '拓跋',
  '司空',
  '第五',
]);

function stars(count: number): string {
  return '*'.repeat(Math.max(0, count));
}

/** Keeps `head` leading and `tail` trailing characters (code points); a value too short for that shows at most a third of itself, at the start. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) {
    const shown = Math.min(head, Math.floor(chars.length / 3));
    return chars.slice(0, shown).join('') + stars(chars.length - shown);
  }
  return chars.slice(0, head).join('') + stars(chars.length - head - tail) + chars.slice(chars.length - tail).join('');
}

export function maskName(name: string): string {
  const trimmed = name.trim();
  const chars = [...trimmed];
  if (chars.length === 0) return '';
  if (/^[\p{Script=Latin}\s.'-]+$/u.test(trimmed)) {
    // Latin script: first letter of each word.
    return trimmed.replace(/\p{L}+/gu, (word) => [...word][0] + stars([...word].length - 1));
  }
  if (chars.length === 1) return '*';
  const keep = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  return chars.slice(0, keep).join('') + stars(chars.length - keep);
}

export function maskResidentId(idNumber: string): string {
  return keepEnds(idNumber.trim(), 3, 4);
}

export function maskPhone(phone: string): string {
  return keepEnds(phone.trim(), 3, 4);
}

export function maskCardNumber(cardNumber: string): string {
  const compact = cardNumber.replace(/\s/g, '');
  return compact.length >= 12 ? keepEnds(compact, 6, 4) : keepEnds(compact, 0, 4);
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return keepEnds(email, 1, 0);
  return keepEnds(email.slice(0, at), 1, 0) + email.slice(at);
}

export function maskValue(kind: PersonalDataKind, value: string): string {
  switch (kind) {
    case 'name':
      return maskName(value);
    case 'idNumber':
      return maskResidentId(value);
    case 'phone':
      return maskPhone(value);
    case 'cardNumber':
      return maskCardNumber(value);
    case 'email':
      return maskEmail(value);
    case 'secret':
      return REDACTED;
  }
}

function normaliseFieldName(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase();
}

export function personalDataKind(fieldName: string): PersonalDataKind | undefined {
  const normalised = normaliseFieldName(fieldName);
  return Object.prototype.hasOwnProperty.call(PERSONAL_DATA_FIELDS, normalised) ? PERSONAL_DATA_FIELDS[normalised] : undefined;
}

// Runs of 11–19 digits, or 17 digits + X, not glued to other letters/digits (so hex trace ids and
// UUIDs are left alone); classified by length in maskDigits.
const DIGIT_RUN = /(?<![0-9A-Za-z])(?:\d{11,19}|\d{17}[Xx])(?![0-9A-Za-z])/g;
const MOBILE = /^1[3-9]\d{9}$/;
const RESIDENT_ID = /^\d{17}[\dXx]$/;

function maskDigits(run: string): string {
  if (run.length === 11) return MOBILE.test(run) ? maskPhone(run) : run;
  if (RESIDENT_ID.test(run)) return maskResidentId(run);
  if (run.length >= 13 && /^\d+$/.test(run) && luhnValid(run)) return maskCardNumber(run);
  return run;
}

/** Masks resident IDs, Luhn-valid card numbers and mainland mobiles found anywhere in a text. */
export function maskSensitiveText(text: string): string {
  return text.replace(DIGIT_RUN, maskDigits);
}

export interface MaskOptions {
  /**
   * Logs, errors, events: also mask personal data found by its shape inside any string (a card
   * number in a message), turn Errors into masked records and mark cycles `[Circular]` so the
   * result serialises. Without it (API responses, audit records) only fields are masked, by name.
   */
  inText?: boolean;
}

/** Objects whose contents are not fields: kept by reference. */
function isOpaque(value: object): boolean {
  return (
    value instanceof Date ||
    value instanceof RegExp ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Promise ||
    value instanceof URL ||
    value instanceof EventEmitter
  );
}

class Masker {
  private readonly seen = new WeakMap<object, unknown>();
  private readonly open = new WeakSet<object>();

  constructor(private readonly inText: boolean) {}

  value(value: unknown): unknown {
    if (typeof value === 'string') return this.inText ? maskSensitiveText(value) : value;
    if (value === null || typeof value !== 'object') return value;
    if (this.inText && this.open.has(value)) return '[Circular]';
    const cached = this.seen.get(value);
    if (cached !== undefined) return cached;
    if (value instanceof Error) return this.inText ? this.error(value) : value;
    if (isOpaque(value)) return value;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      this.enter(value, out);
      for (const item of value as unknown[]) out.push(this.value(item));
      this.leave(value);
      return out;
    }
    const out: Record<string, unknown> = {};
    this.enter(value, out);
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      const kind = personalDataKind(key);
      out[key] = kind ? this.field(kind, field) : this.value(field);
    }
    this.leave(value);
    return out;
  }

  private enter(value: object, out: unknown): void {
    if (this.inText) this.open.add(value);
    else this.seen.set(value, out);
  }

  private leave(value: object): void {
    if (this.inText) this.open.delete(value);
  }

  private error(e: Error): Record<string, unknown> {
    const own = this.value({ ...e }) as Record<string, unknown>;
    return { ...own, type: e.name, message: maskSensitiveText(e.message), stack: maskSensitiveText(e.stack ?? '') };
  }

  /** A field named as personal data: its value masked by the field's kind, structures included. */
  private field(kind: PersonalDataKind, value: unknown): unknown {
    if (typeof value === 'string') return maskValue(kind, value);
    if (typeof value === 'number' || typeof value === 'bigint') return maskValue(kind, String(value));
    if (value === null || value === undefined || typeof value === 'boolean') return value;
    if (kind === 'secret') return REDACTED;
    // A known field holding a structure (e.g. `name: { first, last }`): mask its strings with the same rule.
    if (Array.isArray(value)) return value.map((item: unknown) => this.field(kind, item));
    if (typeof value === 'object' && !isOpaque(value) && !(value instanceof Error)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.field(personalDataKind(k) ?? kind, v)]));
    }
    return REDACTED;
  }
}

/**
 * The one masking of personal data (API responses, audit records, logs, dead letters): a deep
 * copy of `data` with every field named in PERSONAL_DATA_FIELDS masked by its kind, and — with
 * `inText` — personal data found by its shape inside any string. Arrays and objects (class
 * instances too, e.g. DTOs) are copied as arrays and plain objects of their own enumerable
 * properties; Date, RegExp, Map, Set and binary values are kept by reference. The input is not
 * mutated. Cycles are preserved, or marked `[Circular]` with `inText`.
 */
export function maskPersonalData<T>(data: T, opts: MaskOptions = {}): T {
  return new Masker(opts.inText === true).value(data) as T;
}
