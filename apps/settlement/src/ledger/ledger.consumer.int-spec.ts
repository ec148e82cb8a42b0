import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { PaymentSucceededV1, type EventEnvelope, type PaymentSucceededData } from '@countypay/contracts';
import { IdempotentConsumer, on } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { createTestTopic, eventually, startTestService, testActors, testKafka, uniqueName, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { SettlementReadModelModule } from '../read-model';
import { LedgerModule } from './ledger.module';
import { LedgerService } from './ledger.service';

const T = 't510121';

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
    producer = testKafka().producer();
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
});
