import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { context } from '@opentelemetry/api';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { AppUpdatedData, AppUpdatedV1, type EventDefinition, PaymentSucceededData, PaymentSucceededV1 } from '@countypay/contracts';
import { IdempotentConsumer, createProducer, messagingTablesSql, readDeadLetters } from '@countypay/messaging';
import { createLogger, createMetrics } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { FieldCipher, generateWebhookSecret, verifyWebhook } from '@countypay/security';
import { createTestSchema, createTestTopic, eventually, testKafka, uniqueName, type TestSchema } from '@countypay/testing';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { webhookOpsSql } from '../migrations/1766500000000-webhook-ops';
import { webhookResendInFlightSql } from '../migrations/1767100000000-webhook-resend-in-flight';
import { webhookHotPathSql } from '../migrations/1768300000000-gateway-hot-path';
import { webhookIntakeSql } from '../migrations/1768500000000-webhook-intake';
import type { RegistryService } from '../registry/registry.service';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhookEventsService } from './webhook-events.service';
import { CREDENTIAL_KEY_ID, WebhookSecrets } from './webhook-secrets';
import { WebhooksConfig } from './webhooks.config';
import { WebhooksRepository } from './webhooks.repository';

/** 99 county tenants, as the platform has them */
const TENANTS = Array.from({ length: 99 }, (_, i) => `t51${String(i + 1).padStart(4, '0')}`);
const appOf = (tenant: string): string => `app_intake${tenant}000000`.slice(0, 24);

/** Every statement the data source's query runners send (the consumer's: begin, set_config, inserts, commit, function calls). */
function recordStatements(ds: DataSource): string[] {
  const statements: string[] = [];
  const create = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = ((...args: Parameters<DataSource['createQueryRunner']>) => {
    const runner = create(...args);
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, ...rest: unknown[]) => (statements.push(sql), query(sql, ...(rest as [])))) as typeof runner.query;
    return runner;
  }) as DataSource['createQueryRunner'];
  return statements;
}

