/**
 * Profit sharing and settlement batches (real PostgreSQL): an order whose net went to the
 * merchant's escrow is not cleared by a batch (ADR 0013) — its payment, split and refund stay
 * unclaimed, so nothing escrowed is paid out early — while the county's other payments are
 * cleared as before, with a balanced tie-out.
 */
import { randomUUID } from 'node:crypto';
import {
  defaultTenantConfig,
  type EventEnvelope,
  type PaymentSucceededData,
  type RefundData,
  type SplitData,
  type TenantUpdatedData,
} from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel, OnboardingReadModelModule } from '@countypay/read-models';
import { generateFieldKey } from '@countypay/security';
import { startTestService, testActors, type TestService } from '@countypay/testing';
import { SettlementConfig } from '../config/settlement.config';
import { migrations } from '../data-source';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerService } from '../ledger/ledger.service';
import { SettlementBatchesModule } from './settlement-batches.module';

const T = 't510121';
/** 2026-11-20, 12:00 Shanghai */
const NOON_20TH = Date.parse('2026-11-20T04:00:00.000Z');

function envelope<D extends object>(type: string, data: D, at: number): EventEnvelope<D> {
  return { id: randomUUID(), type, version: 1, tenantId: T, occurredAt: new Date(at).toISOString(), data };
}

describe('settlement batches leave profit-sharing orders out', () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [OnboardingReadModelModule.forRoot({ merchants: false }), LedgerModule, SettlementBatchesModule],
      grants: 'as-migrated',
      override: (b) => b.overrideProvider(SettlementConfig).useValue(Object.assign(new SettlementConfig(), { COUNTYPAY_PII_KEY: generateFieldKey() })),
    });
    const config = Object.assign(defaultTenantConfig(), { cutoffTime: '23:00', settlementCycle: 'T1' });
    const e = envelope<TenantUpdatedData>('onboarding.tenant-updated', { tenantId: T, name: T, status: 'active', config, version: 1 }, Date.now());
    await inTenantTransaction(svc.ds, T, (em) => svc.app.get(OnboardingReadModel).handleTenantUpdated(e, em));
  });

  afterAll(() => svc?.close());

  it('clears the plain payment of one merchant; the shared order of another (payment, split, refund) stays in no batch', async () => {
    const ledger = svc.app.get(LedgerService);
    const plainMerchant = randomUUID();
    const sharedMerchant = randomUUID();
    const receiver = randomUUID();
    const shared = randomUUID();
    const ref = { orderId: shared, merchantId: sharedMerchant, product: 'acquiring' as const, channel: 'wechat' as const, currency: 'CNY' as const };
    await inTenantTransaction(svc.ds, T, async (em) => {
      await ledger.onPaymentSucceeded(
        envelope<PaymentSucceededData>(
          'payment.succeeded',
          {
            ...ref,
            orderId: randomUUID(),
            merchantId: plainMerchant,
            outTradeNo: 'P-1',
            amountFen: 10_000,
            channelTradeNo: 'wx-p',
            paidAt: new Date(NOON_20TH).toISOString(),
          },
          NOON_20TH,
        ),
        em,
      );
      await ledger.onPaymentSucceeded(
        envelope<PaymentSucceededData>(
          'payment.succeeded',
          { ...ref, outTradeNo: 'S-1', amountFen: 10_000, channelTradeNo: 'wx-s', paidAt: new Date(NOON_20TH).toISOString(), escrow: true },
          NOON_20TH,
        ),
        em,
      );
      await ledger.onSplitSucceeded(
        envelope<SplitData>(
          'split.succeeded',
          {
            ...ref,
            amountFen: 3_000,
            at: new Date(NOON_20TH).toISOString(),
            splitId: randomUUID(),
            outSplitNo: 'SP-1',
            receivers: [{ merchantId: receiver, amountFen: 3_000 }],
          },
          NOON_20TH + 1000,
        ),
        em,
      );
      await ledger.onRefundSucceeded(
        envelope<RefundData>(
          'refund.succeeded',
          { ...ref, amountFen: 1_000, refundId: randomUUID(), outRefundNo: 'RF-1', at: new Date(NOON_20TH).toISOString(), escrowFen: 1_000 },
          NOON_20TH + 2000,
        ),
        em,
      );
    });
    const r = await svc.call('POST', '/settlement/cutoffs', { actor: testActors.county(T), body: { businessDate: '2026-11-20' } });
    expect(r.status).toBe(200);
    // 100.00 − 0.55 (acquiring's 55 bp) for the plain merchant only
    expect(r.body.tieOut).toMatchObject({ clearingFen: 10_000, payoutFen: 9_945, feeFen: 55, balanced: true });
    const items = (await svc.call('GET', `/settlement/batches/${r.body.id}/items?limit=100`, { actor: testActors.county(T) })).body.data as Array<{
      merchantId: string;
    }>;
    expect(items.map((i) => i.merchantId)).toEqual([plainMerchant]);
    const claimed = await inTenantTransaction(svc.ds, T, async (em) =>
      Number(
        (
          (await em.query(`select count(*) as n from settlement_batch_entries e join journal_entries j on j.id = e.entry_id where j.order_id = $1`, [
            shared,
          ])) as Array<{ n: string }>
        )[0]!.n,
      ),
    );
    expect(claimed).toBe(0);
  });
});
