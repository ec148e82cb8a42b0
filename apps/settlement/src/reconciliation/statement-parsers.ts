import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import type { PaymentChannel } from '@countypay/contracts';
import type { ChannelTxn, Outcome } from '../domain/reconciliation-match';
import { digitsToFen, yuanToFen } from '../domain/yuan';

/**
 * Adapters of the channels' statement files (对账单): each decodes its channel's own format into
 * statement rows; `foldStatement` turns the rows into the movements reconciliation compares
 * (a reversal row marks its payment reversed). CSV goes through csv-parse, GBK through
 * iconv-lite, zips through jszip; amounts become integer fen by string arithmetic.
 * A file that does not read as its format throws StatementFormatError (never a half result).
 */

export type RowType = 'payment' | 'refund' | 'reversal';

export interface StatementRow {
  type: RowType;
  orderId: string;
  refundId: string | null;
  channelTradeNo: string;
  channelRefundNo: string | null;
  amountFen: bigint;
  outcome: Outcome;
}

export class StatementFormatError extends Error {
  constructor(
    readonly channel: PaymentChannel,
    detail: string,
  ) {
    super(`${channel} statement: ${detail}`);
    this.name = 'StatementFormatError';
  }
}

function need(channel: PaymentChannel, ok: boolean, detail: string): asserts ok {
  if (!ok) throw new StatementFormatError(channel, detail);
}

function amount(channel: PaymentChannel, parse: (t: string) => bigint, text: string, where: string): bigint {
  try {
    return parse(text);
  } catch {
    throw new StatementFormatError(channel, `${where}: not an amount`);
  }
}

const empty = (v: string | undefined): string | null => (v === undefined || v === '' ? null : v);

// ---------------------------------------------------------------------------------------------
// WeChat Pay: UTF-8 CSV, fields prefixed with a backtick, a summary section at the end

const WECHAT_COLUMNS = ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '退款状态'];

export function parseWechat(body: Buffer): StatementRow[] {
  const ch: PaymentChannel = 'wechat';
  const records = parse(body.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true, trim: false }) as string[][];
  need(ch, records.length >= 3, 'too short');
  const header = records[0];
  for (const c of WECHAT_COLUMNS) need(ch, header.includes(c), `missing column ${c}`);
  const summaryAt = records.findIndex((r) => r[0] === '总交易单数');
  need(ch, summaryAt > 0 && summaryAt + 1 < records.length, 'no summary section');
  const untick = (v: string): string => (v.startsWith('`') ? v.slice(1) : v);
  const col = (r: string[], name: string): string => untick(r[header.indexOf(name)] ?? '');
  const rows = records.slice(1, summaryAt).map((r, i): StatementRow => {
    need(ch, r.length === header.length, `row ${i + 1} has ${r.length} fields, not ${header.length}`);
    const state = col(r, '交易状态');
    const refundFen = amount(ch, yuanToFen, col(r, '退款金额'), `row ${i + 1} 退款金额`);
    const base = { orderId: col(r, '商户订单号'), channelTradeNo: col(r, '微信订单号') };
    if (state === 'REFUND')
      return {
        ...base,
        type: 'refund',
        refundId: empty(col(r, '商户退款单号')),
        channelRefundNo: empty(col(r, '微信退款单号')),
        amountFen: refundFen,
        outcome: col(r, '退款状态') === 'SUCCESS' ? 'succeeded' : 'closed',
      };
    const paidFen = amount(ch, yuanToFen, col(r, '应结订单金额'), `row ${i + 1} 应结订单金额`);
    if (state === 'REVOKED' && refundFen > 0n)
      return { ...base, type: 'reversal', refundId: null, channelRefundNo: null, amountFen: refundFen, outcome: 'reversed' };
    const outcome: Outcome | undefined = ({ SUCCESS: 'succeeded', REVOKED: 'reversed', CLOSED: 'closed', PAYERROR: 'closed' } as Record<string, Outcome>)[
      state
    ];
    need(ch, outcome !== undefined, `row ${i + 1}: unknown 交易状态 ${state.slice(0, 20)}`);
    return { ...base, type: 'payment', refundId: null, channelRefundNo: null, amountFen: paidFen, outcome };
  });
  const summary = records[summaryAt + 1].map(untick);
  need(ch, summary[0] === String(rows.length), `summary says ${summary[0]} rows, the file has ${rows.length}`);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Alipay: a zip holding a GBK-encoded CSV, '#' comment lines around the detail rows

