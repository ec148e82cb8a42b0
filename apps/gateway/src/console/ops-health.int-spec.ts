/**
 * The ops console's health API against real PostgreSQL (webhook deliveries under RLS) and the
 * real Kafka broker (a platform-named consumer group with committed offsets behind the log end,
 * dead-letter topics).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { KafkaConfig } from '@countypay/config';
import { messagingTablesSql } from '@countypay/messaging';
import { KAFKA } from '@countypay/service-kit';
import { createTestTopic, startTestService, testActors, testKafka, type TestService } from '@countypay/testing';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { OpsHealthController } from './ops-health.controller';

const T1 = 't510121';
const T2 = 't511381';
const PREFIX = `opshealth${randomBytes(3).toString('hex')}`;
const GROUP = `${PREFIX}.settlement`;

@Module({
  controllers: [OpsHealthController],
  providers: [
    { provide: KAFKA, useFactory: () => testKafka('ops-health-it') },
    { provide: KafkaConfig, useFactory: () => Object.assign(new KafkaConfig(), { KAFKA_GROUP_PREFIX: PREFIX }) },
  ],
})
class OpsHealthTestModule {}

describe('GET /v1/ops/health (real PostgreSQL and Kafka)', () => {
  let svc: TestService;
  let topic: string;

  beforeAll(async () => {
    svc = await startTestService({
      service: 'ops_health',
      ddl: [...messagingTablesSql(), ...webhookTablesSql(), ...webhookTraceSql()],
      imports: [OpsHealthTestModule],
    });
    const insert = (tenantId: string, status: string, dueSecondsAgo: number) =>
      svc.schema.adminQuery(
        `insert into webhook_deliveries (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at)
         values ($1, $2, 'app_opshealth000000001', $3, 'payment.succeeded', 'https://partner.example/hook', '{}', $4, case when $4 = 'pending' then now() - make_interval(secs => $5) end)`,
        [randomUUID(), tenantId, randomUUID(), status, dueSecondsAgo],
      );
    await insert(T1, 'pending', 120);
    await insert(T1, 'pending', -60); // due in a minute: pending, not overdue
    await insert(T1, 'delivered', 0);
    await insert(T2, 'pending', 5);

    // a platform group (<prefix>.<service>) that has read 2 of 5 messages on one partition
    const kafka = testKafka('ops-health-it-setup');
    topic = await createTestTopic(kafka, 'opshealth', 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ key: String(i), value: `m${i}` })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: GROUP, topic, partitions: [{ partition: 0, offset: '2' }] });
    // an ad-hoc reader's group is not the platform's
    await admin.setOffsets({ groupId: `${PREFIX}.dlq-reader.1.2`, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();
  }, 60_000);

  afterAll(async () => {
    await svc?.close();
  });

  it("gives the province every consumer group's lag, the webhook backlog per county and the dead letters per topic", async () => {
    const res = await svc.call('GET', '/v1/ops/health', { actor: testActors.province() });
    expect(res.status).toBe(200);
    expect(res.body.consumers).toEqual([{ group: GROUP, lag: 3, topics: [{ topic, lag: 3 }] }]);
    expect(res.body.webhookBacklog).toHaveLength(2);
    expect(res.body.webhookBacklog[0]).toMatchObject({ tenantId: T1, pending: 2 });
    expect(res.body.webhookBacklog[0].oldestDueSeconds).toBeGreaterThanOrEqual(119);
    expect(res.body.webhookBacklog[1]).toMatchObject({ tenantId: T2, pending: 1 });
    expect(res.body.deadLetters).toEqual(expect.arrayContaining([{ topic: 'countypay.payment.succeeded.v1', count: expect.any(Number) }]));
  });

  it("gives a county operator its own county's backlog and no dead letters; a partner app is refused", async () => {
    const res = await svc.call('GET', '/v1/ops/health', { actor: testActors.county(T2) });
    expect(res.status).toBe(200);
    expect(res.body.webhookBacklog).toEqual([{ tenantId: T2, pending: 1, oldestDueSeconds: expect.any(Number) }]);
    expect(res.body.deadLetters).toBeNull();
    expect(res.body.consumers.map((c: { group: string }) => c.group)).toEqual([GROUP]);
    expect((await svc.call('GET', '/v1/ops/health', { actor: testActors.app(T1, { appId: 'app_opshealth000000001' }) })).status).toBe(403);
  });
});
