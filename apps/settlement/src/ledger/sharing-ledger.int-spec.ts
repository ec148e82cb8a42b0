/**
 * Profit sharing (分账) in the ledger against the real PostgreSQL (partitioned tables, non-owner
 * role): a shared payment into escrow, a split to a receiver, a release, a reversal before a
 * refund and the refund itself — each step one entry, every entry balanced, the trial balance
 * balanced, the escrow back at zero; a replayed event posts nothing.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope, PaymentSucceededData, RefundData, SplitData, SplitReleasedData, SplitReversedData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { SettlementReadModelModule } from '../read-model';
import { startTestService, testActors, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import type { LedgerEntry, TrialBalance } from './dto/ledger.responses.dto';
import { LedgerModule } from './ledger.module';
import { LedgerService } from './ledger.service';

const T = 't510121';
const APP = `app_${'c3'.repeat(10)}`;

function envelope<D extends object>(type: string, data: D, id = randomUUID()): EventEnvelope<D> {
  return { id, type, version: 1, tenantId: T, occurredAt: new Date().toISOString(), data };
}

describe('profit-sharing postings (real PostgreSQL)', () => {
  let svc: TestService;
  let ledger: LedgerService;

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule],
      grants: 'as-migrated',
    });
    ledger = svc.app.get(LedgerService);
  });

  afterAll(() => svc?.close());

  it('payment into escrow → split → release → reversal → refund: each step posted once and balanced, the escrow ends at 0', async () => {
    const merchant = randomUUID();
    const receiver = randomUUID();
    const orderId = randomUUID();
    const splitId = randomUUID();
    const refundId = randomUUID();
    const ref = { orderId, merchantId: merchant, partnerAppId: APP, product: 'acquiring' as const, channel: 'wechat' as const, currency: 'CNY' as const };
    const at = new Date().toISOString();
    const paid = envelope<PaymentSucceededData>('payment.succeeded', {
      ...ref,
      outTradeNo: 'SH-1',
      amountFen: 10_000,
      channelTradeNo: 'wx-1',
      paidAt: at,
      escrow: true,
    });
    const split = envelope<SplitData>('split.succeeded', {
      ...ref,
      amountFen: 4_000,
      at,
      splitId,
      outSplitNo: 'SP-1',
      receivers: [
        { merchantId: receiver, amountFen: 3_000 },
        { merchantId: merchant, amountFen: 1_000 },
      ],
    });
    const released = envelope<SplitReleasedData>('split.released', { ...ref, amountFen: 5_945, at, releaseId: randomUUID(), reason: 'finished' });
    const reversed = envelope<SplitReversedData>('split.reversed', {
      ...ref,
      amountFen: 1_055,
      at,
      reversalId: randomUUID(),
      splitId,
      refundId,
      receivers: [{ merchantId: receiver, amountFen: 1_055 }],
    });
    const refunded = envelope<RefundData>('refund.succeeded', { ...ref, amountFen: 8_000, refundId, outRefundNo: 'RF-1', at, escrowFen: 1_055 });

    await inTenantTransaction(svc.ds, T, async (em) => {
      expect(await ledger.onPaymentSucceeded(paid, em)).toBeDefined();
      expect(await ledger.onSplitSucceeded(split, em)).toBeDefined();
      expect(await ledger.onSplitReleased(released, em)).toBeDefined();
      expect(await ledger.onSplitReversed(reversed, em)).toBeDefined();
      expect(await ledger.onRefundSucceeded(refunded, em)).toBeDefined();
    });
    // a replay of the split (new event id, same split) posts nothing
    await inTenantTransaction(svc.ds, T, async (em) => expect(await ledger.onSplitSucceeded({ ...split, id: randomUUID() }, em)).toBeUndefined());

    const entries = (await svc.call('GET', `/ledger/entries?orderId=${orderId}&limit=100`, { actor: testActors.county(T) })).body.data as LedgerEntry[];
    expect(entries.map((e) => e.sourceType).sort()).toEqual(['payment.succeeded', 'refund.succeeded', 'split.released', 'split.reversed', 'split.succeeded']);
    for (const e of entries) {
      const dr = e.postings.filter((p) => p.direction === 'debit').reduce((a, p) => a + p.amountFen, 0);
      const cr = e.postings.filter((p) => p.direction === 'credit').reduce((a, p) => a + p.amountFen, 0);
      expect(dr).toBe(cr);
    }
    const refundEntry = entries.find((e) => e.sourceType === 'refund.succeeded');
    expect(refundEntry?.postings).toEqual([
      { line: 1, account: `merchant_escrow:${merchant}`, direction: 'debit', amountFen: 1_055 },
      { line: 2, account: `merchant_payable:${merchant}`, direction: 'debit', amountFen: 6_945 },
      { line: 3, account: 'channel_receivable:wechat', direction: 'credit', amountFen: 8_000 },
    ]);

    const tb = (await svc.call('GET', '/ledger/trial-balance', { actor: testActors.county(T) })).body as TrialBalance;
    expect(tb.balanced).toBe(true);
    const account = (code: string) => tb.accounts.find((a) => a.account === code);
    expect(account(`merchant_escrow:${merchant}`)).toMatchObject({
      postedCreditsFen: 9_945 + 1_055,
      postedDebitsFen: 4_000 + 5_945 + 1_055,
      debitFen: 0,
      creditFen: 0,
    });
    expect(account(`merchant_payable:${receiver}`)).toMatchObject({ creditFen: 1_945 });
    expect(account(`merchant_payable:${merchant}`)).toMatchObject({ creditFen: 1_000 + 5_945 - 6_945 });
    expect((await svc.call('GET', `/ledger/merchants/${receiver}/balance`, { actor: testActors.county(T) })).body.payableFen).toBe(1_945);
  });
});
