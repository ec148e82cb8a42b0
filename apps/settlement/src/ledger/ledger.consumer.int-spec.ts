import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { PaymentSucceededV1, type EventEnvelope, type PaymentSucceededData } from '@countypay/contracts';
import { IdempotentConsumer, createProducer, on } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { createTestTopic, eventually, startTestService, testActors, testKafka, uniqueName, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { SettlementReadModelModule } from '../read-model';
import { LedgerModule } from './ledger.module';
import { LedgerService } from './ledger.service';

const T = 't510121';
const T2 = 't511381';

describe('settlement consumer (real Kafka → idempotent consumer → ledger)', () => {
  let svc: TestService;
  let producer: Producer;
  let consumer: IdempotentConsumer | undefined;

  beforeAll(async () => {
    svc = await startTestService({
      service: 'settlement',
      migrations,
      imports: [SettlementReadModelModule, LedgerModule],
      grants: 'as-migrated',
    });
    // the platform's idempotent producer: a plain one may write a batch twice when it retries a send to a new topic
    // (seen: 70 messages in the topic for 42 sent, the bad payment among the copies — so dead-lettered twice)
    producer = createProducer(testKafka());
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await svc?.close();
  });

  it('posts a payment delivered twice, and republished under a new event id, exactly once', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic(kafka, 'settlement-pay');
    const ledger = svc.app.get(LedgerService);
    const outcomes: string[] = [];
    consumer = new IdempotentConsumer(kafka, svc.ds, producer, {
      name: uniqueName('it-settlement'),
      subscriptions: [on({ ...PaymentSucceededV1, topic }, async (e, em) => void (await ledger.onPaymentSucceeded(e, em)))],
      maxAttempts: 3,
      backoffMs: 50,
      onOutcome: (o) => outcomes.push(o),
    });
    await consumer.start();

    const merchantId = randomUUID();
    const orderId = randomUUID();
    const data: PaymentSucceededData = {
      orderId,
      outTradeNo: 'IT-1',
      merchantId,
      product: 'acquiring',
      channel: 'unionpay',
      amountFen: 123_456,
      currency: 'CNY',
      channelTradeNo: 'U-1',
      paidAt: new Date().toISOString(),
    };
    const message = (id: string) => {
      const envelope: EventEnvelope<PaymentSucceededData> = {
        id,
        type: 'payment.succeeded',
        version: 1,
        tenantId: T,
        occurredAt: new Date().toISOString(),
        data,
      };
      return { key: orderId, value: JSON.stringify(envelope), headers: { 'tenant-id': T, 'event-id': id, 'event-type': 'payment.succeeded.v1' } };
    };
    const first = randomUUID();
    await producer.send({ topic, messages: [message(first), message(first), message(randomUUID())] });

    const seen = await eventually(async () => (outcomes.length >= 3 ? [...outcomes] : undefined), 'three deliveries handled');
    expect(seen).toEqual(['processed', 'duplicate', 'processed']); // the inbox drops the redelivery; the ledger the republished fact

    const entries = await svc.call('GET', `/ledger/entries?orderId=${orderId}`, { actor: testActors.county(T) });
    expect(entries.body.data).toHaveLength(1);
    expect(entries.body.data[0]).toMatchObject({ sourceEventId: first, amountFen: 123_456, feeFen: 679 }); // 1 234.56 × 0.55% = 6.790 → 6.79
    const balance = await svc.call('GET', `/ledger/merchants/${merchantId}/balance`, { actor: testActors.county(T) });
    expect(balance.body.payableFen).toBe(123_456 - 679);
    const outbox = await inTenantTransaction(svc.ds, T, (em) =>
      em.query(`select count(*)::int as n from outbox where payload->'data'->>'orderId' = $1`, [orderId]),
    );
    expect(outbox).toEqual([{ n: 1 }]);
  });

  it("posts a burst in batches at each batch's commit (as the service subscribes): each payment once, one bad payment dead-lettered alone", async () => {
    await consumer?.stop();
    const kafka = testKafka();
    const topic = await createTestTopic(kafka, 'settlement-burst');
    const ledger = svc.app.get(LedgerService);
    const outcomes: string[] = [];
    const paymentData = (merchantId: string, amountFen: number): PaymentSucceededData => ({
      orderId: randomUUID(),
      outTradeNo: `IT-${amountFen}`,
      merchantId,
      product: 'qr',
      channel: amountFen % 2 ? 'alipay' : 'wechat',
      amountFen,
      currency: 'CNY',
      channelTradeNo: `C-${amountFen}`,
      paidAt: new Date().toISOString(),
    });
    const message = (tenantId: string, data: PaymentSucceededData, id = randomUUID()) => ({
      key: data.orderId,
      value: JSON.stringify({ id, type: 'payment.succeeded', version: 1, tenantId, occurredAt: new Date().toISOString(), data }),
      headers: { 'tenant-id': tenantId, 'event-id': id, 'event-type': 'payment.succeeded.v1' },
    });
    const merchantId = randomUUID();
    const good = Array.from({ length: 40 }, (_, i) => ({ tenantId: i % 3 ? T : T2, data: paymentData(merchantId, 1_000 + i) }));
    // a merchant id the chart of accounts refuses (upper case: not an account name): fails in the batch's ledger statement
    const bad = { tenantId: T, data: paymentData(randomUUID().toUpperCase(), 999) };
    const messages = good.map((g) => message(g.tenantId, g.data));
    messages.splice(17, 0, message(bad.tenantId, bad.data));
    messages.splice(30, 0, { ...messages[3]! }); // a redelivery inside the burst
    // all published before the consumer starts: it fetches them in batches of many events
    await producer.send({ topic, messages });
    consumer = new IdempotentConsumer(kafka, svc.ds, producer, {
      name: uniqueName('it-settlement-burst'),
      subscriptions: [on({ ...PaymentSucceededV1, topic }, async (e, em) => void (await ledger.onPaymentSucceeded(e, em, { atCommit: true })))],
      maxAttempts: 2,
      backoffMs: 20,
      onOutcome: (o) => outcomes.push(o),
    });
    await consumer.start();
    const settled = () => outcomes.filter((o) => o === 'processed').length >= 40 && outcomes.includes('dead_lettered');
    await eventually(async () => (settled() ? true : undefined), 'every event handled', 60_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more comes
    // each good payment processed once; the redelivery (and any batch Kafka hands out again — at least once) is a duplicate
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(40);
    // published once (idempotent producer), the bad payment is dead-lettered once; a copy of it in the topic would be
    // dead-lettered again (a failed event leaves no inbox row), and it is never posted either way (below)
    expect(outcomes.filter((o) => o === 'dead_lettered')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate').length).toBeGreaterThanOrEqual(1);

    const orders = (tenantId: string) => good.filter((g) => g.tenantId === tenantId).map((g) => g.data.orderId);
    for (const tenantId of [T, T2]) {
      const n = await inTenantTransaction(svc.ds, tenantId, (em) =>
        em.query(
          `select (select count(*)::int from journal_entries where order_id = any($1::uuid[])) as entries,
                  (select count(*)::int from postings p join journal_entries j on j.id = p.entry_id where j.order_id = any($1::uuid[])) as postings,
                  (select count(distinct payload->'data'->>'orderId')::int from outbox where payload->'data'->>'orderId' = any($1::text[])) as events,
                  (select count(*)::int from outbox where payload->'data'->>'orderId' = any($1::text[])) as rows`,
          [orders(tenantId)],
        ),
      );
      const k = orders(tenantId).length;
      expect(n).toEqual([{ entries: k, postings: 3 * k, events: k, rows: k }]);
    }
    const none = await inTenantTransaction(svc.ds, T, (em) =>
      em.query(`select count(*)::int as n from journal_entries where order_id = $1`, [bad.data.orderId]),
    );
    expect(none).toEqual([{ n: 0 }]);
    const expected = good.reduce((s, g) => s + g.data.amountFen - Math.floor((g.data.amountFen * 38 + 5_000) / 10_000), 0);
    const payable = async (tenantId: string) =>
      (await svc.call('GET', `/ledger/merchants/${merchantId}/balance`, { actor: testActors.county(tenantId) })).body.payableFen as number;
    expect((await payable(T)) + (await payable(T2))).toBe(expected);
  });
});
