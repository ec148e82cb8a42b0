import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { AppUpdatedData, AppUpdatedV1, type EventDefinition, PaymentSucceededData, PaymentSucceededV1 } from '@countypay/contracts';
import { IdempotentConsumer, OutboxRelay, addToOutbox, createProducer, messagingTablesSql, on } from '@countypay/messaging';
import { createLogger, createMetrics } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { FieldCipher, generateWebhookSecret, verifyWebhook } from '@countypay/security';
import { createTestSchema, createTestTopic, eventually, testActors, testKafka, type TestSchema } from '@countypay/testing';
import { ListWebhookDeliveriesQuery } from './dto/list-deliveries.dto';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { webhookOpsSql } from '../migrations/1766500000000-webhook-ops';
import { webhookResendInFlightSql } from '../migrations/1767100000000-webhook-resend-in-flight';
import { webhookHotPathSql } from '../migrations/1768300000000-gateway-hot-path';
import { webhookIntakeSql } from '../migrations/1768500000000-webhook-intake';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhookEventsService } from './webhook-events.service';
import { CREDENTIAL_KEY_ID, WebhookSecrets } from './webhook-secrets';
import { WebhooksConfig } from './webhooks.config';
import type { RegistryService } from '../registry/registry.service';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

const TENANT = 't510121';
const OTHER_TENANT = 't511381';
const APP = 'app_webhookinttest000001';

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A partner's receiver on 127.0.0.1: answers 500 to the first `failures` requests of a path, then 200. */
/** `gate`: every request waits for it before being answered (a receiver that holds a dispatcher mid-round) */
async function receiver(failures: number, gate?: Promise<void>): Promise<{ server: Server; base: string; hits: Hit[]; pending: () => number }> {
  const hits: Hit[] = [];
  const seen = new Map<string, number>();
  let waiting = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void answer());
    const answer = async (): Promise<void> => {
      if (gate) {
        waiting++;
        await gate;
        waiting--;
      }
      const path = req.url ?? '';
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      const status = n <= failures ? 500 : 200;
      hits.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try again');
    };
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, pending: () => waiting };
}

function config(key: string): WebhooksConfig {
  return Object.assign(new WebhooksConfig(), {
    COUNTYPAY_CREDENTIAL_KEY: key,
    WEBHOOK_RETRY_SCALE: 0.01,
    WEBHOOK_POLL_MS: 20,
    WEBHOOK_BATCH_SIZE: 10,
    WEBHOOK_TIMEOUT_MS: 5000,
  });
}

