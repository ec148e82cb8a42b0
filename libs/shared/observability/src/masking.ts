import { EventEmitter } from 'node:events';

// Personal data never leaves the process unmasked: by field name (deep, case- and
// separator-insensitive) and by value pattern inside any string.

/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

type FieldMask = (value: string) => string;

const fieldMasks = new Map<string, FieldMask>([
  ...fields(['name', 'payerName', 'legalRepName', 'realName', 'holderName', 'accountName'], maskName),
  ...fields(['idNumber', 'idCard', 'residentId', 'certNo'], maskIdNumber),
  ...fields(['phone', 'mobile', 'phoneNumber'], maskPhone),
  ...fields(['cardNumber', 'cardNo', 'pan', 'accountNumber', 'bankAccount', 'accountNo'], maskCardNumber),
  ...fields(
    ['password', 'secret', 'appSecret', 'token', 'authorization', 'privateKey', 'webhookSecret', 'signature'],
    () => REDACTED,
  ),
]);

// Runs of 11–19 digits, or 17 digits + X, not glued to other letters/digits (so hex
// trace ids and UUIDs are left alone); classified by length in maskDigits.
const DIGIT_RUN = /(?<![0-9A-Za-z])(?:\d{11,19}|\d{17}[Xx])(?![0-9A-Za-z])/g;
const MOBILE = /^1[3-9]\d{9}$/;
const RESIDENT_ID = /^\d{17}[\dXx]$/;

/** Masks a person's name: first character, then one `*` per remaining character. */
export function maskName(value: string): string {
  const chars = Array.from(value.trim());
  if (chars.length <= 1) return chars.length === 0 ? '' : '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Masks an ID number keeping its length: first 3 and last 4 characters visible. */
export function maskIdNumber(value: string): string {
  return keepEnds(value, 3, 4);
}

/** Masks a phone number keeping its length: `13812345678` → `138****5678`. */
export function maskPhone(value: string): string {
  return keepEnds(value, 3, 4);
}

/** Masks a card or account number keeping its length: first 6 and last 4 visible. */
export function maskCardNumber(value: string): string {
  const compact = value.replace(/[\s-]/g, '');
  return compact.length >= 13 ? keepEnds(compact, 6, 4) : keepEnds(compact, 3, 4);
}

/** Masks resident IDs, Luhn-valid card numbers and mainland mobiles found anywhere in a text. */
export function maskSensitiveText(text: string): string {
  return text.replace(DIGIT_RUN, maskDigits);
}

/** A deep copy of `value` with personal data masked by field name and by value pattern (input untouched). */
export function maskPersonalData<T>(value: T): T {
  return maskValue(value, new WeakSet<object>()) as T;
}

/** True when a digit string passes the Luhn check (card numbers). */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function maskDigits(run: string): string {
  if (run.length === 11) return MOBILE.test(run) ? maskPhone(run) : run;
  if (RESIDENT_ID.test(run)) return maskIdNumber(run);
  if (run.length >= 13 && /^\d+$/.test(run) && passesLuhn(run)) return maskCardNumber(run);
  return run;
}

function maskValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskSensitiveText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskValue(item, seen));
    if (value instanceof Error) return maskError(value, seen);
    if (isOpaque(value)) return value;
    return maskRecord(toRecord(value), seen);
  } finally {
    seen.delete(value);
  }
}

function maskRecord(record: Record<string, unknown>, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    const mask = fieldMasks.get(normaliseKey(key));
    out[key] = mask ? maskField(child, mask, seen) : maskValue(child, seen);
  }
  return out;
}

function maskField(value: unknown, mask: FieldMask, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return mask(String(value));
  if (mask('x') === REDACTED) return REDACTED;
  return maskValue(value, seen);
}

function maskError(error: Error, seen: WeakSet<object>): Record<string, unknown> {
  const own = maskRecord({ ...error }, seen);
  return { ...own, type: error.name, message: maskSensitiveText(error.message), stack: maskSensitiveText(error.stack ?? '') };
}

// Values that are not data: left as they are (pino's serializers handle req/res/streams).
function isOpaque(value: object): boolean {
  return (
    value instanceof EventEmitter ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof Promise ||
    value instanceof URL ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  );
}

// Own enumerable properties: plain objects as they are, class instances (DTOs, entities) copied.
function toRecord(value: object): Record<string, unknown> {
  return { ...value } as Record<string, unknown>;
}

function keepEnds(value: string, head: number, tail: number): string {
  const chars = Array.from(value);
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

function normaliseKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}

function fields(names: string[], mask: FieldMask): Array<[string, FieldMask]> {
  return names.map((name) => [normaliseKey(name), mask]);
}
