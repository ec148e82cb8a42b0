import fc from 'fast-check';
import { defaultTenantConfig, PAYMENT_CHANNELS, PAYMENT_PRODUCTS } from '@countypay/contracts';
import { accountSpec, normalBalance } from './chart-of-accounts';
import {
  accountDeltas,
  isBalanced,
  paymentSucceededEntry,
  proRataReturnedFee,
  refundSucceededEntry,
  selectFeeRule,
  totals,
  type FeeRuleLike,
} from './posting-rules';

const M = '6f1c0e7e-3f5a-4f57-9a38-3c4c1f2b9d10';
const plan = defaultTenantConfig().feePlan;

const arbRule: fc.Arbitrary<FeeRuleLike> = fc.record({
  product: fc.constantFrom(...PAYMENT_PRODUCTS),
  channel: fc.constantFrom(...PAYMENT_CHANNELS, '*'),
  rateBp: fc.integer({ min: 0, max: 10_000 }),
  minFeeFen: fc.integer({ min: 0, max: 100_000 }),
});
const arbAmount = fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) });

describe('posting rules', () => {
  it('a 100.00 yuan QR WeChat payment at 38 bp, min 0.01: fee 0.38, merchant 99.62', () => {
    const e = paymentSucceededEntry({ amountFen: 10_000n, product: 'qr', channel: 'wechat', merchantId: M, feePlan: plan });
    expect(e.feeFen).toBe(38n);
    expect(e.feeRule).toEqual({ channel: '*', rateBp: 38, minFeeFen: 1n });
    expect(e.lines).toEqual([
      { account: 'channel_receivable:wechat', direction: 'debit', amountFen: 10_000n },
      { account: `merchant_payable:${M}`, direction: 'credit', amountFen: 9_962n },
      { account: 'fee_income', direction: 'credit', amountFen: 38n },
    ]);
  });

  it('a 100.00 yuan QR county-bank payment uses the exact-channel rule (20 bp): fee 0.20, merchant 99.80', () => {
    const e = paymentSucceededEntry({ amountFen: 10_000n, product: 'qr', channel: 'county_bank', merchantId: M, feePlan: plan });
    expect(e.feeFen).toBe(20n);
    expect(e.lines[1]).toEqual({ account: `merchant_payable:${M}`, direction: 'credit', amountFen: 9_980n });
  });

  it('a 3,000.00 yuan QR payment with county credit comes from credit clearing (the drawdown credits it): the merchant gets 2,988.60 once, the fee 11.40', () => {
    const e = paymentSucceededEntry({ amountFen: 300_000n, product: 'qr', channel: 'county_credit', merchantId: M, feePlan: plan });
    expect(e.lines).toEqual([
      { account: 'credit_clearing', direction: 'debit', amountFen: 300_000n },
      { account: `merchant_payable:${M}`, direction: 'credit', amountFen: 298_860n },
      { account: 'fee_income', direction: 'credit', amountFen: 1_140n },
    ]);
    // its refund goes back to credit clearing (the drawdown's refund takes it out of the loan book)
    const r = refundSucceededEntry({ amountFen: 100_000n, channel: 'county_credit', merchantId: M });
    expect(r.lines).toEqual([
      { account: `merchant_payable:${M}`, direction: 'debit', amountFen: 100_000n },
      { account: 'credit_clearing', direction: 'credit', amountFen: 100_000n },
    ]);
  });

  it('a 0.01 yuan payment at the minimum fee 0.01 leaves the merchant nothing: two lines, no zero posting', () => {
    const e = paymentSucceededEntry({ amountFen: 1n, product: 'qr', channel: 'alipay', merchantId: M, feePlan: plan });
    expect(e.feeFen).toBe(1n);
    expect(e.lines).toEqual([
      { account: 'channel_receivable:alipay', direction: 'debit', amountFen: 1n },
      { account: 'fee_income', direction: 'credit', amountFen: 1n },
    ]);
  });

  it('a product without a fee rule is fee-free: 50.00 yuan all to the merchant', () => {
    const e = paymentSucceededEntry({ amountFen: 5_000n, product: 'credit', channel: 'unionpay', merchantId: M, feePlan: [] });
    expect(e.feeFen).toBe(0n);
    expect(e.feeRule).toBeNull();
    expect(e.lines.map((l) => l.amountFen)).toEqual([5_000n, 5_000n]);
  });

  it('a 30.00 yuan refund takes 30.00 from the merchant payable back to the channel; the fee is not returned', () => {
    const e = refundSucceededEntry({ amountFen: 3_000n, channel: 'wechat', merchantId: M });
    expect(e.feeFen).toBe(0n);
    expect(e.lines).toEqual([
      { account: `merchant_payable:${M}`, direction: 'debit', amountFen: 3_000n },
      { account: 'channel_receivable:wechat', direction: 'credit', amountFen: 3_000n },
    ]);
  });

  it('pays 100.00, refunds 100.00: the merchant keeps −0.38 (bears the fee), fee income keeps 0.38, the channel owes 0', () => {
    const pay = paymentSucceededEntry({ amountFen: 10_000n, product: 'qr', channel: 'wechat', merchantId: M, feePlan: plan });
    const ref = refundSucceededEntry({ amountFen: 10_000n, channel: 'wechat', merchantId: M });
    const bal = new Map<string, bigint>();
    for (const d of accountDeltas([...pay.lines, ...ref.lines])) bal.set(d.account, normalBalance(accountSpec(d.account), d.debitsFen, d.creditsFen));
    expect(Object.fromEntries(bal)).toEqual({ 'channel_receivable:wechat': 0n, [`merchant_payable:${M}`]: -38n, fee_income: 38n });
  });

  it('picks the exact channel over *, and * when there is no exact rule', () => {
    expect(selectFeeRule(plan, 'qr', 'county_bank')?.rateBp).toBe(20);
    expect(selectFeeRule(plan, 'qr', 'unionpay')?.rateBp).toBe(38);
    const starLast: FeeRuleLike[] = [
      { product: 'acquiring', channel: '*', rateBp: 55, minFeeFen: 1 },
      { product: 'acquiring', channel: 'alipay', rateBp: 30, minFeeFen: 0 },
    ];
    expect(selectFeeRule(starLast, 'acquiring', 'alipay')?.rateBp).toBe(30);
    expect(selectFeeRule(starLast, 'qr', 'alipay')).toBeUndefined();
  });

  it('every payment entry balances, its fee never exceeds the amount, and no posting is zero or negative', () => {
    fc.assert(
      fc.property(
        arbAmount,
        fc.constantFrom(...PAYMENT_PRODUCTS),
        fc.constantFrom(...PAYMENT_CHANNELS),
        fc.array(arbRule, { maxLength: 8 }),
        (amountFen, product, channel, feePlan) => {
          const e = paymentSucceededEntry({ amountFen, product, channel, merchantId: M, feePlan });
          expect(isBalanced(e.lines)).toBe(true);
          expect(e.feeFen).toBeGreaterThanOrEqual(0n);
          expect(e.feeFen).toBeLessThanOrEqual(amountFen);
          const t = totals(e.lines);
          expect(t.debitsFen).toBe(amountFen);
          const merchant = e.lines.find((l) => l.account.startsWith('merchant_payable:'))?.amountFen ?? 0n;
          const fee = e.lines.find((l) => l.account === 'fee_income')?.amountFen ?? 0n;
          expect(merchant + fee).toBe(amountFen);
          expect(fee).toBe(e.feeFen);
          for (const l of e.lines) expect(() => accountSpec(l.account)).not.toThrow();
        },
      ),
    );
  });

  it('every refund entry balances and moves exactly the refund amount', () => {
    fc.assert(
      fc.property(arbAmount, fc.constantFrom(...PAYMENT_CHANNELS), (amountFen, channel) => {
        const e = refundSucceededEntry({ amountFen, channel, merchantId: M });
        expect(isBalanced(e.lines)).toBe(true);
        expect(totals(e.lines)).toEqual({ debitsFen: amountFen, creditsFen: amountFen });
      }),
    );
  });

  it('any sequence of payments and refunds keeps the ledger balanced: Σ debit balances = Σ credit balances', () => {
    const arbEvent = fc.oneof(
      fc.record({
        kind: fc.constant('pay' as const),
        amountFen: arbAmount,
        channel: fc.constantFrom(...PAYMENT_CHANNELS),
        product: fc.constantFrom(...PAYMENT_PRODUCTS),
      }),
      fc.record({ kind: fc.constant('refund' as const), amountFen: arbAmount, channel: fc.constantFrom(...PAYMENT_CHANNELS) }),
    );
    fc.assert(
      fc.property(fc.array(arbEvent, { maxLength: 30 }), fc.array(arbRule, { maxLength: 8 }), (events, feePlan) => {
        const lines = events.flatMap((ev) =>
          ev.kind === 'pay'
            ? paymentSucceededEntry({ amountFen: ev.amountFen, product: ev.product, channel: ev.channel, merchantId: M, feePlan }).lines
            : refundSucceededEntry({ amountFen: ev.amountFen, channel: ev.channel, merchantId: M }).lines,
        );
        let debitSide = 0n; // Σ balances of debit-normal accounts
        let creditSide = 0n;
        for (const d of accountDeltas(lines)) {
          const spec = accountSpec(d.account);
          const b = normalBalance(spec, d.debitsFen, d.creditsFen);
          if (spec.normalSide === 'debit') debitSide += b;
          else creditSide += b;
        }
        expect(debitSide).toBe(creditSide);
      }),
    );
  });

  it('groups an entry’s lines into one balance change per account', () => {
    const d = accountDeltas([
      { account: 'fee_income', direction: 'credit', amountFen: 5n },
      { account: 'channel_receivable:wechat', direction: 'debit', amountFen: 12n },
      { account: 'fee_income', direction: 'credit', amountFen: 7n },
    ]);
    expect(d).toEqual([
      { account: 'fee_income', debitsFen: 0n, creditsFen: 12n, postings: 2 },
      { account: 'channel_receivable:wechat', debitsFen: 12n, creditsFen: 0n, postings: 1 },
    ]);
  });

  it('refuses non-positive amounts and codes outside the chart', () => {
    expect(() => paymentSucceededEntry({ amountFen: 0n, product: 'qr', channel: 'wechat', merchantId: M, feePlan: plan })).toThrow(RangeError);
    expect(() => refundSucceededEntry({ amountFen: -1n, channel: 'wechat', merchantId: M })).toThrow(RangeError);
    expect(() => accountSpec('cash')).toThrow(RangeError);
    expect(() => accountSpec('merchant_payable:')).toThrow(RangeError);
  });
});

