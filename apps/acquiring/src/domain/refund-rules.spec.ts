import fc from 'fast-check';
import { decideRefund, MAX_REFUNDS_PER_ORDER, type RefundCase } from './refund-rules';

const PAID_AT = new Date('2026-01-01T00:00:00Z');
const base = (over: Partial<RefundCase> = {}): RefundCase => ({
  orderState: 'succeeded',
  paidFen: 10_000n,
  committedFen: 0n,
  refundCount: 0,
  paidAt: PAID_AT,
  now: new Date('2026-06-01T00:00:00Z'),
  requestFen: 1_000n,
  ...over,
});

describe('decideRefund', () => {
  it('a partial refund of a succeeded order leaves the rest refundable', () => {
    expect(decideRefund(base({ committedFen: 3_000n, requestFen: 2_500n }))).toEqual({ ok: true, refundableFen: 7_000n, remainingAfterFen: 4_500n });
  });
  it('exactly what remains is allowed; one fen more is refused', () => {
    expect(decideRefund(base({ committedFen: 9_000n, requestFen: 1_000n })).ok).toBe(true);
    expect(decideRefund(base({ committedFen: 9_000n, requestFen: 1_001n }))).toMatchObject({
      ok: false,
      code: 'refund_exceeds_refundable',
      refundableFen: 1_000n,
    });
  });
  it('refuses an unpaid order, the 51st refund, a refund after 365 days and a zero amount', () => {
    expect(decideRefund(base({ orderState: 'closed', paidAt: null }))).toMatchObject({ code: 'order_not_refundable' });
    expect(decideRefund(base({ refundCount: MAX_REFUNDS_PER_ORDER }))).toMatchObject({ code: 'refund_count_exceeded' });
    expect(decideRefund(base({ refundCount: MAX_REFUNDS_PER_ORDER - 1 })).ok).toBe(true);
    expect(decideRefund(base({ now: new Date('2027-01-01T00:00:00.001Z') }))).toMatchObject({ code: 'refund_window_expired' });
    expect(decideRefund(base({ now: new Date('2027-01-01T00:00:00.000Z') })).ok).toBe(true);
    expect(decideRefund(base({ requestFen: 0n }))).toMatchObject({ code: 'refund_amount_invalid' });
  });
  it('property: accepted refunds never add up to more than was paid, and nothing is ever negative', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.array(fc.bigInt({ min: -5n, max: 10n ** 12n }), { maxLength: 80 }), (paid, requests) => {
        let committed = 0n;
        let count = 0;
        for (const r of requests) {
          const d = decideRefund(base({ paidFen: paid, committedFen: committed, refundCount: count, requestFen: r }));
          if (d.refundableFen < 0n) return false;
          if (d.ok) {
            if (d.remainingAfterFen < 0n) return false;
            committed += r;
            count++;
          }
          if (committed > paid || count > MAX_REFUNDS_PER_ORDER) return false;
        }
        return true;
      }),
    );
  });
});
