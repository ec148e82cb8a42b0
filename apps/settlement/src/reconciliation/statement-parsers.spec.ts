import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import JSZip from 'jszip';
import { foldStatement, parseStatement, StatementFormatError, type StatementRow } from './statement-parsers';

/** The golden files are the channel sandbox's statements of one day (its spec writes the same bytes). */
const GOLDEN_DIR = join(__dirname, '../../../../test/fixtures/statements');
const golden = (name: string): Buffer => readFileSync(join(GOLDEN_DIR, name));
const ORDER_A = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
const ORDER_B = '7a2d3b5f-9e4c-4d6b-8f80-1b2c3d4e5f60';
const REFUND_A = '0e3c9b1a-2f4d-4a6b-9c8d-7e6f5a4b3c2d';

const EXPECTED: StatementRow[] = [
  {
    type: 'payment',
    orderId: ORDER_A,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000001',
    channelRefundNo: null,
    amountFen: 12_345n,
    outcome: 'succeeded',
  },
  {
    type: 'refund',
    orderId: ORDER_A,
    refundId: REFUND_A,
    channelTradeNo: 'TRADE00000000000000000001',
    channelRefundNo: 'REFUND0000000000000000001',
    amountFen: 2_345n,
    outcome: 'succeeded',
  },
  {
    type: 'payment',
    orderId: ORDER_B,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000002',
    channelRefundNo: null,
    amountFen: 5n,
    outcome: 'succeeded',
  },
  {
    type: 'reversal',
    orderId: ORDER_B,
    refundId: null,
    channelTradeNo: 'TRADE00000000000000000002',
    channelRefundNo: null,
    amountFen: 5n,
    outcome: 'reversed',
  },
];

describe('statement parsers (golden files of each channel)', () => {
  it.each([
    ['wechat', 'wechat-t510104-20261128.csv'],
    ['alipay', 'alipay-t510104-20261128.csv.zip'],
    ['unionpay', 'unionpay-t510104-20261128.txt'],
    ['county_bank', 'county_bank-t510104-20261128.txt'],
  ] as const)('%s: every row, exact fen', async (channel, file) => {
    expect(await parseStatement(channel, golden(file))).toEqual(EXPECTED);
  });

  it('folds a reversal into its payment and keeps refunds apart', () => {
    expect(foldStatement(EXPECTED).map((t) => [t.kind, t.orderId, t.amountFen, t.outcome])).toEqual([
      ['payment', ORDER_A, 12_345n, 'succeeded'],
      ['refund', ORDER_A, 2_345n, 'succeeded'],
      ['payment', ORDER_B, 5n, 'reversed'],
    ]);
  });

  it('WeChat: a yuan amount with a float-unfriendly value stays exact', async () => {
    const text = golden('wechat-t510104-20261128.csv').toString('utf8').replace('`123.45', '`0.29').replace('`4,`123.50', '`4,`0.34');
    const rows = await parseStatement('wechat', Buffer.from(text, 'utf8'));
    expect(rows[0].amountFen).toBe(29n); // 0.29 * 100 is 28.999999999999996 as a float
  });

  it('WeChat: a summary that does not count the rows is refused', async () => {
    const text = golden('wechat-t510104-20261128.csv').toString('utf8').replace('`4,`123.50', '`5,`123.50');
    await expect(parseStatement('wechat', Buffer.from(text, 'utf8'))).rejects.toThrow(StatementFormatError);
  });

  it('Alipay: a CSV read as UTF-8 instead of GBK, or not a zip, is refused', async () => {
    await expect(parseStatement('alipay', Buffer.from('not a zip'))).rejects.toThrow('not a zip file');
    const zip = new JSZip();
    const inner = await (await JSZip.loadAsync(golden('alipay-t510104-20261128.csv.zip'))).file(/\.csv$/)[0].async('nodebuffer');
    zip.file('x.csv', Buffer.from(iconv.decode(inner, 'gbk').replace('交易,TRADE_SUCCESS', '交易x,TRADE_SUCCESS'), 'utf8'));
    await expect(parseStatement('alipay', await zip.generateAsync({ type: 'nodebuffer' }))).rejects.toThrow(StatementFormatError);
  });

  it('UnionPay: a record of the wrong width or a trailer that does not add up is refused', async () => {
    const text = golden('unionpay-t510104-20261128.txt').toString('latin1');
    await expect(parseStatement('unionpay', Buffer.from(text.replace('000000012345', '00000012345'), 'latin1'))).rejects.toThrow(/wide/);
    await expect(parseStatement('unionpay', Buffer.from(text.replace('000000012345', '000000012346'), 'latin1'))).rejects.toThrow(/trailer total/);
  });

  it('core banking: an amount with three decimals is refused (never rounded)', async () => {
    const text = golden('county_bank-t510104-20261128.txt').toString('utf8').replace('|123.45|', '|123.455|');
    await expect(parseStatement('county_bank', Buffer.from(text, 'utf8'))).rejects.toThrow(/金额: not an amount/);
  });
});
