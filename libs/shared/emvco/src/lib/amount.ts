/**
 * EMVCo tag 54 / 56 amounts are decimal strings in the currency's major unit (yuan);
 * countypay works in integer fen (`bigint`). Conversion is string/bigint only: no floats.
 */

/** Largest amount that fits the 13 characters EMVCo allows for tag 54: "9999999999.99". */
export const MAX_EMV_AMOUNT_FEN = 999_999_999_999n;

const AMOUNT_PATTERN = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/**
 * Integer fen -> canonical EMVCo amount string with two fraction digits ("12.34", "12.00").
 * Throws RangeError for non-positive or too-large amounts (callers validate first).
 */
export function fenToEmvAmount(fen: bigint): string {
  if (fen <= 0n || fen > MAX_EMV_AMOUNT_FEN) {
    throw new RangeError(`amount must be between 1 and ${MAX_EMV_AMOUNT_FEN} fen, got ${fen}`);
  }
  const yuan = fen / 100n;
  const cents = fen % 100n;
  return `${yuan}.${cents.toString().padStart(2, '0')}`;
}

export type EmvAmountParse = { ok: true; fen: bigint } | { ok: false; reason: string };

/**
 * EMVCo amount string -> integer fen. Accepts "12", "12.3", "12.34" (at most 10 integer
 * digits and 2 fraction digits, '.' as decimal mark, no sign, no exponent, no grouping).
 * Zero is rejected: a QR code never asks for 0.00.
 */
export function emvAmountToFen(text: string): EmvAmountParse {
  const match = AMOUNT_PATTERN.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: `must be a decimal in yuan with up to 10 integer digits and at most 2 fraction digits (e.g. '12.34'), got '${text}'`,
    };
  }
  const integerPart = match[1] ?? '0';
  const fractionPart = (match[2] ?? '').padEnd(2, '0');
  const fen = BigInt(integerPart) * 100n + BigInt(fractionPart);
  if (fen === 0n) return { ok: false, reason: `must be greater than zero, got '${text}'` };
  return { ok: true, fen };
}
