import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import {
  alipayCsvName,
  alipayStatementZip,
  fenToYuan,
  statementFile,
  unionpayStatement,
  UNIONPAY_RECORD_WIDTH,
  type StatementEntry,
} from './statement-formats';
import { applyInjections, StatementInjections } from './statement-injection';

/**
 * The golden statement files in test/fixtures/statements are what the sandbox writes for GOLDEN
 * (settlement's parsers read the same files). A change of format shows as a diff of those files.
 */
const GOLDEN_DIR = join(__dirname, '../../../../test/fixtures/statements');
const DATE = '2026-11-28';
const TENANT = 't510104';
const ORDER_A = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
const ORDER_B = '7a2d3b5f-9e4c-4d6b-8f80-1b2c3d4e5f60';
const REFUND_A = '0e3c9b1a-2f4d-4a6b-9c8d-7e6f5a4b3c2d';

export const GOLDEN: StatementEntry[] = [
  {
    type: 'payment',
    orderId: ORDER_A,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000001',
    channelRefundNo: null,
    amountFen: 12_345n,
    status: 'succeeded',
    at: new Date('2026-11-28T01:15:02.000Z'),
  },
  {
    type: 'refund',
    orderId: ORDER_A,
    refundId: REFUND_A,
    channelTradeNo: 'TRADE00000000000000000001',
    channelRefundNo: 'REFUND0000000000000000001',
    amountFen: 2_345n,
    status: 'succeeded',
    at: new Date('2026-11-28T02:30:15.000Z'),
  },
  {
    type: 'payment',
    orderId: ORDER_B,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000002',
    channelRefundNo: null,
    amountFen: 5n,
    status: 'succeeded',
    at: new Date('2026-11-28T15:59:59.000Z'),
  },
  {
    type: 'reversal',
    orderId: ORDER_B,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000002',
    channelRefundNo: null,
    amountFen: 5n,
    status: 'reversed',
    at: new Date('2026-11-28T15:59:59.500Z'),
  },
];

const golden = (name: string): Buffer => readFileSync(join(GOLDEN_DIR, name));

describe('yuan from integer fen (string arithmetic)', () => {
  it.each([
    [0n, '0.00'],
    [5n, '0.05'],
    [10n, '0.10'],
    [100n, '1.00'],
    [12_345n, '123.45'],
    [-120n, '-1.20'],
    [9_007_199_254_740_993n, '90071992547409.93'],
  ])('%s fen → %s', (fen, yuan) => expect(fenToYuan(fen)).toBe(yuan));
});

