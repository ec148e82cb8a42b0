// Amounts an operator types and reads, in yuan text, as integer fen: no floating point anywhere.

/** A yuan amount typed by an operator ("-1", "1.5", "12.34") as integer fen; undefined when malformed. */
export function fenOf(text: string): number | undefined {
  const m = /^\s*(-?)(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return undefined;
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -fen : fen;
}

/** Integer fen as yuan text for an input field ("-1.05"), the inverse of fenOf. */
export function yuanInput(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
