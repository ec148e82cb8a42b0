import fc from 'fast-check';
import {
  LOANS_RECEIVABLE,
  cashRefundEntry,
  creditEntryBalances,
  drawdownEntry,
  drawdownReversedEntry,
  repaymentEntry,
  type CreditPostingLine,
} from './credit-postings';

describe('credit posting rules', () => {
  it('a drawdown is a loan receivable against the merchant payable; its reversal undoes it', () => {
    expect(drawdownEntry({ principalFen: 1_200_000n, merchantId: 'm1' })).toEqual([
      { account: 'loans_receivable', direction: 'debit', amountFen: 1_200_000n },
      { account: 'merchant_payable:m1', direction: 'credit', amountFen: 1_200_000n },
    ]);
    expect(drawdownReversedEntry({ principalFen: 5n })).toEqual([
      { account: 'loans_receivable', direction: 'credit', amountFen: 5n },
      { account: 'credit_clearing', direction: 'debit', amountFen: 5n },
    ]);
  });

  it('a cash refund of repaid principal moves the merchant payable (or credit clearing) into the customers’ deposits', () => {
    const M = '6f1c0e7e-3f5a-4f57-9a38-3c4c1f2b9d10';
    expect(cashRefundEntry({ cashFen: 394_060n, merchantId: M })).toEqual([
      { account: `merchant_payable:${M}`, direction: 'debit', amountFen: 394_060n },
      { account: 'customer_deposits', direction: 'credit', amountFen: 394_060n },
    ]);
    expect(cashRefundEntry({ cashFen: 1n }).map((l) => l.account)).toEqual(['credit_clearing', 'customer_deposits']);
    expect(creditEntryBalances(cashRefundEntry({ cashFen: 5n }))).toBe(true);
    expect(() => cashRefundEntry({ cashFen: 0n })).toThrow(RangeError);
  });

  it('a repayment is split into principal, interest, fees and penalty', () => {
    expect(repaymentEntry({ amountFen: 103_015n, principalFen: 98_515n, interestFen: 4_500n, feeFen: 0n, penaltyFen: 0n })).toEqual([
      { account: 'customer_deposits', direction: 'debit', amountFen: 103_015n },
      { account: 'loans_receivable', direction: 'credit', amountFen: 98_515n },
      { account: 'interest_income', direction: 'credit', amountFen: 4_500n },
    ]);
    expect(() => repaymentEntry({ amountFen: 1n, principalFen: 2n, interestFen: 0n, feeFen: 0n, penaltyFen: 0n })).toThrow(RangeError);
  });

  it('property: every entry balances, so the ledger of every tenant stays balanced; loans receivable never goes below zero when repayments repay principal drawn', () => {
    const amt = fc.bigInt({ min: 0n, max: 10n ** 10n });
    const event = fc.oneof(
      fc.record({ kind: fc.constant('drawdown' as const), p: fc.bigInt({ min: 1n, max: 10n ** 10n }), merchant: fc.option(fc.constantFrom('m1', 'm2')) }),
      fc.record({ kind: fc.constant('repayment' as const), principal: amt, interest: amt, fee: amt, penalty: amt, extra: amt }),
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('t510122', 't510125'), fc.array(event, { maxLength: 30 })), (byTenant) => {
        for (const events of Object.values(byTenant)) {
          const ledger: CreditPostingLine[] = [];
          let receivable = 0n;
          for (const e of events) {
            let entry: CreditPostingLine[];
            if (e.kind === 'drawdown') {
              entry = drawdownEntry({ principalFen: e.p, merchantId: e.merchant });
              receivable += e.p;
            } else {
              const principal = e.principal > receivable ? receivable : e.principal;
              const amount = principal + e.interest + e.fee + e.penalty + e.extra;
              if (amount === 0n) continue;
              entry = repaymentEntry({ amountFen: amount, principalFen: principal, interestFen: e.interest, feeFen: e.fee, penaltyFen: e.penalty });
              receivable -= principal;
            }
            expect(creditEntryBalances(entry)).toBe(true);
            ledger.push(...entry);
          }
          const sum = (d: 'debit' | 'credit') => ledger.filter((l) => l.direction === d).reduce((s, l) => s + l.amountFen, 0n);
          expect(sum('debit')).toBe(sum('credit'));
          const loans = ledger.filter((l) => l.account === LOANS_RECEIVABLE).reduce((s, l) => s + (l.direction === 'debit' ? l.amountFen : -l.amountFen), 0n);
          expect(loans).toBe(receivable);
          expect(loans >= 0n).toBe(true);
        }
      }),
    );
  });
});
