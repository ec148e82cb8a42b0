import { keysToLookUp, missingFromStatement, reconcile, summarize, type ChannelTxn, type PlatformTxn, type ReconItem } from './reconciliation-match';

const M = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const order = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const refund = (n: number): string => `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`;

function pPay(n: number, amountFen: bigint, outcome: PlatformTxn['outcome'] = 'succeeded'): PlatformTxn {
  return { kind: 'payment', orderId: order(n), refundId: null, channelTradeNo: `T${n}`, merchantId: M, amountFen, outcome };
}
function cPay(n: number, amountFen: bigint, outcome: ChannelTxn['outcome'] = 'succeeded', tradeNo = `T${n}`): ChannelTxn {
  return { kind: 'payment', orderId: order(n), refundId: null, channelTradeNo: tradeNo, channelRefundNo: null, amountFen, outcome };
}
function pRef(n: number, amountFen: bigint, outcome: PlatformTxn['outcome'] = 'succeeded'): PlatformTxn {
  return { kind: 'refund', orderId: order(n), refundId: refund(n), channelTradeNo: null, merchantId: M, amountFen, outcome };
}
function cRef(n: number, amountFen: bigint, outcome: ChannelTxn['outcome'] = 'succeeded'): ChannelTxn {
  return { kind: 'refund', orderId: order(n), refundId: refund(n), channelTradeNo: `T${n}`, channelRefundNo: `R${n}`, amountFen, outcome };
}
const brief = (i: ReconItem): unknown[] => [i.class, i.kind, i.platformAmountFen, i.channelAmountFen, i.platformOutcome, i.channelOutcome];

describe('reconciliation: every class in each direction, payments and refunds', () => {
  it('matched: same status, same amount', () => {
    const items = reconcile({ platform: [pPay(1, 100n), pRef(1, 40n)], channel: [cPay(1, 100n), cRef(1, 40n)] });
    expect(items.map(brief)).toEqual([
      ['matched', 'payment', 100n, 100n, 'succeeded', 'succeeded'],
      ['matched', 'refund', 40n, 40n, 'succeeded', 'succeeded'],
    ]);
  });

  it.each(['payment', 'refund'] as const)('channel only (长款), %s: on the statement, unknown to the platform', (kind) => {
    const items = reconcile({ platform: [], channel: [kind === 'payment' ? cPay(2, 700n) : cRef(2, 700n)] });
    expect(items.map(brief)).toEqual([['channel_only', kind, null, 700n, null, 'succeeded']]);
    expect(items[0].txnKey).toBe(kind === 'payment' ? order(2) : refund(2));
  });

  it.each(['payment', 'refund'] as const)('platform only (短款), %s: on the platform, missing from the statement', (kind) => {
    const items = reconcile({ platform: [kind === 'payment' ? pPay(3, 800n) : pRef(3, 800n)], channel: [] });
    expect(items.map(brief)).toEqual([['platform_only', kind, 800n, null, 'succeeded', null]]);
    expect(items[0].merchantId).toBe(M);
  });

  it.each([
    ['payment', 'channel more', 1_000n, 1_001n],
    ['payment', 'channel less', 1_000n, 999n],
    ['refund', 'channel more', 300n, 301n],
    ['refund', 'channel less', 300n, 299n],
  ] as const)('amount mismatch, %s, %s: each side’s amount kept on its side', (kind, _dir, platformFen, channelFen) => {
    const items = reconcile(
      kind === 'payment'
        ? { platform: [pPay(4, platformFen)], channel: [cPay(4, channelFen)] }
        : { platform: [pRef(4, platformFen)], channel: [cRef(4, channelFen)] },
    );
    expect(items.map(brief)).toEqual([['amount_mismatch', kind, platformFen, channelFen, 'succeeded', 'succeeded']]);
  });

  it.each([
    ['payment', 'late success: the channel succeeded an order the platform closed', 'closed', 'succeeded'],
    ['payment', 'the channel closed an order the platform counts as paid', 'succeeded', 'closed'],
    ['payment', 'the channel reversed an order the platform counts as paid', 'succeeded', 'reversed'],
    ['refund', 'the channel refunded what the platform counts as failed', 'closed', 'succeeded'],
    ['refund', 'the channel failed a refund the platform counts as done', 'succeeded', 'closed'],
  ] as const)('status mismatch, %s: %s', (kind, _what, platformOutcome, channelOutcome) => {
    const items = reconcile(
      kind === 'payment'
        ? { platform: [pPay(5, 500n, platformOutcome)], channel: [cPay(5, 500n, channelOutcome)] }
        : { platform: [pRef(5, 500n, platformOutcome)], channel: [cRef(5, 500n, channelOutcome)] },
    );
    expect(items.map(brief)).toEqual([['status_mismatch', kind, 500n, 500n, platformOutcome, channelOutcome]]);
  });

  it('a status mismatch wins over an amount mismatch', () => {
    expect(reconcile({ platform: [pPay(6, 500n, 'closed')], channel: [cPay(6, 600n)] })[0].class).toBe('status_mismatch');
  });

  it('a platform order closed unpaid and absent from the statement is no discrepancy', () => {
    expect(reconcile({ platform: [pPay(7, 500n, 'closed')], channel: [] })).toEqual([]);
  });

  it('a channel row without the platform number is matched by the channel transaction id', () => {
    const c = { ...cPay(8, 500n), orderId: 'channel-side-number' };
    expect(reconcile({ platform: [pPay(8, 500n)], channel: [c] }).map(brief)).toEqual([['matched', 'payment', 500n, 500n, 'succeeded', 'succeeded']]);
  });
});

