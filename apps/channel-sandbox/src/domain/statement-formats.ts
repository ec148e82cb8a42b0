import iconv from 'iconv-lite';
import JSZip from 'jszip';
import type { Channel } from './channels';
import { shanghaiIso } from './statement';

/**
 * The daily statement file (对账单) of each channel in its own format, per tenant and day:
 *
 * - WeChat Pay: UTF-8 CSV, every data field prefixed with a backtick (so spreadsheets keep the
 *   long numbers as text), then a summary section (总交易单数, 应结订单总金额, 退款总金额…);
 *   amounts in yuan with two decimals.
 * - Alipay: a zip holding a GBK-encoded CSV (`<date>_业务明细.csv`), `#` comment lines above and
 *   below the detail rows; amounts in yuan.
 * - UnionPay: a fixed-width ASCII file: a header record, one 150-character detail record per
 *   movement (amounts in fen, 12 digits), a trailer record.
 * - County core banking: `|`-separated UTF-8 text, a header line with the day's count and total,
 *   then detail lines; amounts in yuan.
 *
 * Yuan amounts are written from integer fen by string arithmetic (never a float).
 */

export type EntryType = 'payment' | 'refund' | 'reversal';
export const ENTRY_STATUSES = ['succeeded', 'failed', 'closed', 'reversed'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export interface StatementEntry {
  type: EntryType;
  /** the platform's order number */
  orderId: string;
  /** the platform's refund number (refunds only) */
  refundId: string | null;
  /** the channel's transaction id of the payment (a refund names its payment's) */
  channelTradeNo: string;
  /** the channel's refund number (refunds only) */
  channelRefundNo: string | null;
  amountFen: bigint;
  status: EntryStatus;
  at: Date;
}

/** `12345n` → `'123.45'`, `5n` → `'0.05'`, `-120n` → `'-1.20'`: integer fen as a yuan decimal string, by string arithmetic. */
export function fenToYuan(fen: bigint): string {
  const neg = fen < 0n;
  const digits = (neg ? -fen : fen).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** `2026-11-28 09:15:02`: Shanghai wall-clock time without offset, as the channels write it. */
export function shanghaiDateTime(at: Date): string {
  return shanghaiIso(at).slice(0, 19).replace('T', ' ');
}

function compactDateTime(at: Date): string {
  return shanghaiDateTime(at).replace(/[- :]/g, '');
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function sum(entries: readonly StatementEntry[], pick: (e: StatementEntry) => boolean): bigint {
  return entries.filter(pick).reduce((s, e) => s + e.amountFen, 0n);
}

// ---------------------------------------------------------------------------------------------
// WeChat Pay

export const WECHAT_HEADER = ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '退款状态'];
export const WECHAT_SUMMARY_HEADER = ['总交易单数', '应结订单总金额', '退款总金额', '手续费总金额'];

const WECHAT_TRADE_STATE: Record<EntryType, Partial<Record<EntryStatus, string>>> = {
  payment: { succeeded: 'SUCCESS', failed: 'PAYERROR', closed: 'CLOSED', reversed: 'REVOKED' },
  refund: { succeeded: 'REFUND', failed: 'REFUND', closed: 'REFUND', reversed: 'REFUND' },
  reversal: { succeeded: 'REVOKED', failed: 'REVOKED', closed: 'REVOKED', reversed: 'REVOKED' },
};
const WECHAT_REFUND_STATE: Record<EntryStatus, string> = { succeeded: 'SUCCESS', failed: 'FAIL', closed: 'CHANGE', reversed: 'CHANGE' };

export function wechatStatement(entries: readonly StatementEntry[]): string {
  const tick = (v: string): string => csvField(`\`${v}`);
  const rows = entries.map((e) => {
    const isRefund = e.type === 'refund';
    return [
      shanghaiDateTime(e.at),
      e.channelTradeNo,
      e.orderId,
      WECHAT_TRADE_STATE[e.type][e.status] ?? 'SUCCESS',
      isRefund ? '0.00' : fenToYuan(e.amountFen),
      e.channelRefundNo ?? '',
      e.refundId ?? '',
      isRefund || e.type === 'reversal' ? fenToYuan(e.amountFen) : '0.00',
      isRefund ? WECHAT_REFUND_STATE[e.status] : '',
    ]
      .map(tick)
      .join(',');
  });
  const payments = sum(entries, (e) => e.type === 'payment');
  const refunds = sum(entries, (e) => e.type !== 'payment');
  const summary = [String(entries.length), fenToYuan(payments), fenToYuan(refunds), '0.00'].map(tick).join(',');
  return [WECHAT_HEADER.join(','), ...rows, WECHAT_SUMMARY_HEADER.join(','), summary].join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// Alipay

export const ALIPAY_HEADER = [
  '支付宝交易号',
  '商户订单号',
  '业务类型',
  '交易状态',
  '创建时间',
  '完成时间',
  '订单金额（元）',
  '商家实收（元）',
  '退款批次号/请求号',
  '支付宝退款号',
];
const ALIPAY_TYPE: Record<EntryType, string> = { payment: '交易', refund: '退款', reversal: '撤销' };
const ALIPAY_STATE: Record<EntryStatus, string> = { succeeded: 'TRADE_SUCCESS', failed: 'TRADE_FAILED', closed: 'TRADE_CLOSED', reversed: 'TRADE_CLOSED' };

/** The CSV text inside the zip (before GBK encoding). */
export function alipayCsv(entries: readonly StatementEntry[], date: string, account = '2088000000000000'): string {
  const rows = entries.map((e) => {
    const signed = e.type === 'payment' ? fenToYuan(e.amountFen) : fenToYuan(-e.amountFen);
    return [
      e.channelTradeNo,
      e.orderId,
      ALIPAY_TYPE[e.type],
      ALIPAY_STATE[e.status],
      shanghaiDateTime(e.at),
      shanghaiDateTime(e.at),
      signed,
      signed,
      e.refundId ?? '',
      e.channelRefundNo ?? '',
    ]
      .map(csvField)
      .join(',');
  });
  const trades = entries.filter((e) => e.type === 'payment').length;
  return (
    [
      '#支付宝业务明细查询',
      `#账号：[${account}]`,
      `#起始日期：[${date} 00:00:00]   终止日期：[${date} 23:59:59]`,
      '#-----------------------------------------业务明细列表----------------------------------------',
      ALIPAY_HEADER.join(','),
      ...rows,
      '#-----------------------------------------业务明细列表结束------------------------------------',
      `#交易合计：${trades}笔，退款合计：${entries.length - trades}笔`,
      `#导出时间：[${date} 23:59:59]`,
    ].join('\r\n') + '\r\n'
  );
}

export function alipayCsvName(date: string, account = '2088000000000000'): string {
  return `${account}_${date.replace(/-/g, '')}_业务明细.csv`;
}

/** The zip (one GBK-encoded CSV inside), as Alipay's download URL serves it. */
export async function alipayStatementZip(entries: readonly StatementEntry[], date: string): Promise<Buffer> {
  const zip = new JSZip();
  // fixed file date: the same statement is the same bytes
  zip.file(alipayCsvName(date), iconv.encode(alipayCsv(entries, date), 'gbk'), { date: new Date(`${date}T00:00:00Z`) });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

// ---------------------------------------------------------------------------------------------
// UnionPay (fixed width, ASCII)

/** Detail record layout: [name, width]; alphanumerics left-aligned space-padded, amounts right-aligned zero-padded. */
export const UNIONPAY_LAYOUT = [
  ['recordType', 1], // 'D'
  ['txnType', 2], // 01 payment, 04 refund, 31 reversal
  ['respCode', 2], // 00 succeeded, 01 failed, 02 closed, 03 reversed
  ['orderId', 36],
  ['refundId', 36],
  ['channelTradeNo', 26],
  ['channelRefundNo', 26],
  ['amountFen', 12],
  ['txnTime', 14],
] as const;
export const UNIONPAY_RECORD_WIDTH = UNIONPAY_LAYOUT.reduce((w, [, n]) => w + n, 0);
const UNIONPAY_TXN: Record<EntryType, string> = { payment: '01', refund: '04', reversal: '31' };
const UNIONPAY_RESP: Record<EntryStatus, string> = { succeeded: '00', failed: '01', closed: '02', reversed: '03' };

function fixed(value: string, width: number, numeric: boolean): string {
  if (value.length > width || !/^[\x20-\x7e]*$/.test(value)) throw new RangeError(`field does not fit ${width} ASCII characters: ${value}`);
  return numeric ? value.padStart(width, '0') : value.padEnd(width, ' ');
}

export function unionpayStatement(entries: readonly StatementEntry[], date: string, tenantId: string): string {
  const ymd = date.replace(/-/g, '');
  const total = entries.reduce((s, e) => s + e.amountFen, 0n);
  const header = `H${ymd}${fixed(tenantId, 15, false)}${fixed(String(entries.length), 10, true)}`.padEnd(UNIONPAY_RECORD_WIDTH, ' ');
  const details = entries.map((e) => {
    const values: Record<(typeof UNIONPAY_LAYOUT)[number][0], string> = {
      recordType: 'D',
      txnType: UNIONPAY_TXN[e.type],
      respCode: UNIONPAY_RESP[e.status],
      orderId: e.orderId,
      refundId: e.refundId ?? '',
      channelTradeNo: e.channelTradeNo,
      channelRefundNo: e.channelRefundNo ?? '',
      amountFen: e.amountFen.toString(),
      txnTime: compactDateTime(e.at),
    };
    return UNIONPAY_LAYOUT.map(([name, width]) => fixed(values[name], width, name === 'amountFen')).join('');
  });
  const trailer = `T${fixed(String(entries.length), 10, true)}${fixed(total.toString(), 18, true)}`.padEnd(UNIONPAY_RECORD_WIDTH, ' ');
  return [header, ...details, trailer].join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// County core banking

export const CORE_HEADER = ['记账日期', '流水类型', '状态', '平台订单号', '平台退款号', '核心流水号', '核心退款流水号', '金额', '记账时间'];
const CORE_TYPE: Record<EntryType, string> = { payment: 'PAY', refund: 'RFD', reversal: 'REV' };
const CORE_STATE: Record<EntryStatus, string> = { succeeded: 'S', failed: 'F', closed: 'C', reversed: 'R' };

export function coreBankingStatement(entries: readonly StatementEntry[], date: string): string {
  const total = entries.reduce((s, e) => s + e.amountFen, 0n);
  const lines = entries.map((e) =>
    [
      date,
      CORE_TYPE[e.type],
      CORE_STATE[e.status],
      e.orderId,
      e.refundId ?? '',
      e.channelTradeNo,
      e.channelRefundNo ?? '',
      fenToYuan(e.amountFen),
      shanghaiDateTime(e.at),
    ].join('|'),
  );
  return [`${date}|${entries.length}|${fenToYuan(total)}`, CORE_HEADER.join('|'), ...lines].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------

export interface StatementFile {
  body: Buffer;
  contentType: string;
  filename: string;
}

/** The statement file of `channel` for one tenant and one day, in that channel's own format. */
export async function statementFile(channel: Channel, tenantId: string, date: string, entries: readonly StatementEntry[]): Promise<StatementFile> {
  const ymd = date.replace(/-/g, '');
  switch (channel) {
    case 'wechat':
      return { body: Buffer.from(wechatStatement(entries), 'utf8'), contentType: 'text/csv; charset=utf-8', filename: `wechat-${tenantId}-${ymd}.csv` };
    case 'alipay':
      return { body: await alipayStatementZip(entries, date), contentType: 'application/zip', filename: `alipay-${tenantId}-${ymd}.csv.zip` };
    case 'unionpay':
      return {
        body: Buffer.from(unionpayStatement(entries, date, tenantId), 'ascii'),
        contentType: 'text/plain; charset=us-ascii',
        filename: `unionpay-${tenantId}-${ymd}.txt`,
      };
    case 'county_bank':
      return {
        body: Buffer.from(coreBankingStatement(entries, date), 'utf8'),
        contentType: 'text/plain; charset=utf-8',
        filename: `county_bank-${tenantId}-${ymd}.txt`,
      };
  }
}
