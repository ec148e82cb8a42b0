import fc from 'fast-check';
import { planRefund, type RefundableInstallment } from './refund';

const inst = (period: number, state: RefundableInstallment['state'], principal: number, interest: number, paidP = 0, paidI = 0): RefundableInstallment => ({
  period,
  state,
  principalFen: BigInt(principal),
  paidPrincipalFen: BigInt(paidP),
  interestFen: BigInt(interest),
  paidInterestFen: BigInt(paidI),
});

// 12,000.00 in 3 at 18%: 3,940.60 + 180.00 / 3,999.71 + 120.89 / 4,059.69 + 60.90
const SCHEDULE = [inst(1, 'billed', 394_060, 18_000), inst(2, 'pending', 399_971, 12_089), inst(3, 'pending', 405_969, 6_090)];

describe('refund of a drawdown: principal first, interest returned pro rata', () => {
  it('a partial refund after billing credits the statement first, spreads the rest over the pending periods, and returns each period’s interest pro rata', () => {
    const plan = planRefund(SCHEDULE, 600_000n);
    expect(plan).toEqual({
      ok: true,
      principalFen: 600_000n,
      // 18,000 × 6/12 = 9,000; 12,089 × 0.5 = 6,044.5 → 6,045; 6,090 × 0.5 = 3,045
      interestReturnedFen: 9_000n + 6_045n + 3_045n,
      cuts: [
        { period: 1, principalCutFen: 394_060n, interestCutFen: 9_000n },
        // the remaining 2,059.40 spread over the pending periods pro rata: 2,059.40 × 3,999.71 / 8,059.40 = 1,022.04; the residual 1,037.36 on the last
        { period: 2, principalCutFen: 102_204n, interestCutFen: 6_045n },
        { period: 3, principalCutFen: 103_736n, interestCutFen: 3_045n },
      ],
    });
  });

  it('a full refund returns all the unpaid interest; what was repaid is not refundable', () => {
    const full = planRefund(SCHEDULE, 1_200_000n);
    expect(full.ok && full.interestReturnedFen).toBe(36_179n);
    const paid = [inst(1, 'paid', 394_060, 18_000, 394_060, 18_000), SCHEDULE[1]!, SCHEDULE[2]!];
    expect(planRefund(paid, 805_941n)).toMatchObject({ ok: false, code: 'refund_exceeds_refundable' });
    expect(planRefund(paid, 0n)).toMatchObject({ ok: false, code: 'refund_amount_invalid' });
  });

  it('never cuts more principal or interest than is unpaid, and the principal cuts sum to the refund (property)', () => {
    const installment = fc.record({
      principal: fc.integer({ min: 0, max: 10_000_000 }),
      interest: fc.integer({ min: 0, max: 1_000_000 }),
      paidShare: fc.integer({ min: 0, max: 100 }),
      state: fc.constantFrom('pending', 'billed', 'overdue', 'paid') as fc.Arbitrary<RefundableInstallment['state']>,
    });
    fc.assert(
      fc.property(fc.array(installment, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 100 }), (rows, pct) => {
        const list = rows.map((r, k) => {
          const paidP = r.state === 'paid' ? r.principal : r.state === 'pending' ? 0 : Math.floor((r.principal * r.paidShare) / 100);
          const paidI = r.state === 'paid' ? r.interest : r.state === 'pending' ? 0 : Math.floor((r.interest * r.paidShare) / 100);
          return inst(k + 1, r.state, r.principal, r.interest, paidP, paidI);
        });
        const unpaid = list.filter((i) => i.state !== 'paid').reduce((s, i) => s + i.principalFen - i.paidPrincipalFen, 0n);
        const refund = (unpaid * BigInt(pct)) / 100n;
        const plan = planRefund(list, refund);
        if (refund === 0n) return !plan.ok;
        if (!plan.ok) return false;
        const byPeriod = new Map(list.map((i) => [i.period, i]));
        let principal = 0n;
        for (const c of plan.cuts) {
          const i = byPeriod.get(c.period)!;
          if (c.principalCutFen < 0n || c.interestCutFen < 0n) return false;
          if (c.principalCutFen > i.principalFen - i.paidPrincipalFen) return false;
          if (c.interestCutFen > i.interestFen - i.paidInterestFen) return false;
          principal += c.principalCutFen;
        }
        return principal === refund;
      }),
    );
  });
});
