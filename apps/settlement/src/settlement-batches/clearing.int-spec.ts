/**
 * Clearing across every product (ADR 0014), on real PostgreSQL and Kafka: a county's business day
 * with a QR payment, an escrow acquiring order split to two receivers (partly refunded and released the next day), a
 * credit sale to a merchant (partly refunded the next day) and a reconciliation adjustment. The
 * events reach the ledger through Kafka and the idempotent consumer; the batches net each merchant
 * exactly, tie out, leave the escrow unpaid until released, put the escrowed payment's fee in the
 * batch of its day exactly once, and a re-run changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import {
  CreditDrawdownCreatedV1,
  CreditDrawdownRefundedV1,
  defaultTenantConfig,
  PaymentSucceededV1,
  RefundSucceededV1,
  SplitReleasedV1,
  SplitSucceededV1,
  type CreditDrawdownData,
  type CreditDrawdownRefundData,
  type EventEnvelope,
  type PaymentSucceededData,
  type RefundData,
  type SplitData,
  type SplitReleasedData,
  type TenantUpdatedData,
} from '@countypay/contracts';
import { IdempotentConsumer, on } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { generateFieldKey } from '@countypay/security';
import { createTestTopic, eventually, startTestService, testActors, testKafka, uniqueName, type TestService } from '@countypay/testing';
import { SettlementConfig } from '../config/settlement.config';
import { migrations } from '../data-source';
import { postReconciliationAdjustment } from '../ledger/adjustment-postings';
import type { TrialBalance } from '../ledger/dto/ledger.responses.dto';
import { LedgerModule } from '../ledger/ledger.module';
import { LedgerRepository } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import type { DailyReport } from '../reports/dto/reports.dto';
import { ReportsModule } from '../reports/reports.module';
import type { SettlementBatchDetail, SettlementBatchItem } from './dto/settlement-batches.dto';
import { SettlementBatchesModule } from './settlement-batches.module';

const T = 't510121'; // 金堂县: cut-off 23:00, T+1, the default fee plan (QR 0.38 %, acquiring 0.55 %)
const OTHER = 't511381';
const OP = testActors.county(T, 'op-li');
/** 2026-11-20, 12:00 Shanghai */
const NOON_20TH = Date.parse('2026-11-20T04:00:00.000Z');
const NOON_21ST = NOON_20TH + 86_400_000;

