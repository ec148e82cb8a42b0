/**
 * The ops console's health API against real PostgreSQL (webhook deliveries under RLS) and the
 * real Kafka broker (a platform-named consumer group with committed offsets behind the log end,
 * dead-letter topics).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { KafkaConfig, ServiceUrlsConfig } from '@countypay/config';
import { messagingTablesSql } from '@countypay/messaging';
import { KAFKA } from '@countypay/service-kit';
import { createTestTopic, startTestService, testActors, testKafka, type TestService } from '@countypay/testing';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { OpsHealthController } from './ops-health.controller';
import { OUTBOX_LAG_SERVICE_URLS, OutboxLag } from './outbox-lag';

const T1 = 't510121';
const T2 = 't511381';
const PREFIX = `opshealth${randomBytes(3).toString('hex')}`;
const GROUP = `${PREFIX}.settlement`;
/** Where the other services' /metrics answer: a real HTTP server (settlement with an outbox, channel-sandbox without), and a closed port (credit, down). */
const serviceUrls = new ServiceUrlsConfig();
let metricsServer: Server;

@Module({
  controllers: [OpsHealthController],
  providers: [
    { provide: KAFKA, useFactory: () => testKafka('ops-health-it') },
    { provide: KafkaConfig, useFactory: () => Object.assign(new KafkaConfig(), { KAFKA_GROUP_PREFIX: PREFIX }) },
    { provide: OUTBOX_LAG_SERVICE_URLS, useValue: serviceUrls },
    OutboxLag,
  ],
})
class OpsHealthTestModule {}

describe('GET /v1/ops/health (real PostgreSQL and Kafka)', () => {
  let svc: TestService;
  let topic: string;

  beforeAll(async () => {
    metricsServer = createServer((req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      if (req.url === '/settlement/metrics')
        res.end(
          '# TYPE outbox_pending_events gauge\noutbox_pending_events{service="settlement"} 4\noutbox_oldest_pending_seconds{service="settlement"} 12.5\n',
        );
      else if (req.url === '/channel-sandbox/metrics') res.end('process_cpu_seconds_total{service="channel-sandbox"} 1\n');
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    serviceUrls.COUNTYPAY_SERVICE_URLS = JSON.stringify({
      settlement: `${base}/settlement`,
      'channel-sandbox': `${base}/channel-sandbox`,
      credit: `http://127.0.0.1:${closedPort}`,
    });
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
    await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
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

  it("gives each service's outbox lag: its own outbox, the others' gauges, a service that does not answer as unavailable", async () => {
    // the gateway reads its own outbox (its relay publishes meanwhile: only the shape is fixed here)
    const res = await svc.call('GET', '/v1/ops/health', { actor: testActors.county(T1) });
    expect(res.status).toBe(200);
    const byService = new Map((res.body.outboxLag as Array<{ service: string }>).map((o) => [o.service, o]));
    expect([...byService.keys()]).toEqual(['credit', 'gateway', 'settlement']);
    expect(byService.get('settlement')).toEqual({ service: 'settlement', status: 'ok', pending: 4, oldestPendingSeconds: 12.5 });
    expect(byService.get('credit')).toEqual({ service: 'credit', status: 'unavailable', pending: null, oldestPendingSeconds: null });
    expect(byService.get('gateway')).toEqual({ service: 'gateway', status: 'ok', pending: expect.any(Number), oldestPendingSeconds: expect.any(Number) });
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