describe('webhook intake: a consumer batch of partner events in ONE statement (real PostgreSQL + Kafka)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let kafka: Kafka;
  let producer: Producer;
  const contextManager = new AsyncLocalStorageContextManager();
  const credentialKey = randomBytes(32).toString('base64');
  const cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: credentialKey }], activeKeyId: CREDENTIAL_KEY_ID });
  const webhookSecret = generateWebhookSecret();
  const logger = createLogger({ serviceName: 'gateway-intake-it', level: process.env.IT_LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
  const repo = new WebhooksRepository();
  const cfg = Object.assign(new WebhooksConfig(), {
    COUNTYPAY_CREDENTIAL_KEY: credentialKey,
    WEBHOOK_RETRY_SCALE: 0.01,
    WEBHOOK_POLL_MS: 60_000,
    WEBHOOK_BATCH_SIZE: 50,
    WEBHOOK_TIMEOUT_MS: 5000,
  });
  const noOnboarding = { appFromOnboarding: async () => null } as unknown as RegistryService;
  const cleanup: Array<() => Promise<void>> = [];

  /** A gateway instance on its own data source: its endpoints in memory, its dispatcher (not started), its events service. */
  async function instance() {
    const source = await db.appDataSource();
    const endpoints = new WebhookEndpoints(source, repo, logger);
    await endpoints.start();
    const dispatcher = new WebhookDispatcher(source, repo, endpoints, new WebhookSecrets(cfg), cfg, createMetrics(uniqueName('gw')), logger);
    const events = new WebhookEventsService(repo, dispatcher, noOnboarding, endpoints, logger, source);
    cleanup.push(async () => {
      await dispatcher.stop();
      await endpoints.stop();
    });
    return { source, endpoints, dispatcher, events };
  }

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    db = await createTestSchema('wh_intake', [
      ...messagingTablesSql(),
      ...webhookTablesSql(),
      ...webhookTraceSql(),
      ...webhookOpsSql(),
      ...webhookResendInFlightSql(),
      ...webhookHotPathSql(),
      ...webhookIntakeSql(),
      // a delivery the database refuses: the poison of the dead-letter test
      `create function refuse_poison() returns trigger language plpgsql as $$ begin raise exception 'poison delivery refused'; end $$`,
      `create trigger refuse_poison before insert on webhook_deliveries for each row when (new.url like '%/poison') execute function refuse_poison()`,
    ]);
    ds = await db.appDataSource();
    kafka = testKafka();
    producer = createProducer(kafka);
    await producer.connect();
    // every tenant's partner app, with two callback URLs
    const { events } = await instance();
    for (const tenant of TENANTS) await updateApp(events, tenant, appOf(tenant), ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b']);
  });

  afterAll(async () => {
    for (const c of cleanup) await c();
    await producer.disconnect();
    await db.drop();
    contextManager.disable();
    context.disable();
  });

  /** The app's "updated" event for `tenant`, applied as the gateway's consumer applies it. */
  async function updateApp(events: WebhookEventsService, tenant: string, appId: string, callbackUrls: string[], version = 1, name = 'County app') {
    const data = Object.assign(new AppUpdatedData(), {
      appId,
      partnerId: randomUUID(),
      name,
      status: 'active',
      scopes: ['qr:pay'],
      callbackUrls,
      ipAllowlist: [],
      credentials: [],
      webhookSecretCiphertext: cipher.encrypt(webhookSecret),
      version,
    });
    const app = { id: randomUUID(), type: AppUpdatedV1.type, version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data };
    await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app, em));
  }

  function payment(tenant: string, appId = appOf(tenant)) {
    const id = randomUUID();
    const traceId = randomBytes(16).toString('hex');
    const data = Object.assign(new PaymentSucceededData(), {
      orderId: randomUUID(),
      outTradeNo: `ord-${randomBytes(4).toString('hex')}`,
      merchantId: randomUUID(),
      partnerAppId: appId,
      product: 'qr',
      channel: 'wechat',
      amountFen: 1288,
      currency: 'CNY',
      channelTradeNo: 'wx-1',
      paidAt: '2026-11-30T12:00:00.000Z',
    });
    const envelope = { id, type: 'payment.succeeded', version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data };
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const message = {
      key: data.orderId,
      value: JSON.stringify(envelope),
      headers: { 'tenant-id': tenant, 'event-id': id, 'event-type': 'payment.succeeded.v1', traceparent },
    };
    return { id, tenant, traceId, message };
  }

  async function consume(source: DataSource, events: WebhookEventsService, payEvent: EventDefinition<PaymentSucceededData>, outcomes: string[]) {
    const consumer = new IdempotentConsumer(kafka, source, producer, {
      name: uniqueName('it-intake'),
      subscriptions: [events.partnerSubscription(payEvent)],
      maxAttempts: 2,
      backoffMs: 20,
      onOutcome: (o) => outcomes.push(o),
    });
    cleanup.unshift(() => consumer.stop());
    await consumer.start();
    return consumer;
  }

  const deliveriesOf = async (ids: string[]) =>
    (
      await db.admin((c) =>
        c.query(
          `select event_id, tenant_id, app_id, url, status, lease_token, traceparent from webhook_deliveries where event_id = any($1::uuid[]) order by event_id, url`,
          [ids],
        ),
      )
    ).rows;
  const inboxOf = async (ids: string[]) =>
    (await db.admin((c) => c.query(`select event_id, tenant_id from inbox where event_id = any($1::uuid[]) order by event_id`, [ids]))).rows;

  it('a batch spanning the 99 tenants: one webhook_intake statement per batch, each delivery under its tenant with its trace; redelivered, nothing twice', async () => {
    const topic = await createTestTopic(kafka, 'wh-intake', 1);
    const payEvent = { ...PaymentSucceededV1, topic };
    const { source, endpoints, events } = await instance();
    for (const tenant of TENANTS) await endpoints.findOutsideTransaction(tenant, appOf(tenant)); // warm: no endpoint read while consuming
    const statements = recordStatements(source);
    // a Zipf-like spread, every county at least once; one event without a partner app
    const pays = [...TENANTS.map((t) => payment(t)), ...Array.from({ length: 60 }, (_, i) => payment(TENANTS[i % 5]!))];
    const noPartner = payment(TENANTS[7]!);
    const noPartnerMessage = {
      ...noPartner.message,
      value: JSON.stringify({ ...JSON.parse(noPartner.message.value), data: { ...JSON.parse(noPartner.message.value).data, partnerAppId: undefined } }),
    };
    // published before the consumer starts: it fetches them in batches of many events
    await producer.send({ topic, messages: [...pays.map((p) => p.message), noPartnerMessage] });
    const outcomes: string[] = [];
    await consume(source, events, payEvent, outcomes);
    await eventually(async () => (outcomes.length >= pays.length + 1 ? true : undefined), 'every event handled', 60_000);
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(pays.length + 1);

    // the consumer sent nothing but webhook_intake statements: no begin, set_config, inbox or delivery insert, commit
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter((s) => !/^select .* from webhook_intake\(\$1, \$2, \$3, \$4::jsonb\)$/s.test(s))).toEqual([]);
    expect(statements.length).toBeLessThan(pays.length / 10); // batches, not events

    const ids = pays.map((p) => p.id);
    const rows = await deliveriesOf(ids);
    expect(rows).toHaveLength(2 * pays.length);
    const byEvent = new Map(pays.map((p) => [p.id, p]));
    for (const r of rows) {
      const p = byEvent.get(r.event_id)!;
      expect(r).toMatchObject({ tenant_id: p.tenant, app_id: appOf(p.tenant), status: 'pending', lease_token: null });
      // the trace link: the delivery continues the trace of the event that caused it
      expect(String(r.traceparent).split('-')[1]).toBe(p.traceId);
    }
    expect(new Set(rows.map((r) => r.tenant_id)).size).toBe(99);
    expect((await inboxOf([...ids, noPartner.id])).map((r) => [r.event_id, r.tenant_id]).sort()).toEqual(
      [...pays, noPartner].map((p) => [p.id, p.tenant]).sort(),
    );
    expect(await deliveriesOf([noPartner.id])).toEqual([]);

    // row-level security holds: a tenant's scope sees its own deliveries only
    const seen = await inTenantTransaction(ds, TENANTS[0]!, (em) =>
      em.query(`select distinct tenant_id from webhook_deliveries where event_id = any($1::uuid[])`, [ids]),
    );
    expect(seen).toEqual([{ tenant_id: TENANTS[0] }]);

    // the whole batch delivered again (same messages): every event a duplicate, no second delivery, no second inbox row
    const before = outcomes.length;
    await producer.send({ topic, messages: [...pays.map((p) => p.message), noPartnerMessage] });
    await eventually(async () => (outcomes.length >= before + pays.length + 1 ? true : undefined), 'the redelivery handled', 60_000);
    expect(outcomes.slice(before).every((o) => o === 'duplicate')).toBe(true);
    expect(await deliveriesOf(ids)).toHaveLength(2 * pays.length);
    expect(await inboxOf([...ids, noPartner.id])).toHaveLength(pays.length + 1);

    // and the same batch written straight through the repository: nothing new
    const again = await repo.intake(
      source,
      'x',
      topic,
      new Map([
        [
          TENANTS[0]!,
          [{ eventId: pays[0]!.id, appId: appOf(TENANTS[0]!), eventType: 'payment.succeeded', urls: ['http://127.0.0.1:9/a'], body: '{}', traceparent: null }],
        ],
      ]),
      undefined,
    );
    expect(again.fresh.size).toBe(1); // another consumer's inbox: new to it…
    expect(again.created.size).toBe(0); // …but the delivery (tenant, event, URL) exists: not created twice
  });

  it('a poison event in a batch is dead-lettered alone; the other events of its batch and their tenants get their deliveries', async () => {
    const topic = await createTestTopic(kafka, 'wh-intake-poison', 1);
    const payEvent = { ...PaymentSucceededV1, topic };
    const { source, events } = await instance();
    // the poison: an app whose callback URL the database refuses (the test's trigger)
    const poisonTenant = TENANTS[3]!;
    const poisonApp = 'app_intakepoison00000001';
    await updateApp(events, poisonTenant, poisonApp, ['http://127.0.0.1:9/poison'], 1, 'Poison app');
    const good = TENANTS.slice(0, 30).map((t) => payment(t));
    const poison = payment(poisonTenant, poisonApp);
    const messages = good.map((p) => p.message);
    messages.splice(13, 0, poison.message);
    await producer.send({ topic, messages });
    const outcomes: string[] = [];
    await consume(source, events, payEvent, outcomes);
    await eventually(
      async () => (outcomes.filter((o) => o === 'processed').length >= good.length && outcomes.includes('dead_lettered') ? true : undefined),
      'every event handled',
      60_000,
    );
    expect(outcomes.filter((o) => o === 'processed')).toHaveLength(good.length);

    const rows = await deliveriesOf(good.map((p) => p.id));
    expect(rows).toHaveLength(2 * good.length);
    expect(rows.every((r) => r.tenant_id === good.find((p) => p.id === r.event_id)!.tenant)).toBe(true);
    // the poison left nothing: no delivery, no inbox row (its statement rolled back whole), and it is in the dead-letter topic
    expect(await deliveriesOf([poison.id])).toEqual([]);
    expect(await inboxOf([poison.id])).toEqual([]);
    const dead = await eventually(async () => {
      const letters = await readDeadLetters(kafka, topic);
      return letters.length > 0 ? letters : undefined;
    }, 'the dead letter');
    expect(new Set(dead.map((d) => d.headers['event-id']))).toEqual(new Set([poison.id]));
  });

  it('with the dispatcher running, the batch hands its deliveries over leased (no claim, no round): delivered once each, signed, recorded', async () => {
    const hits: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(async () => {
      server.closeAllConnections();
      server.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tenants = TENANTS.slice(40, 46);
    // these tenants' apps now call the receiver (version 2)
    const { source, events, dispatcher } = await instance();
    for (const tenant of tenants) await updateApp(events, tenant, appOf(tenant), [`${base}/${tenant}`], 2);
    // the earlier tests' deliveries (to a closed port) are not this dispatcher's business
    await db.admin((c) => c.query(`update webhook_deliveries set status = 'failed', next_attempt_at = null where status = 'pending'`));
    dispatcher.start();
    await dispatcher.runOnce(); // the round at start is over; the poll is a minute: only the hand-over delivers within this test
    const topic = await createTestTopic(kafka, 'wh-intake-live', 1);
    const pays = tenants.flatMap((t) => [payment(t), payment(t)]);
    await producer.send({ topic, messages: pays.map((p) => p.message) });
    const outcomes: string[] = [];
    await consume(source, events, { ...PaymentSucceededV1, topic }, outcomes);
    const ids = pays.map((p) => p.id);
    const rows = await eventually(
      async () => {
        const r = (await db.admin((c) => c.query(`select * from webhook_deliveries where event_id = any($1::uuid[])`, [ids]))).rows;
        return r.length === pays.length && r.every((d) => d.status === 'delivered') ? r : undefined;
      },
      'every delivery delivered',
      30_000,
    );
    expect(rows.every((d) => d.attempt_count === 1 && d.lease_token === null && d.next_attempt_at === null)).toBe(true);
    expect(hits.map((h) => h.headers['webhook-id']).sort()).toEqual([...ids].sort());
    for (const h of hits) {
      expect(verifyWebhook({ secret: webhookSecret, headers: h.headers, body: h.body })).toEqual({ ok: true });
      const p = pays.find((x) => x.id === h.headers['webhook-id'])!;
      expect(h.path).toBe(`/${p.tenant}`);
    }
    const attempts = await db.admin((c) =>
      c.query(
        `select d.event_id, a.tenant_id, a.outcome from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.event_id = any($1::uuid[])`,
        [ids],
      ),
    );
    expect(attempts.rows).toHaveLength(pays.length);
    expect(attempts.rows.every((a) => a.outcome === 'delivered' && a.tenant_id === pays.find((p) => p.id === a.event_id)!.tenant)).toBe(true);
  });
});