describe('adjacent days are consulted before a movement is called one-sided', () => {
  it('a statement row the platform booked the day before is matched across days, not 长款', () => {
    const input = { platform: [], channel: [cPay(9, 900n)] };
    expect(keysToLookUp(input)).toEqual([{ kind: 'payment', key: order(9), channelTradeNo: 'T9' }]);
    const items = reconcile({ ...input, platformElsewhere: [pPay(9, 900n)] });
    expect(items.map((i) => [i.class, i.acrossDays])).toEqual([['matched', true]]);
  });

  it('a platform payment on the next day’s statement is matched across days, not 短款', () => {
    const input = { platform: [pPay(10, 1_000n)], channel: [] };
    expect(missingFromStatement(input).map((p) => p.orderId)).toEqual([order(10)]);
    const items = reconcile({ ...input, channelElsewhere: [cPay(10, 1_000n)] });
    expect(items.map((i) => [i.class, i.acrossDays])).toEqual([['matched', true]]);
  });

  it('a movement found on another day with another amount is an amount mismatch', () => {
    const items = reconcile({ platform: [pPay(11, 1_000n)], channel: [], channelElsewhere: [cPay(11, 1_100n)] });
    expect(items.map(brief)).toEqual([['amount_mismatch', 'payment', 1_000n, 1_100n, 'succeeded', 'succeeded']]);
  });
});

describe('a day of every class at once', () => {
  it('classifies each movement once and counts them', () => {
    const items = reconcile({
      platform: [pPay(1, 100n), pPay(3, 300n), pPay(4, 400n), pPay(5, 500n, 'closed'), pRef(1, 10n), pRef(3, 30n)],
      channel: [cPay(1, 100n), cPay(2, 200n), cPay(4, 401n), cPay(5, 500n), cRef(1, 11n), cRef(2, 20n)],
    });
    expect(summarize(items)).toEqual({ matched: 1, channel_only: 2, platform_only: 2, amount_mismatch: 2, status_mismatch: 1 });
    expect(items).toHaveLength(8);
    // the same input, the same answer (a re-run classifies identically)
    expect(
      reconcile({
        platform: [pPay(1, 100n), pPay(3, 300n), pPay(4, 400n), pPay(5, 500n, 'closed'), pRef(1, 10n), pRef(3, 30n)],
        channel: [cPay(1, 100n), cPay(2, 200n), cPay(4, 401n), cPay(5, 500n), cRef(1, 11n), cRef(2, 20n)],
      }),
    ).toEqual(items);
  });
});
