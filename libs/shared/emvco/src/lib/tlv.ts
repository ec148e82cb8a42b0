import type { MpmError } from './mpm-error';

/**
 * EMVCo TLV: ID (2 digits) + LEN (2 digits, 01..99) + VALUE, where LEN counts characters.
 * countypay counts Unicode code points (merchant names may be Chinese), so every offset
 * and length in this module is in code points, never UTF-16 code units or bytes.
 */
export interface TlvEntry {
  readonly tag: string;
  readonly value: string;
}

export interface ParsedTlv extends TlvEntry {
  /** Code-point offset of the entry's first tag digit, relative to the parsed string. */
  readonly offset: number;
  /** Code-point offset of the value's first character. */
  readonly valueOffset: number;
}

export type TlvParse = { ok: true; entries: ParsedTlv[] } | { ok: false; error: MpmError };

const TWO_DIGITS = /^\d\d$/;

export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Encode one TLV. The caller guarantees 1 <= length <= 99. */
export function encodeTlv(tag: string, value: string): string {
  return `${tag}${codePointLength(value).toString().padStart(2, '0')}${value}`;
}

/**
 * Split `text` into TLV entries. Fails (never throws) on the first structural problem.
 * `base` is added to every reported offset (for nested templates), `where` names the
 * container in messages (e.g. "payload", "tag 62 (additional data field template)").
 */
export function parseTlv(text: string, base = 0, where = 'payload'): TlvParse {
  const chars = Array.from(text);
  const entries: ParsedTlv[] = [];
  let i = 0;
  while (i < chars.length) {
    const at = base + i;
    if (chars.length - i < 4) {
      return {
        ok: false,
        error: {
          code: 'truncated',
          offset: at,
          message: `${where}: expected a 4-digit tag+length header at offset ${at}, but only ${chars.length - i} character(s) remain ('${chars.slice(i).join('')}')`,
        },
      };
    }
    const tag = chars.slice(i, i + 2).join('');
    if (!TWO_DIGITS.test(tag)) {
      return {
        ok: false,
        error: { code: 'bad_tag', offset: at, message: `${where}: tag at offset ${at} must be 2 digits, got '${tag}'` },
      };
    }
    const lengthText = chars.slice(i + 2, i + 4).join('');
    if (!TWO_DIGITS.test(lengthText) || lengthText === '00') {
      return {
        ok: false,
        error: {
          code: 'bad_length',
          offset: at,
          tag,
          message: `${where}: length of tag ${tag} at offset ${at} must be 2 digits from 01 to 99, got '${lengthText}'`,
        },
      };
    }
    const length = Number(lengthText);
    const valueStart = i + 4;
    if (valueStart + length > chars.length) {
      return {
        ok: false,
        error: {
          code: 'length_overflow',
          offset: at,
          tag,
          message: `${where}: tag ${tag} at offset ${at} declares ${length} character(s) but only ${chars.length - valueStart} remain`,
        },
      };
    }
    entries.push({
      tag,
      value: chars.slice(valueStart, valueStart + length).join(''),
      offset: at,
      valueOffset: base + valueStart,
    });
    i = valueStart + length;
  }
  return { ok: true, entries };
}