describe('clearing across every product (real Kafka → ledger → cut-off)', () => {
  let svc: TestService;
  let producer: Producer;
  let consumer: IdempotentConsumer | undefined;
  const topics = { payment: '', refund: '', split: '', released: '', drawdown: '', drawdownRefunded: '' };

  const qrShop = randomUUID();
  const sharingShop = randomUUID();
  const receiver1 = randomUUID();
  const receiver2 = randomUUID();
  const creditShop = randomUUID();
  const sharedOrder = randomUUID();

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [LedgerModule, SettlementBatchesModule, ReportsModule],
      grants: 'as-migrated',
      override: (b) => b.overrideProvider(SettlementConfig).useValue(Object.assign(new SettlementConfig(), { COUNTYPAY_PII_KEY: generateFieldKey() })),
    });
    const config = Object.assign(defaultTenantConfig(), { cutoffTime: '23:00', settlementCycle: 'T1' });
    const e: EventEnvelope<TenantUpdatedData> = {
      id: randomUUID(),
      type: 'onboarding.tenant-updated',
      version: 1,
      tenantId: T,
      occurredAt: new Date().toISOString(),
      data: { tenantId: T, name: T, status: 'active', config, version: 1 },
    };
    await inTenantTransaction(svc.ds, T, (em) => svc.app.get(OnboardingReadModel).handleTenantUpdated(e, em));

    const kafka = testKafka();
    producer = kafka.producer();
    await producer.connect();
    topics.payment = await createTestTopic(kafka, 'payment-succeeded');
    topics.refund = await createTestTopic(kafka, 'refund-succeeded');
    topics.split = await createTestTopic(kafka, 'split-succeeded');
    topics.released = await createTestTopic(kafka, 'split-released');
    topics.drawdown = await createTestTopic(kafka, 'credit-drawdown-created');
    topics.drawdownRefunded = await createTestTopic(kafka, 'credit-drawdown-refunded');
    const ledger = svc.app.get(LedgerService);
    consumer = new IdempotentConsumer(kafka, svc.ds, producer, {
      name: uniqueName('it-settlement-clearing'),
      subscriptions: [
        on({ ...PaymentSucceededV1, topic: topics.payment }, async (e, em) => void (await ledger.onPaymentSucceeded(e, em))),
        on({ ...RefundSucceededV1, topic: topics.refund }, async (e, em) => void (await ledger.onRefundSucceeded(e, em))),
        on({ ...SplitSucceededV1, topic: topics.split }, async (e, em) => void (await ledger.onSplitSucceeded(e, em))),
        on({ ...SplitReleasedV1, topic: topics.released }, async (e, em) => void (await ledger.onSplitReleased(e, em))),
        on({ ...CreditDrawdownCreatedV1, topic: topics.drawdown }, async (e, em) => void (await ledger.onCreditDrawdownCreated(e, em))),
        on({ ...CreditDrawdownRefundedV1, topic: topics.drawdownRefunded }, async (e, em) => void (await ledger.onCreditDrawdownRefunded(e, em))),
      ],
      maxAttempts: 3,
      backoffMs: 50,
    });
    await consumer.start();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await svc?.close();
  });

  /** Publishes the events (each on its topic) and waits until the consumer has posted every one. */
  async function publish(...events: Array<{ topic: string; key: string; envelope: EventEnvelope<object> }>): Promise<void> {
    for (const e of events)
      await producer.send({
        topic: e.topic,
        messages: [
          {
            key: e.key,
            value: JSON.stringify(e.envelope),
            headers: { 'tenant-id': T, 'event-id': e.envelope.id, 'event-type': `${e.envelope.type}.v1` },
          },
        ],
      });
    const ids = events.map((e) => e.envelope.id);
    await eventually(async () => {
      const [r] = await sql<{ n: number }>(`select count(*)::int as n from journal_entries where source_event_id = any($1::uuid[])`, [ids]);
      return r?.n === ids.length ? true : undefined;
    }, 'every event posted to the ledger');
  }

  function envelope<D extends object>(type: string, data: D, at: number): EventEnvelope<D> {
    return { id: randomUUID(), type, version: 1, tenantId: T, occurredAt: new Date(at).toISOString(), data };
  }

  const sharingRef = { orderId: sharedOrder, merchantId: sharingShop, product: 'acquiring' as const, channel: 'wechat' as const, currency: 'CNY' as const };

  function drawdown(principalFen: number, at: number): CreditDrawdownData {
    return {
      loanId: randomUUID(),
      lineId: randomUUID(),
      holdId: randomUUID(),
      caller: 'qr-payment',
      paymentRef: `CR-${randomUUID().slice(0, 8)}`,
      merchantId: creditShop,
      principalFen,
      installments: 3,
      aprPpm: 129_600,
      businessDate: '2026-11-20',
      at: new Date(at).toISOString(),
    };
  }

  const cutoff = async (businessDate: string): Promise<SettlementBatchDetail> => {
    const r = await svc.call('POST', '/settlement/cutoffs', { actor: OP, body: { businessDate } });
    expect(r.status).toBe(200);
    return r.body as SettlementBatchDetail;
  };
  const items = async (batchId: string): Promise<Map<string, SettlementBatchItem>> => {
    const r = await svc.call('GET', `/settlement/batches/${batchId}/items?limit=100`, { actor: OP });
    expect(r.status).toBe(200);
    return new Map((r.body.data as SettlementBatchItem[]).map((i) => [i.merchantId, i]));
  };
  const payable = async (merchantId: string): Promise<number> => {
    const r = await svc.call('GET', `/ledger/merchants/${merchantId}/balance`, { actor: OP });
    return r.status === 404 ? 0 : (r.body as { payableFen: number }).payableFen;
  };
  const sql = <R>(text: string, params: unknown[]): Promise<R[]> => inTenantTransaction(svc.ds, T, async (em) => (await em.query(text, params)) as R[]);
  const zero = {
    paymentCount: 0,
    paymentsFen: 0,
    refundCount: 0,
    refundsFen: 0,
    feesFen: 0,
    splitsInFen: 0,
    splitsOutFen: 0,
    creditSalesFen: 0,
    adjustmentsFen: 0,
  };

  it("nets each merchant exactly over payments, splits, releases, credit sales and adjustments; escrow waits for its release, its fee is in the payment day's batch once; re-runs change nothing", async () => {
    // ── 2026-11-20 ──
    const qrPayment = envelope<PaymentSucceededData>(
      'payment.succeeded',
      {
        orderId: randomUUID(),
        outTradeNo: 'QR-1',
        merchantId: qrShop,
        product: 'qr',
        channel: 'wechat',
        amountFen: 10_000,
        currency: 'CNY',
        channelTradeNo: 'wx-qr-1',
        paidAt: new Date(NOON_20TH).toISOString(),
      },
      NOON_20TH,
    );
    // ¥200.00 acquiring order for sharing: 1.10 fee (0.55 %), 198.90 to the merchant's escrow
    const sharedPayment = envelope<PaymentSucceededData>(
      'payment.succeeded',
      { ...sharingRef, outTradeNo: 'AQ-1', amountFen: 20_000, channelTradeNo: 'wx-aq-1', paidAt: new Date(NOON_20TH).toISOString(), escrow: true },
      NOON_20TH,
    );
    const split = envelope<SplitData>(
      'split.succeeded',
      {
        ...sharingRef,
        amountFen: 5_000,
        at: new Date(NOON_20TH + 3_600_000).toISOString(),
        splitId: randomUUID(),
        outSplitNo: 'SP-1',
        receivers: [
          { merchantId: receiver1, amountFen: 3_000 },
          { merchantId: receiver2, amountFen: 2_000 },
        ],
      },
      NOON_20TH + 3_600_000,
    );
    const sale = envelope<CreditDrawdownData>('credit.drawdown-created', drawdown(50_000, NOON_20TH), NOON_20TH);
    await publish(
      { topic: topics.payment, key: qrPayment.data.orderId, envelope: qrPayment },
      { topic: topics.payment, key: sharedOrder, envelope: sharedPayment },
      { topic: topics.split, key: sharedOrder, envelope: split },
      { topic: topics.drawdown, key: sale.data.lineId, envelope: sale },
    );
    // an amount mismatch on the QR payment approved as an adjustment: the channel moved 1.50 less
    const caseId = randomUUID();
    const posted = await inTenantTransaction(svc.ds, T, (em) =>
      postReconciliationAdjustment(em, svc.app.get(LedgerRepository), {
        tenantId: T,
        caseId,
        orderId: qrPayment.data.orderId,
        refundId: null,
        merchantId: qrShop,
        channel: 'wechat',
        deltaFen: -150n,
        at: new Date(NOON_20TH + 7_200_000),
      }),
    );
    expect(posted).toBe(caseId);

    const day1 = await cutoff('2026-11-20');
    // QR shop: 100.00 − 0.38 fee − 1.50 adjusted = 98.12; receivers 30.00 and 20.00; credit shop 500.00;
    // the sharing shop: its escrowed payment's line on its day — 200.00 paid, 1.10 fee, 198.90 into
    // escrow (a split out of the payable), net 0, nothing paid; the escrow waits for its split/release
    const i1 = await items(day1.id);
    expect([...i1.keys()].sort()).toEqual([qrShop, receiver1, receiver2, creditShop, sharingShop].sort());
    expect(i1.get(sharingShop)).toMatchObject({
      ...zero,
      paymentCount: 1,
      paymentsFen: 20_000,
      feesFen: 110,
      splitsOutFen: 19_890,
      grossFen: 110,
      netFen: 0,
      reserveFen: 0,
      payoutFen: 0,
      status: 'carried',
    });
    expect(i1.get(qrShop)).toMatchObject({
      ...zero,
      paymentCount: 1,
      paymentsFen: 10_000,
      feesFen: 38,
      adjustmentsFen: -150,
      grossFen: 9_850,
      netFen: 9_812,
      payoutFen: 9_812,
    });
    expect(i1.get(receiver1)).toMatchObject({ ...zero, splitsInFen: 3_000, grossFen: 3_000, netFen: 3_000, payoutFen: 3_000, status: 'payable' });
    expect(i1.get(receiver2)).toMatchObject({ ...zero, splitsInFen: 2_000, netFen: 2_000, payoutFen: 2_000 });
    expect(i1.get(creditShop)).toMatchObject({ ...zero, creditSalesFen: 50_000, netFen: 50_000, payoutFen: 50_000 });
    expect(day1.tieOut).toEqual({
      clearingFen: 10_000 - 150 + 5_000 + 50_000 + 110, // the escrowed payment: 1.10 of fee income, no payable
      broughtForwardFen: 0,
      payoutFen: 9_812 + 3_000 + 2_000 + 50_000,
      feeFen: 38 + 110,
      reserveFen: 0,
      heldFen: 0,
      carriedFen: 0,
      balanced: true,
      trialBalanceBalanced: true,
    });
    expect(day1.clearing).toEqual({
      paymentsFen: 10_000 + 20_000,
      refundsFen: 0,
      feesFen: 38 + 110,
      splitsInFen: 5_000,
      splitsOutFen: 19_890,
      creditSalesFen: 50_000,
      adjustmentsFen: -150,
    });
    expect(day1.entryCount).toBe(5); // QR payment, escrowed payment, split, drawdown, adjustment
    expect(await payable(sharingShop)).toBe(0);
    const escrow = await sql<{ balance: string }>(`select balance_fen::text as balance from account_balances where account = $1`, [
      `merchant_escrow:${sharingShop}`,
    ]);
    expect(escrow[0]?.balance).toBe(String(20_000 - 110 - 5_000));

    // the day's report shows the same parts and ties to the ledger's postings
    const report = (await svc.call('GET', '/settlement/reports/daily?businessDate=2026-11-20', { actor: OP })).body as DailyReport;
    expect(report.totals).toMatchObject({
      paymentsFen: 30_000,
      feesFen: 148,
      splitsFen: 5_000 - 19_890,
      creditSalesFen: 50_000,
      adjustmentsFen: -150,
      netFen: 64_812,
    });
    expect(report.lines.find((l) => l.product === 'acquiring' && l.channel === 'wechat')).toMatchObject({
      paymentCount: 1,
      paymentsFen: 20_000,
      feesFen: 110,
      splitsFen: 5_000 - 19_890,
      netFen: 5_000, // 200.00 − 1.10 − 198.90 into escrow + 50.00 split out of it to receivers: only the split reached payables
    });
    expect(report.ledger).toMatchObject({ feeIncomeFen: 148, merchantPayableFen: 64_812, ties: true });

    // ── 2026-11-21: 15.00 of the shared order refunded (10.00 from its escrow, 5.00 from the merchant's payable;
    // the county keeps fees), the partner finishes (the 138.90 remainder released), 100.00 of the credit sale refunded ──
    const sharedRefund = envelope<RefundData>(
      'refund.succeeded',
      { ...sharingRef, amountFen: 1_500, escrowFen: 1_000, refundId: randomUUID(), outRefundNo: 'RF-1', at: new Date(NOON_21ST).toISOString() },
      NOON_21ST,
    );
    const release = envelope<SplitReleasedData>(
      'split.released',
      { ...sharingRef, amountFen: 13_890, at: new Date(NOON_21ST).toISOString(), releaseId: randomUUID(), reason: 'finished' },
      NOON_21ST,
    );
    const saleRefund = envelope<CreditDrawdownRefundData>(
      'credit.drawdown-refunded',
      {
        refundId: randomUUID(),
        loanId: sale.data.loanId,
        lineId: sale.data.lineId,
        merchantId: creditShop,
        principalFen: 10_000,
        interestReturnedFen: 0,
        businessDate: '2026-11-21',
        at: new Date(NOON_21ST).toISOString(),
      },
      NOON_21ST,
    );
    await publish(
      { topic: topics.refund, key: sharedOrder, envelope: sharedRefund },
      { topic: topics.released, key: sharedOrder, envelope: release },
      { topic: topics.drawdownRefunded, key: sale.data.lineId, envelope: saleRefund },
    );
    const day2 = await cutoff('2026-11-21');
    const i2 = await items(day2.id);
    // the sharing shop: the refund counts whole (15.00), the escrow's 10.00 of it is a split in beside the
    // 138.90 released; net 138.90 − 5.00 = 133.90 (its carried net of 0 of the 20th brings nothing forward)
    expect([...i2.keys()].sort()).toEqual([sharingShop, creditShop].sort());
    expect(i2.get(sharingShop)).toMatchObject({
      ...zero,
      refundCount: 1,
      refundsFen: 1_500,
      splitsInFen: 13_890 + 1_000,
      grossFen: 13_390,
      broughtForwardFen: 0,
      netFen: 13_390,
      payoutFen: 13_390,
      status: 'payable',
    });
    expect(i2.get(creditShop)).toMatchObject({ ...zero, creditSalesFen: -10_000, netFen: -10_000, payoutFen: 0, status: 'carried' });
    expect(day2.tieOut).toMatchObject({
      clearingFen: 13_890 - 500 - 10_000,
      payoutFen: 13_390,
      feeFen: 0,
      carriedFen: -10_000,
      balanced: true,
      trialBalanceBalanced: true,
    });
    expect(day2.entryCount).toBe(3);
    expect(day2.clearing).toMatchObject({ refundsFen: 1_500, feesFen: 0, splitsInFen: 14_890, splitsOutFen: 0, creditSalesFen: -10_000 });

    // every payable movement and every fee is in exactly one batch (the escrowed payment in its day's)
    const claimed = await sql<{ source_type: string; n: number }>(
      `select j.source_type, count(*)::int as n from settlement_batch_entries e join journal_entries j on j.id = e.entry_id group by j.source_type order by 1`,
      [],
    );
    expect(claimed).toEqual([
      { source_type: 'credit.drawdown-created', n: 1 },
      { source_type: 'credit.drawdown-refunded', n: 1 },
      { source_type: 'payment.succeeded', n: 2 },
      { source_type: 'reconciliation.adjustment', n: 1 },
      { source_type: 'refund.succeeded', n: 1 },
      { source_type: 'split.released', n: 1 },
      { source_type: 'split.succeeded', n: 1 },
    ]);
    // every fee the ledger took as income from this day's orders is in exactly one batch line: Σ items' fees = their fee income
    const fees = await sql<{ items: string; income: string }>(
      `select (select sum(i.fees_fen) from settlement_batch_items i where i.batch_id = any($1::uuid[]))::text as items,
              (select sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end)
                 from journal_entries j join postings p on p.tenant_id = j.tenant_id and p.entry_id = j.id
                where p.account = 'fee_income' and j.order_id = any($2::uuid[]))::text as income`,
      [
        [day1.id, day2.id],
        [qrPayment.data.orderId, sharedOrder],
      ],
    );
    expect(fees).toEqual([{ items: '148', income: '148' }]);
    // the ledger says the same per merchant: each payable is what the batches cleared for it (no payout ran)
    for (const [m, fen] of [
      [qrShop, 9_812],
      [receiver1, 3_000],
      [receiver2, 2_000],
      [creditShop, 40_000],
      [sharingShop, 13_390],
    ] as const)
      expect(await payable(m)).toBe(fen);
    const tb = (await svc.call('GET', '/ledger/trial-balance', { actor: OP })).body as TrialBalance;
    expect(tb.balanced).toBe(true);

    // re-running either cut-off returns the batch it made, unchanged; nothing is claimed twice
    const again1 = await cutoff('2026-11-20');
    const again2 = await cutoff('2026-11-21');
    expect(again1).toMatchObject({ id: day1.id, entryCount: 5, tieOut: day1.tieOut, clearing: day1.clearing });
    expect(again2).toMatchObject({ id: day2.id, entryCount: 3, tieOut: day2.tieOut });
    expect(await items(day1.id)).toEqual(i1);
    // another county sees none of it
    expect((await svc.call('GET', `/settlement/batches/${day1.id}`, { actor: testActors.county(OTHER) })).status).toBe(404);
  });
});
