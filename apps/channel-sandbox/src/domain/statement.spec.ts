import { isStatementDate, shanghaiDay, shanghaiIso, statementCsv, STATEMENT_HEADER } from './statement';

describe('daily statement CSV', () => {
  it('starts with the header row even on a day without movements', () => {
    expect(statementCsv([])).toBe('channel_trade_no,order_id,type,amount_fen,status,at\n');
    expect(STATEMENT_HEADER.split(',')).toEqual(['channel_trade_no', 'order_id', 'type', 'amount_fen', 'status', 'at']);
  });

  it('writes a payment, a partial refund and a reversal with exact fen and Shanghai times', () => {
    const orderId = '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f';
    const csv = statementCsv([
      {
        channelTradeNo: '42002026112812345678901234',
        orderId,
        type: 'payment',
        amountFen: 12_345n,
        status: 'succeeded',
        at: new Date('2026-11-27T16:00:00.000Z'),
      },
      {
        channelTradeNo: '50302026112800000000000001',
        orderId,
        type: 'refund',
        amountFen: 2_345n,
        status: 'succeeded',
        at: new Date('2026-11-28T01:30:15.250Z'),
      },
      {
        channelTradeNo: '42002026112812345678901234',
        orderId,
        type: 'reversal',
        amountFen: 10_000n,
        status: 'reversed',
        at: new Date('2026-11-28T15:59:59.999Z'),
      },
    ]);
    expect(csv.split('\n')).toEqual([
      STATEMENT_HEADER,
      `42002026112812345678901234,${orderId},payment,12345,succeeded,2026-11-28T00:00:00.000+08:00`,
      `50302026112800000000000001,${orderId},refund,2345,succeeded,2026-11-28T09:30:15.250+08:00`,
      `42002026112812345678901234,${orderId},reversal,10000,reversed,2026-11-28T23:59:59.999+08:00`,
      '',
    ]);
  });

  it('writes amounts beyond 2^53 fen exactly (bigint, never a float)', () => {
    const csv = statementCsv([
      { channelTradeNo: 'T1', orderId: 'o', type: 'payment', amountFen: 9_007_199_254_740_993n, status: 'succeeded', at: new Date(0) },
    ]);
    expect(csv).toContain(',9007199254740993,');
  });

  it('quotes a field holding a comma or a quote', () => {
    const csv = statementCsv([{ channelTradeNo: 'a,b', orderId: 'say "hi"', type: 'payment', amountFen: 1n, status: 'succeeded', at: new Date(0) }]);
    expect(csv.split('\n')[1]).toBe('"a,b","say ""hi""",payment,1,succeeded,1970-01-01T08:00:00.000+08:00');
  });
});

describe('statement days (Asia/Shanghai)', () => {
  it('a day runs from 16:00 UTC the evening before', () => {
    expect(shanghaiDay('2026-11-28')).toEqual({ from: new Date('2026-11-27T16:00:00.000Z'), to: new Date('2026-11-28T16:00:00.000Z') });
  });

  it('accepts real calendar days only', () => {
    expect(isStatementDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '20261128', '2026-11-28T00:00:00Z', '']) expect(isStatementDate(bad)).toBe(false);
    expect(() => shanghaiDay('2026-02-30')).toThrow(RangeError);
  });

  it('formats an instant as Shanghai wall-clock time with its offset', () => {
    expect(shanghaiIso(new Date('2026-12-31T17:05:00.000Z'))).toBe('2027-01-01T01:05:00.000+08:00');
  });
});
