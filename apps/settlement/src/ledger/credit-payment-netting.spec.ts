import fc from 'fast-check';
import { paymentSucceededEntry, refundSucceededEntry } from '../domain/posting-rules';
import { drawdownEntry, drawdownRefundedEntry } from './credit-postings';

type Line = { account: string; direction: 'debit' | 'credit'; amountFen: bigint };

/** Net balance per account (debit positive). */
function net(...entries: ReadonlyArray<readonly Line[]>): Map<string, bigint> {
  const m = new Map<string, bigint>();
  for (const e of entries) for (const l of e) m.set(l.account, (m.get(l.account) ?? 0n) + (l.direction === 'debit' ? l.amountFen : -l.amountFen));
  return m;
}

const FEES = [{ product: 'acquiring', channel: '*', rateBp: 60, minFeeFen: 0 }];

describe('an acquiring order paid with county credit (ADR 0015): drawdown + payment credit the merchant once', () => {
  it('the hold names no merchant, so the drawdown credits credit_clearing and the payment debits it: the merchant gets A − fee once', () => {
    const drawdown = drawdownEntry({ principalFen: 120_000n, merchantId: null });
    const payment = paymentSucceededEntry({ amountFen: 120_000n, product: 'acquiring', channel: 'county_credit', merchantId: 'm1', feePlan: FEES });
    expect(payment.lines[0]).toEqual({ account: 'credit_clearing', direction: 'debit', amountFen: 120_000n });
    const n = net(drawdown, payment.lines);
    expect(n.get('credit_clearing')).toBe(0n);
    expect(n.get('loans_receivable')).toBe(120_000n);
    expect(n.get('merchant_payable:m1')).toBe(-(120_000n - payment.feeFen));
    expect([...n.keys()].some((k) => k.startsWith('channel_receivable:'))).toBe(false);
  });

  it('other channels still post to their receivable', () => {
    const p = paymentSucceededEntry({ amountFen: 100n, product: 'acquiring', channel: 'county_bank', merchantId: 'm1', feePlan: [] });
    expect(p.lines[0]).toEqual({ account: 'channel_receivable:county_bank', direction: 'debit', amountFen: 100n });
  });

  it('property: for any amount and any refund of it, credit_clearing nets to zero and the whole stays balanced', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 10n }), fc.bigInt({ min: 0n, max: 10n ** 10n }), (amount, r) => {
        const refund = r % (amount + 1n);
        const entries: Line[][] = [
          drawdownEntry({ principalFen: amount, merchantId: null }),
          [...paymentSucceededEntry({ amountFen: amount, product: 'acquiring', channel: 'county_credit', merchantId: 'm1', feePlan: FEES }).lines],
        ];
        if (refund > 0n) {
          entries.push(drawdownRefundedEntry({ refundFen: refund, merchantId: null }));
          entries.push([...refundSucceededEntry({ amountFen: refund, channel: 'county_credit', merchantId: 'm1' }).lines]);
        }
        const n = net(...entries);
        expect(n.get('credit_clearing') ?? 0n).toBe(0n);
        expect([...n.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
        expect(n.get('loans_receivable')).toBe(amount - refund);
      }),
    );
  });
});
