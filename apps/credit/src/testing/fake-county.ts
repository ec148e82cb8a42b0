import { ChannelTimeoutError } from '@countypay/payment-intake';
import type { CashRefundAnswer, DebitAnswer } from '../sms/core-banking.client';

/**
 * The county's external systems as the credit service sees them, in memory for its integration
 * tests: the SMS gateway (messages kept per mobile) and core-banking repayment debits (balances per
 * account, once per reference — the channel sandbox's contract, tested there against PostgreSQL).
 */
export class FakeCounty {
  readonly sms: { tenantId: string; mobile: string; text: string }[] = [];
  readonly balances = new Map<string, bigint>();
  readonly debits: { tenantId: string; accountNo: string; amountFen: number; reference: string; status: string }[] = [];
  private readonly done = new Set<string>();
  /** cash refunds credited, per reference (once each) */
  readonly cashRefunds = new Map<string, { accountNo: string; amountFen: number }>();
  /** accounts the bank refuses to credit (frozen) */
  readonly frozen = new Set<string>();
  /** the next cash refund to these accounts is made, but its answer is lost (a timeout after processing) */
  readonly loseNextAnswer = new Set<string>();

  readonly smsClient = {
    send: async (tenantId: string, mobile: string, text: string): Promise<void> => {
      this.sms.push({ tenantId, mobile, text });
    },
  };

  readonly coreClient = {
    debit: async (tenantId: string, accountNo: string, amountFen: number, reference: string): Promise<DebitAnswer> => {
      const key = `${tenantId}:${reference}`;
      if (this.done.has(key)) return { status: 'succeeded' };
      const balance = this.balances.get(accountNo);
      if (balance === undefined) return this.log(tenantId, accountNo, amountFen, reference, { status: 'declined', reason: 'account_not_found' });
      if (balance < BigInt(amountFen)) return this.log(tenantId, accountNo, amountFen, reference, { status: 'declined', reason: 'insufficient_funds' });
      this.balances.set(accountNo, balance - BigInt(amountFen));
      this.done.add(key);
      return this.log(tenantId, accountNo, amountFen, reference, { status: 'succeeded' });
    },
    refundCredit: async (tenantId: string, accountNo: string, amountFen: number, reference: string): Promise<CashRefundAnswer> => {
      const key = `${tenantId}:${reference}`;
      if (this.cashRefunds.has(key)) return { status: 'succeeded' };
      const balance = this.balances.get(accountNo);
      if (balance === undefined) return { status: 'failed', reason: 'account_not_found' };
      if (this.frozen.has(accountNo)) return { status: 'failed', reason: 'account_frozen' };
      this.balances.set(accountNo, balance + BigInt(amountFen));
      this.cashRefunds.set(key, { accountNo, amountFen });
      if (this.loseNextAnswer.delete(accountNo)) throw new ChannelTimeoutError('POST /core/{tenant}/credit-refunds');
      return { status: 'succeeded' };
    },
    refundCredited: async (tenantId: string, reference: string): Promise<boolean> => this.cashRefunds.has(`${tenantId}:${reference}`),
  };

  /** The consent code last sent to `mobile`. */
  lastCode(mobile: string): string {
    const m = [...this.sms].reverse().find((s) => s.mobile === mobile);
    const code = m && /验证码 (\d{6})/.exec(m.text)?.[1];
    if (!code) throw new Error(`no consent code sent to ${mobile}`);
    return code;
  }

  private log(tenantId: string, accountNo: string, amountFen: number, reference: string, a: DebitAnswer): DebitAnswer {
    this.debits.push({ tenantId, accountNo, amountFen, reference, status: a.status });
    return a;
  }
}
