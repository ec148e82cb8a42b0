import { trialBalanceOf } from './ledger.service';
import type { BalanceRecord } from './ledger.repository';

const row = (account: string, normalSide: 'debit' | 'credit', debitsFen: bigint, creditsFen: bigint): BalanceRecord => ({
  account,
  accountType: normalSide === 'debit' ? 'asset' : 'liability',
  normalSide,
  debitsFen,
  creditsFen,
  balanceFen: normalSide === 'debit' ? debitsFen - creditsFen : creditsFen - debitsFen,
  postingCount: 1,
  updatedAt: new Date(0),
});

describe('trial balance', () => {
  it('puts each balance in its column: 100.00 paid, 30.00 refunded, 0.38 fee → 70.00 = 69.62 + 0.38', () => {
    const tb = trialBalanceOf(
      [row('channel_receivable:wechat', 'debit', 10_000n, 3_000n), row('fee_income', 'credit', 0n, 38n), row('merchant_payable:m', 'credit', 3_000n, 9_962n)],
      new Date('2026-11-27T00:00:00Z'),
    );
    expect(tb.accounts.map((a) => [a.account, a.debitFen, a.creditFen])).toEqual([
      ['channel_receivable:wechat', 7_000, 0],
      ['fee_income', 0, 38],
      ['merchant_payable:m', 0, 6_962],
    ]);
    expect(tb).toMatchObject({ debitsFen: 7_000, creditsFen: 7_000, balanced: true, currency: 'CNY', asOf: '2026-11-27T00:00:00.000Z' });
  });

  it('shows a merchant refunded beyond its payable in the debit column, and says so when columns disagree', () => {
    const tb = trialBalanceOf([row('merchant_payable:m', 'credit', 500n, 200n), row('fee_income', 'credit', 0n, 1n)], new Date(0));
    expect(tb.accounts[0]).toMatchObject({ debitFen: 300, creditFen: 0 });
    expect(tb).toMatchObject({ debitsFen: 300, creditsFen: 1, balanced: false });
  });
});
