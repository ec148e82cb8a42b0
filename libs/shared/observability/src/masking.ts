import { EventEmitter } from 'node:events';
import {
  REDACTED,
  luhnValid,
  maskCardNumber,
  maskPhone,
  maskResidentId,
  maskValue as maskFieldValue,
  personalDataKind,
  type PersonalDataKind,
} from '@countypay/security';

// Personal data never leaves the process unmasked: by field name (deep, case- and
// separator-insensitive) and by value pattern inside any string.

// The field list and the masks themselves are @countypay/security's (one set of rules for API
// responses, audit records and logs); this module adds masking by value pattern in any text.
export { REDACTED, maskCardNumber, maskName, maskPhone, maskResidentId as maskIdNumber } from '@countypay/security';

// Runs of 11–19 digits, or 17 digits + X, not glued to other letters/digits (so hex
// trace ids and UUIDs are left alone); classified by length in maskDigits.
const DIGIT_RUN = /(?<![0-9A-Za-z])(?:\d{11,19}|\d{17}[Xx])(?![0-9A-Za-z])/g;
const MOBILE = /^1[3-9]\d{9}$/;
const RESIDENT_ID = /^\d{17}[\dXx]$/;

/** Masks resident IDs, Luhn-valid card numbers and mainland mobiles found anywhere in a text. */
export function maskSensitiveText(text: string): string {
  return text.replace(DIGIT_RUN, maskDigits);
}

/** A deep copy of `value` with personal data masked by field name and by value pattern (input untouched). */
export function maskPersonalData<T>(value: T): T {
  return maskValue(value, new WeakSet<object>()) as T;
}

function maskDigits(run: string): string {
  if (run.length === 11) return MOBILE.test(run) ? maskPhone(run) : run;
  if (RESIDENT_ID.test(run)) return maskResidentId(run);
  if (run.length >= 13 && /^\d+$/.test(run) && luhnValid(run)) return maskCardNumber(run);
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
    const kind = personalDataKind(key);
    out[key] = kind ? maskField(child, kind, seen) : maskValue(child, seen);
  }
  return out;
}

function maskField(value: unknown, kind: PersonalDataKind, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return maskFieldValue(kind, String(value));
  if (kind === 'secret') return REDACTED;
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

