import fc from 'fast-check';
import { defaultTenantConfig } from '@countypay/contracts';
import {
  accountDeltas,
  isBalanced,
  paymentSucceededEntry,
  refundSucceededEntry,
  splitReleasedEntry,
  splitReversedEntry,
  splitSucceededEntry,
} from './posting-rules';
import { accountSpec } from './chart-of-accounts';

const M = '6f1c0e7e-3f5a-4f57-9a38-3c4c1f2b9d10';
const R = '0b6c2a51-2f0e-4a0e-9d7e-5a3c1b2d4e6f';
const plan = defaultTenantConfig().feePlan;

describe('profit-sharing posting rules', () => {
  it('a shared 100.00 yuan order: the net 99.45 goes to the merchant escrow, not its payable', () => {
    const e = paymentSucceededEntry({ amountFen: 10_000n, product: 'acquiring', channel: 'wechat', merchantId: M, feePlan: plan, escrow: true });
    expect(e.lines).toEqual([
      { account: 'channel_receivable:wechat', direction: 'debit', amountFen: 10_000n },
      { account: `merchant_escrow:${M}`, direction: 'credit', amountFen: 9_945n },
      { account: 'fee_income', direction: 'credit', amountFen: 55n },
    ]);
    expect(accountSpec(`merchant_escrow:${M}`)).toEqual({ type: 'liability', normalSide: 'credit' });
  });

  it('split 30.00 to a receiver and 10.00 to the merchant, release 59.45, reverse 10.55, refund 80.00 of which 80.00 from escrow: escrow ends at 0', () => {
    const entries = [
      paymentSucceededEntry({ amountFen: 10_000n, product: 'acquiring', channel: 'wechat', merchantId: M, feePlan: plan, escrow: true }),
      splitSucceededEntry(M, [
        { merchantId: R, amountFen: 3_000n },
        { merchantId: M, amountFen: 1_000n },
      ]),
      splitReleasedEntry(M, 5_945n),
      splitReversedEntry(M, [{ merchantId: R, amountFen: 1_055n }]),
      refundSucceededEntry({ amountFen: 8_000n, channel: 'wechat', merchantId: M, escrowFen: 1_055n }),
    ];
    const balance = new Map<string, bigint>();
    for (const e of entries) {
      expect(isBalanced(e.lines)).toBe(true);
      for (const d of accountDeltas(e.lines)) balance.set(d.account, (balance.get(d.account) ?? 0n) + d.creditsFen - d.debitsFen);
    }
    expect(balance.get(`merchant_escrow:${M}`)).toBe(0n);
    expect(balance.get(`merchant_payable:${R}`)).toBe(1_945n);
    expect(balance.get(`merchant_payable:${M}`)).toBe(1_000n + 5_945n - (8_000n - 1_055n));
    expect(balance.get('channel_receivable:wechat')).toBe(-2_000n); // a debit balance of 20.00 still owed by the channel
  });

  it('every sharing entry balances, with positive lines only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10_000_000n }), { minLength: 1, maxLength: 50 }),
        fc.bigInt({ min: 1n, max: 10_000_000n }),
        (shares, x) => {
          const s = shares.map((amountFen, i) => ({ merchantId: `${i}`.padStart(8, '0') + R.slice(8), amountFen }));
          for (const e of [splitSucceededEntry(M, s), splitReversedEntry(M, s), splitReleasedEntry(M, x)]) expect(isBalanced(e.lines)).toBe(true);
        },
      ),
    );
  });

  it('a refund’s escrow part lies within the refund less a returned fee', () => {
    expect(() => refundSucceededEntry({ amountFen: 100n, channel: 'wechat', merchantId: M, escrowFen: 101n })).toThrow(RangeError);
    expect(() => refundSucceededEntry({ amountFen: 100n, channel: 'wechat', merchantId: M, returnedFeeFen: 10n, escrowFen: 91n })).toThrow(RangeError);
    expect(refundSucceededEntry({ amountFen: 100n, channel: 'wechat', merchantId: M, escrowFen: 100n }).lines).toEqual([
      { account: `merchant_escrow:${M}`, direction: 'debit', amountFen: 100n },
      { account: 'channel_receivable:wechat', direction: 'credit', amountFen: 100n },
    ]);
  });
});
