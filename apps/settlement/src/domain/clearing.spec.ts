import fc from 'fast-check';
import { approvalsRequired, clearItem, clearWindow, grossOf, noActivity, tieOut, type ClearingPolicy, type MerchantActivity } from './clearing';

const T1: ClearingPolicy = { cycle: 'T1', reserveBp: 0, holds: new Map() };
const act = (merchantId: string, paymentsFen: bigint, refundsFen: bigint, feesFen: bigint): MerchantActivity => ({
  ...noActivity(merchantId),
  paymentCount: 1,
  paymentsFen,
  refundCount: refundsFen > 0n ? 1 : 0,
  refundsFen,
  feesFen,
});

describe('clearing', () => {
  it('nets 1000.00 of payments, 100.00 refunded and 3.80 fees to a 896.20 T+1 payout', () => {
    expect(clearItem(act('m1', 100_000n, 10_000n, 380n), T1)).toMatchObject({
      grossFen: 90_000n,
      netFen: 89_620n,
      reserveFen: 0n,
      payoutFen: 89_620n,
      status: 'payable',
    });
  });

  it('keeps a D+0 reserve back: 10% of 896.20 is 89.62, 806.58 paid', () => {
    const d0: ClearingPolicy = { cycle: 'D0', reserveBp: 1_000, holds: new Map() };
    expect(clearItem(act('m1', 100_000n, 10_000n, 380n), d0)).toMatchObject({ netFen: 89_620n, reserveFen: 8_962n, payoutFen: 80_658n });
  });

  it('rounds the reserve down (the merchant is never short-paid by rounding)', () => {
    const d0: ClearingPolicy = { cycle: 'D0', reserveBp: 333, holds: new Map() };
    expect(clearItem(act('m', 1_001n, 0n, 0n), d0)).toMatchObject({ reserveFen: 33n, payoutFen: 968n });
  });

  it('holds a held merchant: nothing paid, the net stays payable with the reason', () => {
    const held: ClearingPolicy = { ...T1, holds: new Map([['m1', '疑似套现，暂缓结算']]) };
    expect(clearItem(act('m1', 5_000n, 0n, 19n), held)).toMatchObject({ status: 'held', payoutFen: 0n, netFen: 4_981n, holdReason: '疑似套现，暂缓结算' });
  });

  it('carries a net ≤ 0 (refunds beyond payments) to the next window, paying nothing', () => {
    expect(clearItem(act('m1', 1_000n, 3_000n, 4n), T1)).toMatchObject({ status: 'carried', netFen: -2_004n, payoutFen: 0n });
    expect(clearItem(act('m1', 0n, 0n, 0n), T1)).toMatchObject({ status: 'carried', netFen: 0n });
  });

  it('brings forward an earlier held net and a D+0 reserve: 50.00 new + 30.00 brought forward, 10% reserve → 72.00 paid', () => {
    const d0: ClearingPolicy = { cycle: 'D0', reserveBp: 1_000, holds: new Map() };
    const item = clearItem({ ...act('m', 5_000n, 0n, 0n), broughtForwardFen: 3_000n }, d0);
    expect(item).toMatchObject({ grossFen: 5_000n, netFen: 8_000n, reserveFen: 800n, payoutFen: 7_200n });
    expect(tieOut([item], 5_000n)).toMatchObject({ broughtForwardFen: 3_000n, balanced: true });
  });

  it('sorts items by merchant and ties out: Σ payouts + Σ fees + Σ reserves + Σ held + Σ carried = Σ clearing', () => {
    const policy: ClearingPolicy = { cycle: 'D0', reserveBp: 500, holds: new Map([['b', 'hold']]) };
    const items = clearWindow([act('c', 10_000n, 0n, 38n), act('a', 20_000n, 500n, 76n), act('b', 7_000n, 0n, 27n), act('d', 100n, 900n, 1n)], policy);
    expect(items.map((i) => i.merchantId)).toEqual(['a', 'b', 'c', 'd']);
    const t = tieOut(items, 10_000n + 19_500n + 7_000n - 800n);
    expect(t.balanced).toBe(true);
    expect(t).toMatchObject({ heldFen: 6_973n, carriedFen: -801n, feeFen: 142n });
    expect(tieOut(items, 35_701n).balanced).toBe(false);
  });

  it('clears every product: 100.00 paid (0.38 fee), 20.00 refunded, 30.00 split in, 5.00 reversed out, 80.00 credit sales, −1.50 adjusted → 183.12', () => {
    const a: MerchantActivity = {
      ...act('m1', 10_000n, 2_000n, 38n),
      splitsInFen: 3_000n,
      splitsOutFen: 500n,
      creditSalesFen: 8_000n,
      adjustmentsFen: -150n,
    };
    expect(grossOf(a)).toBe(18_350n);
    expect(clearItem(a, T1)).toMatchObject({ grossFen: 18_350n, netFen: 18_312n, payoutFen: 18_312n, status: 'payable' });
  });

  it('pays a receiver of a split who sold nothing itself: splits in only', () => {
    const receiver: MerchantActivity = { ...noActivity('r1'), splitsInFen: 1_234n };
    expect(clearItem(receiver, T1)).toMatchObject({ grossFen: 1_234n, netFen: 1_234n, payoutFen: 1_234n, status: 'payable' });
  });

  it('carries a merchant whose credit sales were refunded and adjusted below zero', () => {
    const m: MerchantActivity = { ...noActivity('m2'), creditSalesFen: -3_000n, adjustmentsFen: 1_000n };
    expect(clearItem(m, T1)).toMatchObject({ grossFen: -2_000n, netFen: -2_000n, payoutFen: 0n, status: 'carried' });
  });

  it('refuses a negative split in or out (those are directions, not signs)', () => {
    expect(() => clearItem({ ...noActivity('m'), splitsOutFen: -1n }, T1)).toThrow(RangeError);
    expect(() => clearItem({ ...noActivity('m'), splitsInFen: -1n }, T1)).toThrow(RangeError);
  });

  it('ties out for any activity and policy (property)', () => {
    const activity = fc.record({
      merchantId: fc.string({ minLength: 1, maxLength: 4 }),
      paymentCount: fc.nat(100),
      paymentsFen: fc.bigInt(0n, 10n ** 12n),
      refundCount: fc.nat(100),
      refundsFen: fc.bigInt(0n, 10n ** 12n),
      feesFen: fc.bigInt(-(10n ** 6n), 10n ** 9n),
      splitsInFen: fc.bigInt(0n, 10n ** 12n),
      splitsOutFen: fc.bigInt(0n, 10n ** 12n),
      creditSalesFen: fc.bigInt(-(10n ** 12n), 10n ** 12n),
      adjustmentsFen: fc.bigInt(-(10n ** 9n), 10n ** 9n),
      broughtForwardFen: fc.bigInt(-(10n ** 9n), 10n ** 9n),
    });
    fc.assert(
      fc.property(
        fc.array(activity, { maxLength: 30 }),
        fc.constantFrom<'T1' | 'D0'>('T1', 'D0'),
        fc.integer({ min: 0, max: 10_000 }),
        (acts, cycle, reserveBp) => {
          const holds = new Map(acts.filter((_, i) => i % 3 === 0).map((a) => [a.merchantId, 'held'] as const));
          const items = clearWindow(acts, { cycle, reserveBp, holds });
          // the clearing total as the ledger gives it: each merchant's payable movement plus its fees
          const clearing = acts.reduce((s, a) => s + a.paymentsFen - a.refundsFen + a.splitsInFen - a.splitsOutFen + a.creditSalesFen + a.adjustmentsFen, 0n);
          const t = tieOut(items, clearing);
          expect(t.balanced).toBe(true);
          expect(t.broughtForwardFen).toBe(acts.reduce((s, a) => s + a.broughtForwardFen, 0n));
          for (const i of items) expect(i.payoutFen >= 0n && i.reserveFen >= 0n && i.payoutFen <= (i.netFen > 0n ? i.netFen : 0n)).toBe(true);
        },
      ),
    );
  });

  it('asks two approvals strictly above the threshold, one at or below it', () => {
    expect(approvalsRequired(1_000_000n, 1_000_000n)).toBe(1);
    expect(approvalsRequired(1_000_001n, 1_000_000n)).toBe(2);
  });
});
