import fc from 'fast-check';
import {
  decideSplit,
  escrowFen,
  planRefundDraw,
  receiverCapFen,
  splittableFen,
  type EscrowPosition,
  type ReversibleSplit,
  type ShareRequest,
} from './split-rules';

const M = 'merchant-of-the-order';
const R1 = 'receiver-1';
const R2 = 'receiver-2';

const fresh = (amountFen: bigint, feeFen: bigint): EscrowPosition => ({
  amountFen,
  feeFen,
  splitFen: 0n,
  splitToOthersFen: 0n,
  releasedFen: 0n,
  refundedFromEscrowFen: 0n,
});

const split = (p: EscrowPosition, shares: ShareRequest[], over: Partial<Parameters<typeof decideSplit>[0]> = {}) =>
  decideSplit({ orderState: 'succeeded', finished: false, orderMerchantId: M, position: p, refundsCommittedFen: 0n, capBp: 3000, shares, ...over });

describe('split decisions by scenario', () => {
  it('a 100.00 yuan order, fee 0.55: 30.00 to a receiver and 69.45 to the merchant itself is exactly the net', () => {
    const d = split(fresh(10_000n, 55n), [
      { merchantId: R1, amountFen: 3_000n },
      { merchantId: M, amountFen: 6_945n },
    ]);
    expect(d).toEqual({ ok: true, totalFen: 9_945n, toOthersFen: 3_000n });
  });

  it('one fen over the net is refused as split_exceeds_available, naming what is left', () => {
    const d = split(fresh(10_000n, 55n), [{ merchantId: M, amountFen: 9_946n }]);
    expect(d).toMatchObject({ ok: false, code: 'split_exceeds_available', availableFen: 9_945n });
  });

  it('30.01 yuan to receivers of a 100.00 yuan order is over the 30% cap; the merchant itself is not capped', () => {
    expect(split(fresh(10_000n, 55n), [{ merchantId: R1, amountFen: 3_001n }])).toMatchObject({
      ok: false,
      code: 'split_receiver_cap_exceeded',
      capFen: 3_000n,
    });
    expect(split(fresh(10_000n, 55n), [{ merchantId: M, amountFen: 5_000n }])).toMatchObject({ ok: true });
  });

  it('the cap counts earlier splits to other receivers', () => {
    const p = { ...fresh(10_000n, 55n), splitFen: 2_000n, splitToOthersFen: 2_000n };
    expect(split(p, [{ merchantId: R2, amountFen: 1_001n }])).toMatchObject({ ok: false, code: 'split_receiver_cap_exceeded' });
    expect(split(p, [{ merchantId: R2, amountFen: 1_000n }])).toMatchObject({ ok: true });
  });

  it('refunds (pending ones too) and releases leave less to split; a finished or unpaid order is not splittable', () => {
    expect(split(fresh(10_000n, 55n), [{ merchantId: M, amountFen: 4_946n }], { refundsCommittedFen: 5_000n })).toMatchObject({
      code: 'split_exceeds_available',
      availableFen: 4_945n,
    });
    expect(split(fresh(10_000n, 55n), [{ merchantId: M, amountFen: 1n }], { finished: true })).toMatchObject({ code: 'order_not_splittable' });
    expect(split(fresh(10_000n, 55n), [{ merchantId: M, amountFen: 1n }], { orderState: 'paying' })).toMatchObject({ code: 'order_not_splittable' });
  });

  it('refuses 51 receivers, a receiver twice and a zero share', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ merchantId: `r${i}`, amountFen: 1n }));
    expect(split(fresh(100_000n, 0n), many, { capBp: 10_000 })).toMatchObject({ code: 'invalid_request' });
    expect(
      split(fresh(10_000n, 0n), [
        { merchantId: R1, amountFen: 1n },
        { merchantId: R1, amountFen: 1n },
      ]),
    ).toMatchObject({ code: 'invalid_request' });
    expect(split(fresh(10_000n, 0n), [{ merchantId: R1, amountFen: 0n }])).toMatchObject({ code: 'invalid_request' });
  });

  it('a refund of 80.00 yuan after a 30.00 split of a 100.00 yuan order: 69.45 from escrow, 10.55 reversed from the receiver', () => {
    const d = planRefundDraw(8_000n, 6_945n, [{ splitId: 's1', shares: [{ lineNo: 1, merchantId: R1, remainingFen: 3_000n }] }]);
    expect(d).toEqual({
      fromEscrowFen: 8_000n,
      reversals: [{ splitId: 's1', shares: [{ lineNo: 1, merchantId: R1, amountFen: 1_055n }] }],
      fromPayableFen: 0n,
    });
  });

  it('a full refund after everything was split and released: reversals, then the merchant payable pays the rest', () => {
    const d = planRefundDraw(10_000n, 0n, [{ splitId: 's1', shares: [{ lineNo: 1, merchantId: R1, remainingFen: 3_000n }] }]);
    expect(d).toEqual({
      fromEscrowFen: 3_000n,
      reversals: [{ splitId: 's1', shares: [{ lineNo: 1, merchantId: R1, amountFen: 3_000n }] }],
      fromPayableFen: 7_000n,
    });
  });
});

// ---- properties: a random life of a shared order, through the domain rules, against a model ledger

