/** The daily statement file (对账单) of a channel for one tenant: CSV, one line per money movement. */
export const STATEMENT_HEADER = 'channel_trade_no,order_id,type,amount_fen,status,at';

export type StatementLineType = 'payment' | 'refund' | 'reversal';

export interface StatementLine {
  channelTradeNo: string;
  orderId: string;
  type: StatementLineType;
  amountFen: bigint;
  status: string;
  at: Date;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `date` is a real calendar day written YYYY-MM-DD. */
export function isStatementDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === date;
}

/** The instants [from, to) of a calendar day in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiDay(date: string): { from: Date; to: Date } {
  if (!isStatementDate(date)) throw new RangeError(`not a date: ${date}`);
  const from = new Date(`${date}T00:00:00+08:00`);
  return { from, to: new Date(from.getTime() + 24 * 3600_000) };
}

/** `2026-11-28T09:15:02.123+08:00`: the Shanghai wall clock with its offset. */
export function shanghaiIso(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 23)}+08:00`;
}

function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The CSV text: the header row, then the lines in the given order, CRLF-free (`\n`), ending with a newline. */
export function statementCsv(lines: readonly StatementLine[]): string {
  const rows = lines.map((l) => [l.channelTradeNo, l.orderId, l.type, l.amountFen.toString(), l.status, shanghaiIso(l.at)].map(field).join(','));
  return [STATEMENT_HEADER, ...rows].join('\n') + '\n';
}
