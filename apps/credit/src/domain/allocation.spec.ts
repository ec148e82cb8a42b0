import fc from 'fast-check';
import { type Outstanding, allocate, totalOutstanding } from './allocation';

const item = (id: string, dueDate: string, fee: bigint, penalty: bigint, interest: bigint, principal: bigint, seq = 0): Outstanding => ({
  id,
  dueDate,
  seq,
  feeFen: fee,
  penaltyFen: penalty,
  interestFen: interest,
  principalFen: principal,
});

describe('repayment allocation', () => {
  it('pays fees, then penalty, then interest, then principal — each oldest first', () => {
    const items = [item('may', '2026-05-20', 10n, 0n, 300n, 1_000n), item('apr', '2026-04-20', 5n, 20n, 400n, 1_000n)];
    const a = allocate(items, 800n);
    expect(a.parts).toEqual([
      { id: 'apr', category: 'fee', amountFen: 5n },
      { id: 'may', category: 'fee', amountFen: 10n },
      { id: 'apr', category: 'penalty', amountFen: 20n },
      { id: 'apr', category: 'interest', amountFen: 400n },
      { id: 'may', category: 'interest', amountFen: 300n },
      { id: 'apr', category: 'principal', amountFen: 65n },
    ]);
    expect(a.remaining.map((r) => [r.id, r.principalFen, r.interestFen])).toEqual([
      ['apr', 935n, 0n],
      ['may', 1_000n, 0n],
    ]);
    expect(a.unappliedFen).toBe(0n);
  });

  it('keeps an overpayment unapplied', () => {
    const a = allocate([item('x', '2026-04-20', 0n, 0n, 1n, 2n)], 10n);
    expect(a.appliedFen).toBe(3n);
    expect(a.unappliedFen).toBe(7n);
  });

  it('property: never leaves a negative balance and conserves the amount', () => {
    const amt = fc.bigInt({ min: 0n, max: 100_000n });
    const it = fc.record({
      dueDate: fc.constantFrom('2026-04-20', '2026-05-20', '2026-06-20'),
      fee: amt,
      penalty: amt,
      interest: amt,
      principal: amt,
    });
    fc.assert(
      fc.property(fc.array(it, { maxLength: 8 }), fc.bigInt({ min: 0n, max: 1_000_000n }), (raw, pay) => {
        const items = raw.map((r, i) => item(`i${i}`, r.dueDate, r.fee, r.penalty, r.interest, r.principal, i));
        const a = allocate(items, pay);
        for (const r of a.remaining) expect(r.feeFen >= 0n && r.penaltyFen >= 0n && r.interestFen >= 0n && r.principalFen >= 0n).toBe(true);
        expect(a.appliedFen + a.unappliedFen).toBe(pay);
        expect(totalOutstanding(items) - totalOutstanding(a.remaining)).toBe(a.appliedFen);
        expect(a.parts.reduce((s, p) => s + p.amountFen, 0n)).toBe(a.appliedFen);
        // no principal is paid while any interest is still owed
        if (a.parts.some((p) => p.category === 'principal'))
          expect(a.remaining.every((r) => r.interestFen === 0n && r.feeFen === 0n && r.penaltyFen === 0n)).toBe(true);
      }),
    );
  });
});