export async function parseAlipay(body: Buffer): Promise<StatementRow[]> {
  const ch: PaymentChannel = 'alipay';
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(body);
  } catch {
    throw new StatementFormatError(ch, 'not a zip file');
  }
  const csvs = Object.values(zip.files).filter((f) => !f.dir && f.name.endsWith('.csv'));
  need(ch, csvs.length === 1, `the zip holds ${csvs.length} CSV files, not one`);
  const text = iconv.decode(await csvs[0].async('nodebuffer'), 'gbk');
  const records = parse(text, { comment: '#', skip_empty_lines: true, relax_column_count: false }) as string[][];
  need(ch, records.length >= 1, 'no header row');
  const header = records[0].map((h) => h.trim());
  const idx = (name: string): number => {
    const i = header.indexOf(name);
    need(ch, i >= 0, `missing column ${name}`);
    return i;
  };
  const [tradeNo, orderNo, bizType, state, orderAmount, refundNo, channelRefundNo] = [
    '支付宝交易号',
    '商户订单号',
    '业务类型',
    '交易状态',
    '订单金额（元）',
    '退款批次号/请求号',
    '支付宝退款号',
  ].map(idx);
  return records.slice(1).map((r, i): StatementRow => {
    const signed = amount(ch, yuanToFen, r[orderAmount], `row ${i + 1} 订单金额`);
    const fen = signed < 0n ? -signed : signed;
    const ok = r[state] === 'TRADE_SUCCESS';
    const base = { orderId: r[orderNo].trim(), channelTradeNo: r[tradeNo].trim(), amountFen: fen };
    switch (r[bizType]) {
      case '交易':
        return { ...base, type: 'payment', refundId: null, channelRefundNo: null, outcome: ok ? 'succeeded' : 'closed' };
      case '退款':
        return { ...base, type: 'refund', refundId: empty(r[refundNo]), channelRefundNo: empty(r[channelRefundNo]), outcome: ok ? 'succeeded' : 'closed' };
      case '撤销':
        return { ...base, type: 'reversal', refundId: null, channelRefundNo: null, outcome: 'reversed' };
      default:
        throw new StatementFormatError(ch, `row ${i + 1}: unknown 业务类型`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// UnionPay: fixed-width ASCII records (header H, details D, trailer T)

const UNIONPAY_LAYOUT: ReadonlyArray<readonly [string, number]> = [
  ['recordType', 1],
  ['txnType', 2],
  ['respCode', 2],
  ['orderId', 36],
  ['refundId', 36],
  ['channelTradeNo', 26],
  ['channelRefundNo', 26],
  ['amountFen', 12],
  ['txnTime', 14],
];
const UNIONPAY_WIDTH = UNIONPAY_LAYOUT.reduce((w, [, n]) => w + n, 0);

function unionpayFields(record: string): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  for (const [name, width] of UNIONPAY_LAYOUT) {
    out[name] = record.slice(at, at + width).trim();
    at += width;
  }
  return out;
}

export function parseUnionpay(body: Buffer): StatementRow[] {
  const ch: PaymentChannel = 'unionpay';
  const text = body.toString('latin1');
  need(ch, /^[\x20-\x7e\r\n]*$/.test(text), 'not an ASCII file');
  const records = text.split(/\r?\n/).filter((l) => l.length > 0);
  need(ch, records.length >= 2 && records[0].startsWith('H') && records[records.length - 1].startsWith('T'), 'no header or trailer record');
  for (const [i, r] of records.entries()) need(ch, r.length === UNIONPAY_WIDTH, `record ${i + 1} is ${r.length} characters wide, not ${UNIONPAY_WIDTH}`);
  const details = records.slice(1, -1);
  const rows = details.map((r, i): StatementRow => {
    const f = unionpayFields(r);
    need(ch, f.recordType === 'D', `record ${i + 2} is not a detail record`);
    const fen = amount(ch, digitsToFen, f.amountFen, `record ${i + 2} amount`);
    const outcome = ({ '00': 'succeeded', '01': 'closed', '02': 'closed', '03': 'reversed' } as Record<string, Outcome>)[f.respCode];
    need(ch, outcome !== undefined, `record ${i + 2}: unknown response code`);
    const type = ({ '01': 'payment', '04': 'refund', '31': 'reversal' } as Record<string, RowType>)[f.txnType];
    need(ch, type !== undefined, `record ${i + 2}: unknown transaction type`);
    return {
      type,
      orderId: f.orderId,
      refundId: empty(f.refundId),
      channelTradeNo: f.channelTradeNo,
      channelRefundNo: empty(f.channelRefundNo),
      amountFen: fen,
      outcome,
    };
  });
  const trailer = records[records.length - 1];
  const count = Number(trailer.slice(1, 11));
  const total = amount(ch, digitsToFen, trailer.slice(11, 29), 'trailer total');
  need(ch, count === rows.length, `trailer says ${count} records, the file has ${rows.length}`);
  need(ch, total === rows.reduce((s, r) => s + r.amountFen, 0n), 'trailer total differs from the records');
  return rows;
}

// ---------------------------------------------------------------------------------------------
// County core banking: '|'-separated UTF-8 text, a first line of date, count and total

export function parseCoreBanking(body: Buffer): StatementRow[] {
  const ch: PaymentChannel = 'county_bank';
  const records = parse(body.toString('utf8'), { delimiter: '|', relax_column_count: true, skip_empty_lines: true, quote: false }) as string[][];
  need(ch, records.length >= 2 && records[0].length === 3 && records[1][0] === '记账日期', 'no summary or header line');
  const header = records[1];
  const col = (r: string[], name: string): string => r[header.indexOf(name)] ?? '';
  const rows = records.slice(2).map((r, i): StatementRow => {
    need(ch, r.length === header.length, `line ${i + 3} has ${r.length} fields, not ${header.length}`);
    const type = ({ PAY: 'payment', RFD: 'refund', REV: 'reversal' } as Record<string, RowType>)[col(r, '流水类型')];
    need(ch, type !== undefined, `line ${i + 3}: unknown 流水类型`);
    const outcome = ({ S: 'succeeded', F: 'closed', C: 'closed', R: 'reversed' } as Record<string, Outcome>)[col(r, '状态')];
    need(ch, outcome !== undefined, `line ${i + 3}: unknown 状态`);
    return {
      type,
      orderId: col(r, '平台订单号'),
      refundId: empty(col(r, '平台退款号')),
      channelTradeNo: col(r, '核心流水号'),
      channelRefundNo: empty(col(r, '核心退款流水号')),
      amountFen: amount(ch, yuanToFen, col(r, '金额'), `line ${i + 3} 金额`),
      outcome,
    };
  });
  need(ch, records[0][1] === String(rows.length), `the summary says ${records[0][1]} lines, the file has ${rows.length}`);
  need(ch, amount(ch, yuanToFen, records[0][2], 'summary total') === rows.reduce((s, r) => s + r.amountFen, 0n), 'the summary total differs from the lines');
  return rows;
}

export async function parseStatement(channel: PaymentChannel, body: Buffer): Promise<StatementRow[]> {
  switch (channel) {
    case 'wechat':
      return parseWechat(body);
    case 'alipay':
      return parseAlipay(body);
    case 'unionpay':
      return parseUnionpay(body);
    case 'county_bank':
      return parseCoreBanking(body);
    case 'county_credit':
      throw new Error('county credit is the county bank’s own loan book: it has no channel statement');
  }
}

/** The movements of a statement: payments (a reversal row marks its payment reversed) and refunds. */
export function foldStatement(rows: readonly StatementRow[]): ChannelTxn[] {
  const payments = new Map<string, ChannelTxn>();
  const out: ChannelTxn[] = [];
  for (const r of rows) {
    if (r.type === 'refund') {
      out.push({
        kind: 'refund',
        orderId: r.orderId,
        refundId: r.refundId,
        channelTradeNo: r.channelTradeNo,
        channelRefundNo: r.channelRefundNo,
        amountFen: r.amountFen,
        outcome: r.outcome,
      });
      continue;
    }
    const p = payments.get(r.orderId);
    if (r.type === 'reversal') {
      if (p) p.outcome = 'reversed';
      else {
        const t: ChannelTxn = {
          kind: 'payment',
          orderId: r.orderId,
          refundId: null,
          channelTradeNo: r.channelTradeNo,
          channelRefundNo: null,
          amountFen: r.amountFen,
          outcome: 'reversed',
        };
        payments.set(r.orderId, t);
        out.push(t);
      }
      continue;
    }
    if (p) continue; // a payment listed twice counts once
    const t: ChannelTxn = {
      kind: 'payment',
      orderId: r.orderId,
      refundId: null,
      channelTradeNo: r.channelTradeNo,
      channelRefundNo: null,
      amountFen: r.amountFen,
      outcome: r.outcome,
    };
    payments.set(r.orderId, t);
    out.push(t);
  }
  return out;
}