type Op = { kind: 'split'; shares: Array<{ to: 'M' | 'R1' | 'R2' | 'R3'; amountFen: bigint }> } | { kind: 'refund'; amountFen: bigint } | { kind: 'release' };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('split' as const),
    shares: fc.uniqueArray(
      fc.record({ to: fc.constantFrom('M' as const, 'R1' as const, 'R2' as const, 'R3' as const), amountFen: fc.bigInt({ min: 1n, max: 50_000n }) }),
      {
        minLength: 1,
        maxLength: 4,
        selector: (s) => s.to,
      },
    ),
  }),
  fc.record({ kind: fc.constant('refund' as const), amountFen: fc.bigInt({ min: 1n, max: 80_000n }) }),
  fc.record({ kind: fc.constant('release' as const) }),
);

describe('split and refund arithmetic (properties)', () => {
  it('never negative, never above what is available, always balanced: escrow + payables + refunds = the net', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 100_000n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(arbOp, { maxLength: 25 }),
        (amountFen, feeBp, capBp, ops) => {
          const fee = (amountFen * BigInt(feeBp)) / 10_000n / 10n; // at most 10% of the amount
          const p = fresh(amountFen, fee);
          const payable = new Map<string, bigint>(); // the model ledger's merchant payables
          const credit = (m: string, v: bigint) => payable.set(m, (payable.get(m) ?? 0n) + v);
          let refunded = 0n;
          let finished = false;
          const splits: Array<{ splitId: string; shares: Array<{ lineNo: number; merchantId: string; remainingFen: bigint }> }> = [];
          for (const [i, op] of ops.entries()) {
            if (op.kind === 'split') {
              const shares = op.shares.map((s) => ({ merchantId: s.to === 'M' ? M : s.to, amountFen: s.amountFen }));
              const before = splittableFen(p, refunded);
              const d = decideSplit({ orderState: 'succeeded', finished, orderMerchantId: M, position: p, refundsCommittedFen: refunded, capBp, shares });
              if (!d.ok) continue;
              expect(d.totalFen).toBeLessThanOrEqual(before); // never above what is available
              p.splitFen += d.totalFen;
              p.splitToOthersFen += d.toOthersFen;
              for (const s of shares) credit(s.merchantId, s.amountFen);
              splits.unshift({ splitId: `s${i}`, shares: shares.map((s, n) => ({ lineNo: n + 1, merchantId: s.merchantId, remainingFen: s.amountFen })) });
            } else if (op.kind === 'release') {
              if (finished) continue;
              const x = escrowFen(p);
              p.releasedFen += x;
              credit(M, x);
              finished = true;
            } else {
              if (refunded + op.amountFen > amountFen) continue; // the refund rules refuse more than was paid
              const draw = planRefundDraw(op.amountFen, escrowFen(p), splits as ReversibleSplit[]);
              expect(draw.fromEscrowFen + draw.fromPayableFen).toBe(op.amountFen);
              expect(draw.fromEscrowFen).toBeGreaterThanOrEqual(0n);
              expect(draw.fromPayableFen).toBeGreaterThanOrEqual(0n);
              for (const rev of draw.reversals)
                for (const s of rev.shares) {
                  const line = splits.find((x) => x.splitId === rev.splitId)?.shares.find((x) => x.lineNo === s.lineNo);
                  if (!line) throw new Error('reversal of an unknown share');
                  expect(s.amountFen).toBeGreaterThan(0n);
                  expect(s.amountFen).toBeLessThanOrEqual(line.remainingFen);
                  line.remainingFen -= s.amountFen;
                  p.splitFen -= s.amountFen;
                  if (s.merchantId !== M) p.splitToOthersFen -= s.amountFen;
                  credit(s.merchantId, -s.amountFen);
                }
              p.refundedFromEscrowFen += draw.fromEscrowFen;
              credit(M, -draw.fromPayableFen);
              refunded += op.amountFen;
            }
            // invariants after every step
            expect(escrowFen(p)).toBeGreaterThanOrEqual(0n);
            expect(p.splitToOthersFen).toBeGreaterThanOrEqual(0n);
            expect(p.splitToOthersFen).toBeLessThanOrEqual(p.splitFen);
            for (const [m, v] of payable) if (m !== M) expect(v).toBeGreaterThanOrEqual(0n); // a receiver never gives back more than it got
            const payables = [...payable.values()].reduce((a, v) => a + v, 0n);
            // balanced: what the channel took, less the fee, is in escrow, in payables, or went back to the payer
            expect(escrowFen(p) + payables + refunded).toBe(amountFen - fee);
          }
          expect(p.splitToOthersFen).toBeLessThanOrEqual(receiverCapFen(amountFen, capBp) + 0n);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a refund draw never takes more from escrow than it holds plus what was reversible', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 1_000_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        fc.array(fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { minLength: 1, maxLength: 5 }), { maxLength: 5 }),
        (refund, held, splitShares) => {
          const reversible = splitShares.map((xs, i) => ({
            splitId: `s${i}`,
            shares: xs.map((v, n) => ({ lineNo: n + 1, merchantId: `r${n}`, remainingFen: v })),
          }));
          const total = splitShares.flat().reduce((a, v) => a + v, 0n);
          const d = planRefundDraw(refund, held, reversible);
          expect(d.fromEscrowFen).toBeLessThanOrEqual(held + total);
          expect(d.fromEscrowFen + d.fromPayableFen).toBe(refund);
          expect(d.fromPayableFen === 0n || d.fromEscrowFen === held + total).toBe(true); // the payable is the last resort
          const reversed = d.reversals.flatMap((r) => r.shares).reduce((a, s) => a + s.amountFen, 0n);
          expect(reversed).toBe(d.fromEscrowFen - (held < refund ? held : refund));
        },
      ),
      { numRuns: 500 },
    );
  });
});
