import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { PaymentSucceededV1, type EventEnvelope, type PaymentSucceededData } from '@countypay/contracts';
import { IdempotentConsumer, on, type OutboxRelay } from '@countypay/messaging';
import { createLogger, createMetrics } from '@countypay/observability';
import { createServiceDataSource, inTenantTransaction } from '@countypay/persistence';
import { createTestSchema, createTestTopic, eventually, testKafka, uniqueName, type TestSchema } from '@countypay/testing';
import { migrations } from '../data-source';
import { TenantConfigRepository } from '../tenant-config/tenant-config.repository';
import { TenantConfigService } from '../tenant-config/tenant-config.service';
import { LedgerMetrics } from './ledger.metrics';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

const T = 't510121';

describe('settlement consumer (real Kafka → idempotent consumer → ledger)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let producer: Producer;
  let consumer: IdempotentConsumer | undefined;

  beforeAll(async () => {
    db = await createTestSchema('settlement_kafka', []);
    const admin = createServiceDataSource({ url: db.adminUrl, schema: db.schema, migrations, applicationName: 'it-settlement-migrate', poolSize: 1 });
    await admin.initialize();
    try {
      await admin.runMigrations({ transaction: 'each' });
    } finally {
      await admin.destroy();
    }
    ds = await db.appDataSource();
    producer = testKafka().producer();
    await producer.connect();
  });

  afterAll(async () => {
    await consumer?.stop();
    await producer.disconnect();
    await db.drop();
  });

  it('posts a payment delivered twice, and republished under a new event id, exactly once', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic(kafka, 'settlement-pay');
    const ledger = new LedgerService(
      ds,
      { wake: () => undefined } as unknown as OutboxRelay,
      new LedgerRepository(),
      new TenantConfigService(new TenantConfigRepository()),
      new LedgerMetrics(createMetrics('settlement-it')),
      createLogger({ serviceName: 'settlement-it', level: 'silent' }),
    );
    const outcomes: string[] = [];
    consumer = new IdempotentConsumer(kafka, ds, producer, {
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
      const envelope: EventEnvelope<PaymentSucceededData> = { id, type: 'payment.succeeded', version: 1, tenantId: T, occurredAt: new Date().toISOString(), data };
      return { key: orderId, value: JSON.stringify(envelope), headers: { 'tenant-id': T, 'event-id': id, 'event-type': 'payment.succeeded.v1' } };
    };
    const first = randomUUID();
    await producer.send({ topic, messages: [message(first), message(first), message(randomUUID())] });

    const seen = await eventually(async () => (outcomes.length >= 3 ? [...outcomes] : undefined), 'three deliveries handled');
    expect(seen).toEqual(['processed', 'duplicate', 'processed']); // the inbox drops the redelivery; the ledger the republished fact

    const entries = await ledger.entries(T, { orderId });
    expect(entries.data).toHaveLength(1);
    expect(entries.data[0]).toMatchObject({ sourceEventId: first, amountFen: 123_456, feeFen: 679 }); // 1 234.56 × 0.55% = 6.790 → 6.79
    expect((await ledger.merchantBalance(T, merchantId)).payableFen).toBe(123_456 - 679);
    const outbox = await inTenantTransaction(ds, T, (em) => em.query(`select count(*)::int as n from outbox where payload->'data'->>'orderId' = $1`, [orderId]));
    expect(outbox).toEqual([{ n: 1 }]);
  });
});
