/**
 * Yuan amounts as the channels' statement files write them (`123.45`, `-23.45`, `0.5`, `12`) to
 * integer fen, by string arithmetic: never through a float. More than two decimals, or anything
 * that is not a plain decimal number, is refused.
 */
const YUAN = /^(-)?(\d{1,16})(?:\.(\d{1,2}))?$/;

export function yuanToFen(text: string): bigint {
  const m = YUAN.exec(text.trim());
  if (!m) throw new RangeError(`not a yuan amount: '${text.slice(0, 30)}'`);
  const fen = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** A decimal string of integer fen (`'000000012345'` → 12345n); digits only. */
export function digitsToFen(text: string): bigint {
  if (!/^\d{1,18}$/.test(text)) throw new RangeError(`not a fen amount: '${text.slice(0, 30)}'`);
  return BigInt(text);
}