describe('webhooks: consumer → deliveries → dispatcher (real PostgreSQL + Kafka)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let kafka: Kafka;
  let producer: Producer;
  const credentialKey = randomBytes(32).toString('base64');
  const cipher = new FieldCipher({ keys: [{ id: CREDENTIAL_KEY_ID, key: credentialKey }], activeKeyId: CREDENTIAL_KEY_ID });
  const webhookSecret = generateWebhookSecret();
  const logger = createLogger({ serviceName: 'gateway-it', level: process.env.IT_LOG_LEVEL === 'debug' ? 'debug' : 'silent' });
  const repo = new WebhooksRepository();
  let dispatcher: WebhookDispatcher;
  let events: WebhookEventsService;
  let lateApps: Map<string, { tenantId: string; data: AppUpdatedData }>;
  /** each data source's endpoints in memory, listening like a gateway instance's (one per "instance") */
  const endpointCaches = new Map<DataSource, WebhookEndpoints>();
  const endpointsOf = async (source: DataSource): Promise<WebhookEndpoints> => {
    let e = endpointCaches.get(source);
    if (!e) {
      e = new WebhookEndpoints(source, repo, logger);
      endpointCaches.set(source, e);
      await e.start();
    }
    return e;
  };

  beforeAll(async () => {
    db = await createTestSchema('webhooks', [
      ...messagingTablesSql(),
      ...webhookTablesSql(),
      ...webhookTraceSql(),
      ...webhookOpsSql(),
      ...webhookResendInFlightSql(),
      ...webhookHotPathSql(),
      ...webhookIntakeSql(),
    ]);
    ds = await db.appDataSource();
    kafka = testKafka();
    producer = createProducer(kafka);
    await producer.connect();
    const cfg = config(credentialKey);
    dispatcher = new WebhookDispatcher(ds, repo, await endpointsOf(ds), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it'), logger);
    // onboarding's app lookup, as the registry would answer it: the apps this test registers late
    const onboardingApps = new Map<string, { tenantId: string; data: AppUpdatedData }>();
    lateApps = onboardingApps;
    const registry = { appFromOnboarding: async (appId: string) => onboardingApps.get(appId) ?? null } as unknown as RegistryService;
    events = new WebhookEventsService(repo, dispatcher, registry, await endpointsOf(ds), logger, ds);
  });

  afterAll(async () => {
    await dispatcher.stop();
    for (const e of endpointCaches.values()) await e.stop();
    await producer.disconnect();
    await db.drop();
  });

  function appUpdated(callbackUrls: string[], version: number, appId = APP, secret = webhookSecret): AppUpdatedData {
    return Object.assign(new AppUpdatedData(), {
      appId,
      partnerId: randomUUID(),
      name: 'County market app',
      status: 'active',
      scopes: ['qr:pay'],
      callbackUrls,
      ipAllowlist: [],
      credentials: [],
      webhookSecretCiphertext: cipher.encrypt(secret),
      version,
    });
  }

  /** an app.updated event of `appId` in `tenant` with these callback URLs (and webhook secret) */
  function appUpdatedEvent(tenant: string, appId: string, urls: string[], version: number, secret = webhookSecret) {
    return {
      id: randomUUID(),
      type: AppUpdatedV1.type,
      version: 1,
      tenantId: tenant,
      occurredAt: new Date().toISOString(),
      data: appUpdated(urls, version, appId, secret),
    };
  }

  function paymentSucceeded(appId = APP): PaymentSucceededData {
    return Object.assign(new PaymentSucceededData(), {
      orderId: randomUUID(),
      outTradeNo: `ord-${randomBytes(4).toString('hex')}`,
      merchantId: randomUUID(),
      partnerAppId: appId,
      product: 'qr',
      channel: 'wechat',
      amountFen: 1288,
      currency: 'CNY',
      channelTradeNo: 'wx-4200001',
      paidAt: '2026-11-27T12:00:00.000Z',
    });
  }

  it('delivers a payment event to a receiver that fails 3 times: exactly 4 attempts, one accepted, validly signed, all logged', async () => {
    const rx = await receiver(3);
    const appTopic = await createTestTopic(kafka, 'wh-app', 1);
    const payTopic = await createTestTopic(kafka, 'wh-pay', 1);
    const appEvent: EventDefinition<AppUpdatedData> = { ...AppUpdatedV1, topic: appTopic };
    const payEvent: EventDefinition<PaymentSucceededData> = { ...PaymentSucceededV1, topic: payTopic };
    const url = `${rx.base}/countypay/hooks`;
    const consumer = new IdempotentConsumer(kafka, ds, producer, {
      name: `it-webhooks-${randomUUID()}`,
      // the payment topic as the gateway subscribes it: its batches written by the intake statement
      subscriptions: [on(appEvent, (e, em) => events.onAppUpdated(e, em)), events.partnerSubscription(payEvent)],
      maxAttempts: 5,
      backoffMs: 200,
    });
    const relay = new OutboxRelay(ds, producer, { batchSize: 10, pollMs: 20 });
    try {
      await inTenantTransaction(ds, TENANT, (em) => addToOutbox(em, appEvent, appUpdated([url], 1), { tenantId: TENANT }));
      await relay.publishBatch();
      await consumer.start();
      await eventually(
        () => inTenantTransaction(ds, TENANT, async (em) => ((await repo.findEndpoint(em, TENANT, APP)) ? true : undefined)),
        'the endpoint read model',
        60_000,
      );
      const envelope = await inTenantTransaction(ds, TENANT, (em) => addToOutbox(em, payEvent, paymentSucceeded(), { tenantId: TENANT }));
      await relay.publishBatch();
      dispatcher.start();

      const delivered = await eventually(
        async () => {
          const row = (await db.admin((c) => c.query(`select * from webhook_deliveries where event_id = $1`, [envelope.id]))).rows[0];
          return row?.status === 'delivered' ? row : undefined;
        },
        'the delivery to be delivered',
        60_000,
      );

      // the receiver: 3 refused, 1 accepted, all for the same webhook-id and the same bytes
      expect(rx.hits.map((h) => h.status)).toEqual([500, 500, 500, 200]);
      const accepted = rx.hits.filter((h) => h.status === 200);
      expect(accepted).toHaveLength(1);
      const [ok] = accepted;
      expect(verifyWebhook({ secret: webhookSecret, headers: ok!.headers, body: ok!.body })).toEqual({ ok: true });
      expect(new Set(rx.hits.map((h) => h.headers['webhook-id']))).toEqual(new Set([envelope.id]));
      expect(new Set(rx.hits.map((h) => h.body)).size).toBe(1);
      expect(ok!.headers['user-agent']).toBe('countypay-webhooks/1');
      const payload = JSON.parse(ok!.body);
      expect(payload).toMatchObject({
        id: envelope.id,
        type: 'payment.succeeded',
        tenantId: TENANT,
        created: Math.floor(Date.parse(envelope.occurredAt) / 1000),
      });
      expect(payload.data).toMatchObject({ amountFen: 1288, partnerAppId: APP, currency: 'CNY' });

      // the delivery and its log
      expect(delivered).toMatchObject({ tenant_id: TENANT, app_id: APP, url, attempt_count: 4, next_attempt_at: null, last_status_code: 200 });
      const attempts = await db.admin((c) =>
        c.query(`select attempt_no, triggered_by, status_code, error_class, outcome, duration_ms from webhook_attempts where delivery_id = $1 order by id`, [
          delivered.id,
        ]),
      );
      expect(attempts.rows.map((a) => [a.attempt_no, a.status_code, a.error_class, a.outcome])).toEqual([
        [1, 500, 'http_status', 'failed'],
        [2, 500, 'http_status', 'failed'],
        [3, 500, 'http_status', 'failed'],
        [4, 200, null, 'delivered'],
      ]);
      expect(attempts.rows.every((a) => a.triggered_by === 'schedule' && a.duration_ms >= 0)).toBe(true);

      // the partner API shows the app its delivery with the attempts; another tenant or app sees nothing
      const api = new WebhooksService(ds, repo, dispatcher);
      const page = await api.list(testActors.app(TENANT, { appId: APP }), Object.assign(new ListWebhookDeliveriesQuery(), { status: 'delivered' }));
      expect(page.data.map((d) => d.id)).toEqual([delivered.id]);
      expect(page.data[0]!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 200]);
      expect((await api.list(testActors.app(OTHER_TENANT, { appId: APP }), new ListWebhookDeliveriesQuery())).data).toEqual([]);
      await expect(api.get(testActors.app(OTHER_TENANT, { appId: APP }), delivered.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(api.get(testActors.app(TENANT, { appId: 'app_someoneelse000000000' }), delivered.id)).rejects.toMatchObject({ code: 'not_found' });

      // a manual resend: one more attempt now, logged as a resend
      const queued = await api.resend(testActors.app(TENANT, { appId: APP }), delivered.id);
      expect(queued.status).toBe('pending');
      const after = await eventually(
        async () => {
          const d = await api.get(testActors.app(TENANT, { appId: APP }), delivered.id);
          return d.status === 'delivered' && d.attemptCount === 5 ? d : undefined;
        },
        'the resend',
        30_000,
      );
      expect(after.attempts.map((a) => a.triggeredBy)).toEqual(['schedule', 'schedule', 'schedule', 'schedule', 'resend']);
      expect(rx.hits).toHaveLength(5);
      expect(verifyWebhook({ secret: webhookSecret, headers: rx.hits[4]!.headers, body: rx.hits[4]!.body })).toEqual({ ok: true });
    } finally {
      await dispatcher.stop();
      await consumer.stop();
      rx.server.closeAllConnections();
      rx.server.close();
    }
  });

  it('creates one delivery per callback URL, once per event, and none for events without a partner app', async () => {
    const urls = ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'];
    const appId = 'app_webhookinttest000002';
    const app = {
      id: randomUUID(),
      type: AppUpdatedV1.type,
      version: 1,
      tenantId: OTHER_TENANT,
      occurredAt: new Date().toISOString(),
      data: appUpdated(urls, 2, appId),
    };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onAppUpdated(app, em));
    // an older version arriving late changes nothing
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onAppUpdated({ ...app, data: appUpdated(['http://127.0.0.1:9/old'], 1, appId) }, em));
    const endpoint = await inTenantTransaction(ds, OTHER_TENANT, (em) => repo.findEndpoint(em, OTHER_TENANT, appId));
    expect(endpoint).toMatchObject({ callbackUrls: urls, version: 2 });

    const payment = {
      id: randomUUID(),
      type: 'payment.succeeded',
      version: 1,
      tenantId: OTHER_TENANT,
      occurredAt: new Date().toISOString(),
      data: paymentSucceeded(appId),
    };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(payment, em));
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(payment, em)); // a replay
    const noPartner = { ...payment, id: randomUUID(), data: { ...paymentSucceeded(appId), partnerAppId: undefined } };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(noPartner, em));

    const rows = await db.admin((c) => c.query(`select url, event_id from webhook_deliveries where tenant_id = $1 order by url`, [OTHER_TENANT]));
    expect(rows.rows).toEqual(urls.map((url) => ({ url, event_id: payment.id })));

    // a settlement payout to the partner's merchant: delivered to the app the payout event names
    const payout = {
      id: randomUUID(),
      type: 'payout.succeeded',
      version: 1,
      tenantId: OTHER_TENANT,
      occurredAt: new Date().toISOString(),
      data: {
        payoutId: randomUUID(),
        batchId: randomUUID(),
        merchantId: randomUUID(),
        instructionId: 'po-1-1',
        attempt: 1,
        amountFen: 99_800,
        status: 'succeeded',
        partnerAppId: appId,
        at: new Date().toISOString(),
      },
    };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(payout, em));
    const payoutRows = await db.admin((c) => c.query(`select url, event_type from webhook_deliveries where event_id = $1 order by url`, [payout.id]));
    expect(payoutRows.rows).toEqual(urls.map((url) => ({ url, event_type: 'payout.succeeded' })));

    // an app nobody knows (not even onboarding): no delivery, and the partition is not blocked
    const unknown = { ...payment, id: randomUUID(), data: paymentSucceeded('app_unknownappunknown000') };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(unknown, em));
    const none = await db.admin((c) => c.query(`select count(*)::int as n from webhook_deliveries where event_id = $1`, [unknown.id]));
    expect(none.rows[0].n).toBe(0);

    // the payment overtook its app's AppUpdatedV1 (topics are not ordered with each other): onboarding is asked
    const lateId = 'app_lateappxlateapp0000';
    lateApps.set(lateId, { tenantId: OTHER_TENANT, data: appUpdated(urls, 1, lateId) });
    const early = { ...payment, id: randomUUID(), data: paymentSucceeded(lateId) };
    await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(early, em));
    const late = await db.admin((c) => c.query(`select url from webhook_deliveries where event_id = $1 order by url`, [early.id]));
    expect(late.rows.map((r: { url: string }) => r.url)).toEqual(urls);
    // nobody listens on port 9: take these out of the way of the next test
    await db.admin((c) => c.query(`update webhook_deliveries set status = 'failed', next_attempt_at = null where tenant_id = $1`, [OTHER_TENANT]));
  });

  it('tells the partner app that owns a credit line about its line, drawdowns, statements and repayments', async () => {
    const topics = events.subscriptions().map((sub) => sub.event.topic);
    for (const t of [
      'countypay.credit.line-opened.v1',
      'countypay.credit.line-changed.v1',
      'countypay.credit.drawdown-created.v1',
      'countypay.credit.drawdown-reversed.v1',
      'countypay.credit.statement-issued.v1',
      'countypay.credit.repayment-received.v1',
      'countypay.credit.repayment-failed.v1',
    ])
      expect(topics).toContain(t);

    const appId = 'app_webhookcredit0000001';
    const urls = ['http://127.0.0.1:9/credit'];
    const at = new Date().toISOString();
    await inTenantTransaction(ds, OTHER_TENANT, (em) =>
      events.onAppUpdated(
        { id: randomUUID(), type: AppUpdatedV1.type, version: 1, tenantId: OTHER_TENANT, occurredAt: at, data: appUpdated(urls, 1, appId) },
        em,
      ),
    );
    const lineId = randomUUID();
    const envelope = (type: string, data: object) => ({ id: randomUUID(), type, version: 1, tenantId: OTHER_TENANT, occurredAt: at, data });
    const sent = [
      envelope('credit.line-opened', { lineId, partnerAppId: appId, customerRef: 'cust-1', limitFen: 5_000_000, state: 'active', expiresOn: '2028-12-31', at }),
      envelope('credit.drawdown-created', {
        loanId: randomUUID(),
        lineId,
        partnerAppId: appId,
        holdId: randomUUID(),
        caller: 'credit',
        paymentRef: 'SEED-1',
        principalFen: 120_000,
        installments: 3,
        aprPpm: 180_000,
        businessDate: '2026-03-10',
        at,
      }),
      envelope('credit.statement-issued', {
        statementId: randomUUID(),
        lineId,
        partnerAppId: appId,
        statementDate: '2026-04-01',
        dueDate: '2026-04-20',
        totalDueFen: 41_206,
        minimumPaymentFen: 5_741,
        newDrawdownsFen: 120_000,
        at,
      }),
      envelope('credit.repayment-failed', {
        lineId,
        partnerAppId: appId,
        kind: 'auto_debit',
        amountFen: 41_206,
        reason: 'insufficient_funds',
        businessDate: '2026-04-20',
        at,
      }),
      envelope('credit.repayment-received', {
        lineId,
        partnerAppId: appId,
        repaymentId: randomUUID(),
        kind: 'auto_debit',
        amountFen: 41_206,
        principalFen: 39_406,
        interestFen: 1_800,
        feeFen: 0,
        penaltyFen: 0,
        businessDate: '2026-04-21',
        at,
      }),
    ];
    for (const e of sent) await inTenantTransaction(ds, OTHER_TENANT, (em) => events.onPartnerEvent(e, em));
    const rows = await db.admin((c) => c.query(`select event_type, body from webhook_deliveries where app_id = $1 order by created_at, event_type`, [appId]));
    expect(rows.rows.map((r: { event_type: string }) => r.event_type).sort()).toEqual(sent.map((e) => e.type).sort());
    const statement = rows.rows.find((r: { event_type: string }) => r.event_type === 'credit.statement-issued') as { body: string };
    expect(JSON.parse(statement.body)).toMatchObject({
      type: 'credit.statement-issued',
      tenantId: OTHER_TENANT,
      data: { lineId, totalDueFen: 41_206, minimumPaymentFen: 5_741 },
    });
    await db.admin((c) => c.query(`update webhook_deliveries set status = 'failed', next_attempt_at = null where tenant_id = $1`, [OTHER_TENANT]));
  });

  it('two dispatchers working at once attempt each due delivery exactly once', async () => {
    let openGate!: () => void;
    const rx = await receiver(0, new Promise<void>((r) => (openGate = r)));
    const tenant = 't510181';
    const appId = 'app_webhookinttest000003';
    await inTenantTransaction(ds, tenant, (em) =>
      events.onAppUpdated(
        {
          id: randomUUID(),
          type: AppUpdatedV1.type,
          version: 1,
          tenantId: tenant,
          occurredAt: new Date().toISOString(),
          data: appUpdated([`${rx.base}/hook`], 1, appId),
        },
        em,
      ),
    );
    const N = 30;
    const ids: string[] = [];
    await inTenantTransaction(ds, tenant, async (em) => {
      for (let i = 0; i < N; i++) {
        const id = randomUUID();
        ids.push(id);
        await events.onPartnerEvent(
          { id, type: 'payment.succeeded', version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data: paymentSucceeded(appId) },
          em,
        );
      }
    });
    const ds2 = await db.appDataSource();
    const cfg = Object.assign(config(credentialKey), { WEBHOOK_BATCH_SIZE: 4 });
    const d1 = new WebhookDispatcher(ds, repo, await endpointsOf(ds), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-1'), logger);
    const d2 = new WebhookDispatcher(ds2, repo, await endpointsOf(ds2), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-2'), logger);
    try {
      // a round that finds nothing may only mean the other dispatcher holds the due rows (SKIP LOCKED): keep going until none is pending
      const drain = async (d: WebhookDispatcher): Promise<number> => {
        let total = 0;
        for (;;) {
          const n = await d.runOnce();
          total += n;
          if (n > 0) continue;
          if ((await repo.backlog(ds)).pending === 0) return total;
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      // the first dispatcher's round is held at the receiver with its batch claimed; the second
      // must claim other deliveries meanwhile (and wait for the receiver too), never the held ones
      const first = d1.runOnce();
      await eventually(async () => rx.pending() === 4 || undefined, 'the first round (a batch of 4) to reach the receiver', 5000);
      const second = d2.runOnce();
      await eventually(async () => rx.pending() === 8 || undefined, 'the second round (4 others) to reach the receiver', 5000);
      openGate();
      const [a0, b0] = await Promise.all([first, second]);
      // a round claims one batch, never more (an UPDATE … FROM a LIMIT … SKIP LOCKED subquery once claimed them all)
      expect([a0, b0]).toEqual([4, 4]);
      const [a, b] = (await Promise.all([drain(d1), drain(d2)])).map((n, i) => n + [a0, b0][i]!);
      expect(a + b).toBe(N);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(rx.hits.map((h) => h.headers['webhook-id']).sort()).toEqual([...ids].sort());
      const backlog = await d1.sampleBacklog();
      expect(backlog.pending).toBe(0);
      // nothing pending: nothing falls due (an idle dispatcher sleeps its longest, it does not poll every WEBHOOK_POLL_MS)
      expect(await repo.nextDueInMs(ds)).toBeUndefined();
    } finally {
      rx.server.closeAllConnections();
      rx.server.close();
    }
  });
  it('a resend while an attempt is in flight: one attempt at a time, and the delivery ends as its attempts did', async () => {
    const tenant = 't510182';
    const appId = 'app_webhookinttest000005';
    // receivers held mid-attempt: `failing` answers its first request 500, `ok` answers 200
    let openFailing!: () => void;
    let openOk!: () => void;
    const failing = await receiver(1, new Promise<void>((r) => (openFailing = r)));
    const ok = await receiver(0, new Promise<void>((r) => (openOk = r)));
    const cfg = config(credentialKey);
    const d = new WebhookDispatcher(ds, repo, await endpointsOf(ds), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-resend'), logger);
    const api = new WebhooksService(ds, repo, d);
    const actor = testActors.app(tenant, { appId });
    const deliveryTo = async (url: string, version: number): Promise<string> => {
      const eventId = randomUUID();
      await inTenantTransaction(ds, tenant, async (em) => {
        await events.onAppUpdated(
          {
            id: randomUUID(),
            type: AppUpdatedV1.type,
            version: 1,
            tenantId: tenant,
            occurredAt: new Date().toISOString(),
            data: appUpdated([url], version, appId),
          },
          em,
        );
        await events.onPartnerEvent(
          { id: eventId, type: 'payment.succeeded', version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data: paymentSucceeded(appId) },
          em,
        );
      });
      const page = await api.list(actor, new ListWebhookDeliveriesQuery());
      return page.data.find((x) => x.eventId === eventId)!.id;
    };
    try {
      // 1. the in-flight attempt fails: the resend goes out next, once, marked as the resend
      const first = await deliveryTo(`${failing.base}/hook`, 1);
      const round = d.runOnce();
      await eventually(async () => failing.pending() === 1 || undefined, 'the attempt to reach the receiver', 5000);
      expect((await api.resend(actor, first)).status).toBe('pending');
      // the running attempt keeps its lease: another round meanwhile does not attempt the same delivery
      const meanwhile = d.runOnce();
      openFailing();
      await Promise.all([round, meanwhile]);
      expect(failing.hits.map((h) => h.status)).toEqual([500]);
      const queued = await api.get(actor, first);
      expect([queued.status, queued.attemptCount]).toEqual(['pending', 1]);
      expect(new Date(queued.nextAttemptAt!).getTime()).toBeLessThanOrEqual(Date.now());
      await d.runOnce();
      const done = await api.get(actor, first);
      expect([done.status, done.attempts.map((a) => [a.triggeredBy, a.outcome])]).toEqual([
        'delivered',
        [
          ['schedule', 'failed'],
          ['resend', 'delivered'],
        ],
      ]);
      expect(failing.hits.map((h) => h.status)).toEqual([500, 200]);

      // 2. the in-flight attempt delivers: the resend is satisfied by it — delivered, no second call
      const second = await deliveryTo(`${ok.base}/hook`, 2);
      const round2 = d.runOnce();
      await eventually(async () => ok.pending() === 1 || undefined, 'the attempt to reach the receiver', 5000);
      await api.resend(actor, second);
      openOk();
      await round2;
      const delivered = await api.get(actor, second);
      expect([delivered.status, delivered.attemptCount]).toEqual(['delivered', 1]);
      await d.runOnce();
      expect(ok.hits).toHaveLength(1);
    } finally {
      for (const rx of [failing, ok]) {
        rx.server.closeAllConnections();
        rx.server.close();
      }
    }
  });

  it('a restart loses nothing (a new dispatcher continues from PostgreSQL), and a URL the app removed is not called again', async () => {
    const rx = await receiver(1);
    const tenant = 't510118';
    const appId = 'app_webhookinttest000004';
    const [keep, drop] = [`${rx.base}/keep`, `${rx.base}/drop`];
    const app = (urls: string[], version: number) => appUpdatedEvent(tenant, appId, urls, version);
    await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app([keep, drop], 1), em));
    const eventId = randomUUID();
    await inTenantTransaction(ds, tenant, (em) =>
      events.onPartnerEvent(
        { id: eventId, type: 'refund.succeeded', version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data: paymentSucceeded(appId) },
        em,
      ),
    );
    const cfg = config(credentialKey);
    const first = new WebhookDispatcher(ds, repo, await endpointsOf(ds), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-a'), logger);
    expect(await first.runOnce()).toBe(2); // both fail once (500)
    // "restart": a new instance with its own pool; meanwhile the partner removes one URL
    await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app([keep], 2), em));
    const ds2 = await db.appDataSource();
    const second = new WebhookDispatcher(ds2, repo, await endpointsOf(ds2), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-b'), logger);
    try {
      const rows = await eventually(
        async () => {
          await second.runOnce();
          const r = await db.admin((c) => c.query(`select url, status, attempt_count from webhook_deliveries where event_id = $1 order by url`, [eventId]));
          return r.rows.every((x) => x.status !== 'pending') ? r.rows : undefined;
        },
        'both deliveries finished',
        30_000,
      );
      expect(rows).toEqual([
        { url: drop, status: 'failed', attempt_count: 2 },
        { url: keep, status: 'delivered', attempt_count: 2 },
      ]);
      const attempts = await db.admin((c) =>
        c.query(
          `select d.url, a.status_code, a.error_class from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.event_id = $1 order by d.url, a.id`,
          [eventId],
        ),
      );
      expect(attempts.rows).toEqual([
        { url: drop, status_code: 500, error_class: 'http_status' },
        { url: drop, status_code: null, error_class: 'url_removed' },
        { url: keep, status_code: 500, error_class: 'http_status' },
        { url: keep, status_code: 200, error_class: null },
      ]);
      expect(rx.hits.map((h) => `${h.path} ${h.status}`).sort()).toEqual(['/drop 500', '/keep 200', '/keep 500']);
    } finally {
      rx.server.closeAllConnections();
      rx.server.close();
    }
  });

  it('a live delivery is attempted right after the consumer commits (no round), and a changed endpoint reaches every instance at once', async () => {
    const rx = await receiver(0);
    const tenant = 't510184';
    const appId = 'app_webhookinttest000006';
    const app = (urls: string[], version: number) => appUpdatedEvent(tenant, appId, urls, version);
    await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app([`${rx.base}/v1`], 1), em));
    // another instance keeps the endpoint in memory
    const ds2 = await db.appDataSource();
    const other = await endpointsOf(ds2);
    expect((await other.findOutsideTransaction(tenant, appId))?.version).toBe(1);
    // the partner changes its URL: the other instance drops its copy on the notification
    await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app([`${rx.base}/v2`], 2), em));
    await eventually(
      async () => ((await other.findOutsideTransaction(tenant, appId))?.version === 2 ? true : undefined),
      'the change on the other instance',
      5000,
    );
    expect((await other.findOutsideTransaction(tenant, appId))?.callbackUrls).toEqual([`${rx.base}/v2`]);

    // a running dispatcher: the consumer's transaction hands the delivery over, no round claims it
    const cfg = Object.assign(config(credentialKey), { WEBHOOK_POLL_MS: 60_000 });
    const live = new WebhookDispatcher(ds, repo, await endpointsOf(ds), new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-live'), logger);
    const liveEvents = new WebhookEventsService(
      repo,
      live,
      { appFromOnboarding: async () => null } as unknown as RegistryService,
      await endpointsOf(ds),
      logger,
      ds,
    );
    live.start();
    try {
      await live.runOnce(); // the round at start is over: from now on only the consumer's hand-over can deliver within the poll
      const eventId = randomUUID();
      const payment = {
        id: eventId,
        type: 'payment.succeeded',
        version: 1,
        tenantId: tenant,
        occurredAt: new Date().toISOString(),
        data: paymentSucceeded(appId),
      };
      // a transaction that rolls back hands nothing over (and leaves no delivery)
      await expect(
        inTenantTransaction(ds, tenant, async (em) => {
          await liveEvents.onPartnerEvent(payment, em);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await inTenantTransaction(ds, tenant, (em) => liveEvents.onPartnerEvent(payment, em));
      const row = await eventually(
        async () => {
          const r = (await db.admin((c) => c.query(`select * from webhook_deliveries where event_id = $1`, [eventId]))).rows[0];
          return r?.status === 'delivered' ? r : undefined;
        },
        'the delivery handed over by the consumer',
        5000,
      );
      expect(row).toMatchObject({ url: `${rx.base}/v2`, attempt_count: 1, lease_token: null, next_attempt_at: null });
      expect(rx.hits.map((h) => `${h.path} ${h.status}`)).toEqual(['/v2 200']);
      expect(verifyWebhook({ secret: webhookSecret, headers: rx.hits[0]!.headers, body: rx.hits[0]!.body })).toEqual({ ok: true });
    } finally {
      await live.stop();
      rx.server.closeAllConnections();
      rx.server.close();
    }
  });
  it('a changed webhook secret signs the next attempt at once, on this instance and on another, and the old one never again', async () => {
    const rx = await receiver(0);
    const tenant = 't510185';
    const appId = 'app_webhookinttest000007';
    const [first, second, third] = [generateWebhookSecret(), generateWebhookSecret(), generateWebhookSecret()];
    const app = (version: number, secret: string) => appUpdatedEvent(tenant, appId, [`${rx.base}/hook`], version, secret);
    const cfg = config(credentialKey);
    const endpoints = await endpointsOf(ds);
    const d = new WebhookDispatcher(ds, repo, endpoints, new WebhookSecrets(cfg), cfg, createMetrics('gateway-it-secret'), logger);
    const api = new WebhooksService(ds, repo, d);
    const actor = testActors.app(tenant, { appId });
    /** a payment event's delivery, attempted by a round of `d`: the secrets that verify the request the receiver got */
    const deliverOne = async (): Promise<{ deliveryId: string; verifiedBy: string[] }> => {
      const eventId = randomUUID();
      await inTenantTransaction(ds, tenant, (em) =>
        events.onPartnerEvent(
          { id: eventId, type: 'payment.succeeded', version: 1, tenantId: tenant, occurredAt: new Date().toISOString(), data: paymentSucceeded(appId) },
          em,
        ),
      );
      return {
        deliveryId: (await api.list(actor, new ListWebhookDeliveriesQuery())).data.find((x) => x.eventId === eventId)!.id,
        verifiedBy: await attempted(),
      };
    };
    /** one round of `d`: the secrets that verify the one request it sent */
    const attempted = async (): Promise<string[]> => {
      const before = rx.hits.length;
      expect(await d.runOnce()).toBe(1);
      expect(rx.hits).toHaveLength(before + 1);
      const hit = rx.hits[before]!;
      return [first, second, third].filter((secret) => verifyWebhook({ secret, headers: hit.headers, body: hit.body }).ok);
    };
    try {
      await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app(1, first), em));
      const one = await deliverOne();
      expect(one.verifiedBy).toEqual([first]);
      // the endpoint (and its key) is kept in memory: the next attempt does not read it again
      const kept = await endpoints.findOutsideTransaction(tenant, appId);
      expect(await endpoints.findOutsideTransaction(tenant, appId)).toBe(kept);
      expect((await deliverOne()).verifiedBy).toEqual([first]);

      // the partner rotates its secret, consumed by this instance: the very next attempt is signed with the new one
      await inTenantTransaction(ds, tenant, (em) => events.onAppUpdated(app(2, second), em));
      expect((await deliverOne()).verifiedBy).toEqual([second]);

      // rotated again, consumed by another instance: this one drops its copy (and key) on the notification
      const ds2 = await db.appDataSource();
      await inTenantTransaction(ds2, tenant, (em) =>
        repo.upsertEndpoint(em, { tenantId: tenant, appId, callbackUrls: [`${rx.base}/hook`], webhookSecretCiphertext: cipher.encrypt(third), version: 3 }),
      );
      await eventually(async () => ((await endpoints.findOutsideTransaction(tenant, appId))?.version === 3 ? true : undefined), 'the notification', 5000);
      expect((await deliverOne()).verifiedBy).toEqual([third]);
      // an old event resent: signed with the current secret, never an earlier one
      await api.resend(actor, one.deliveryId);
      expect(await attempted()).toEqual([third]);
      expect(rx.hits).toHaveLength(5);
    } finally {
      rx.server.closeAllConnections();
      rx.server.close();
    }
  });
});