describe('refund fee returned pro rata', () => {
  it('returns 0.11 of a 0.38 fee on a 30.00 refund of 100.00, and the rest with the last refund (0.38 in all)', () => {
    const first = proRataReturnedFee({ paymentFen: 10_000n, paymentFeeFen: 38n, refundedBeforeFen: 0n, returnedBeforeFen: 0n, refundFen: 3_000n });
    expect(first).toBe(11n);
    const rest = proRataReturnedFee({ paymentFen: 10_000n, paymentFeeFen: 38n, refundedBeforeFen: 3_000n, returnedBeforeFen: 11n, refundFen: 7_000n });
    expect(first + rest).toBe(38n);
  });

  it('posts Dr merchant payable R − f, Dr fee income f, Cr channel receivable R, balanced', () => {
    const plan = refundSucceededEntry({ amountFen: 3_000n, channel: 'wechat', merchantId: 'm', returnedFeeFen: 11n });
    expect(plan.lines).toEqual([
      { account: 'merchant_payable:m', direction: 'debit', amountFen: 2_989n },
      { account: 'fee_income', direction: 'debit', amountFen: 11n },
      { account: 'channel_receivable:wechat', direction: 'credit', amountFen: 3_000n },
    ]);
    expect(isBalanced(plan.lines)).toBe(true);
    expect(plan.feeFen).toBe(11n);
  });

  it('never returns more than the fee over any split of refunds (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt(1n, 10n ** 9n),
        fc.bigInt(0n, 10n ** 6n),
        fc.array(fc.bigInt(1n, 10n ** 8n), { minLength: 1, maxLength: 8 }),
        (amount, fee, parts) => {
          const F = fee > amount ? amount : fee;
          let refunded = 0n;
          let returned = 0n;
          for (const part of parts) {
            const r = refunded + part > amount ? amount - refunded : part;
            if (r <= 0n) break;
            const f = proRataReturnedFee({ paymentFen: amount, paymentFeeFen: F, refundedBeforeFen: refunded, returnedBeforeFen: returned, refundFen: r });
            expect(f >= 0n && f <= r).toBe(true);
            refunded += r;
            returned += f;
          }
          expect(returned <= F).toBe(true);
          if (refunded === amount) expect(returned).toBe(F);
        },
      ),
    );
  });
});