describe('statement files in each channel’s own format (golden files)', () => {
  // UPDATE_GOLDEN=1 rewrites the golden files from the code (then review the diff)
  beforeAll(async () => {
    if (process.env.UPDATE_GOLDEN !== '1') return;
    for (const channel of ['wechat', 'alipay', 'unionpay', 'county_bank'] as const) {
      const f = await statementFile(channel, TENANT, DATE, GOLDEN);
      writeFileSync(join(GOLDEN_DIR, f.filename), f.body);
    }
  });

  it('WeChat Pay: backtick-prefixed fields, yuan, and a summary section', async () => {
    const f = await statementFile('wechat', TENANT, DATE, GOLDEN);
    expect(f.contentType).toBe('text/csv; charset=utf-8');
    expect(f.body.toString('utf8')).toBe(golden('wechat-t510104-20261128.csv').toString('utf8'));
    const lines = f.body.toString('utf8').split('\r\n');
    expect(lines[1]).toBe(`\`2026-11-28 09:15:02,\`TRADE00000000000000000001,\`${ORDER_A},\`SUCCESS,\`123.45,\`,\`,\`0.00,\``);
    expect(lines[5]).toBe('总交易单数,应结订单总金额,退款总金额,手续费总金额');
    expect(lines[6]).toBe('`4,`123.50,`23.50,`0.00');
  });

  it('Alipay: a zip with a GBK-encoded CSV', async () => {
    const f = await statementFile('alipay', TENANT, DATE, GOLDEN);
    expect(f.contentType).toBe('application/zip');
    const zip = await JSZip.loadAsync(f.body);
    const inside = await zip.file(alipayCsvName(DATE))!.async('nodebuffer');
    const goldenZip = await JSZip.loadAsync(golden('alipay-t510104-20261128.csv.zip'));
    expect(inside.equals(await goldenZip.file(alipayCsvName(DATE))!.async('nodebuffer'))).toBe(true);
    // GBK, not UTF-8: 交易 is 0xBD 0xBB 0xD2 0xD7
    expect(inside.includes(Buffer.from([0xbd, 0xbb, 0xd2, 0xd7]))).toBe(true);
    const text = iconv.decode(inside, 'gbk');
    expect(text).toContain(
      `TRADE00000000000000000001,${ORDER_A},退款,TRADE_SUCCESS,2026-11-28 10:30:15,2026-11-28 10:30:15,-23.45,-23.45,${REFUND_A},REFUND0000000000000000001`,
    );
    expect(text).toContain('#交易合计：2笔，退款合计：2笔');
  });

  it('Alipay: the same statement is the same bytes', async () => {
    const a = await alipayStatementZip(GOLDEN, DATE);
    const b = await alipayStatementZip(GOLDEN, DATE);
    expect(a.equals(b)).toBe(true);
  });

  it('UnionPay: fixed-width records, amounts in fen', async () => {
    const f = await statementFile('unionpay', TENANT, DATE, GOLDEN);
    expect(f.body.toString('ascii')).toBe(golden('unionpay-t510104-20261128.txt').toString('ascii'));
    const records = unionpayStatement(GOLDEN, DATE, TENANT).split('\r\n').filter(Boolean);
    expect(records.map((r) => r.length)).toEqual(Array(6).fill(UNIONPAY_RECORD_WIDTH));
    expect(records[2].slice(0, 5)).toBe('D0400');
    expect(records[2].slice(129, 141)).toBe('000000002345');
    expect(records[5].startsWith('T0000000004000000000000014700')).toBe(true);
  });

  it('county core banking: pipe-separated with a header of count and total', async () => {
    const f = await statementFile('county_bank', TENANT, DATE, GOLDEN);
    expect(f.body.toString('utf8')).toBe(golden('county_bank-t510104-20261128.txt').toString('utf8'));
    expect(f.body.toString('utf8').split('\n')[0]).toBe('2026-11-28|4|147.00');
  });
});

describe('injected discrepancies', () => {
  const dayEnd = new Date('2026-11-28T16:00:00.000Z');

  it('drops a row, changes an amount and a status, adds a row', () => {
    const store = new StatementInjections();
    store.add(TENANT, 'wechat', DATE, { kind: 'drop_row', type: 'refund', orderId: ORDER_A });
    store.add(TENANT, 'wechat', DATE, { kind: 'change_amount', type: 'payment', orderId: ORDER_A, amountFen: 12_346n });
    store.add(TENANT, 'wechat', DATE, { kind: 'change_status', type: 'payment', orderId: ORDER_B, status: 'closed' });
    const added = store.add(TENANT, 'wechat', DATE, { kind: 'add_row', type: 'payment', orderId: REFUND_A, amountFen: 700n, status: 'succeeded' });
    expect(added.kind === 'add_row' && added.channelTradeNo).toMatch(/^4200\d{22}$/);
    const out = applyInjections('wechat', GOLDEN, store.list(TENANT, 'wechat', DATE), dayEnd);
    expect(out.map((e) => [e.type, e.orderId, e.amountFen, e.status])).toEqual([
      ['payment', ORDER_A, 12_346n, 'succeeded'],
      ['payment', ORDER_B, 5n, 'closed'],
      ['reversal', ORDER_B, 5n, 'reversed'],
      ['payment', REFUND_A, 700n, 'succeeded'],
    ]);
    // the same injected file on every download
    expect(applyInjections('wechat', GOLDEN, store.list(TENANT, 'wechat', DATE), dayEnd)).toEqual(out);
  });

  it('keeps injections to their tenant, channel and day', () => {
    const store = new StatementInjections();
    store.add(TENANT, 'alipay', DATE, { kind: 'drop_row', type: 'payment', orderId: ORDER_A });
    expect(store.list(TENANT, 'wechat', DATE)).toEqual([]);
    expect(store.list('t510105', 'alipay', DATE)).toEqual([]);
    expect(store.list(TENANT, 'alipay', '2026-11-29')).toEqual([]);
    expect(store.clear(TENANT, 'alipay', DATE)).toBe(1);
    expect(store.list(TENANT, 'alipay', DATE)).toEqual([]);
  });
});
