import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceUrlsConfig } from '@countypay/config';
import { messagingTablesSql } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, type TestService } from '@countypay/testing';
import { GatewayConfig } from '../config/gateway.config';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { webhookOpsSql } from '../migrations/1766500000000-webhook-ops';
import { webhookResendInFlightSql } from '../migrations/1767100000000-webhook-resend-in-flight';
import { webhookHotPathSql } from '../migrations/1768300000000-gateway-hot-path';
import { CREDENTIAL_CIPHER, REGISTRY_SERVICE_URLS, RegistryService } from '../registry/registry.service';
import { WebhooksConfig } from './webhooks.config';
import { WebhooksModule } from './webhooks.module';
import { WebhooksRepository } from './webhooks.repository';

const TENANT = 't510121';
const OTHER_TENANT = 't511381';
const APP = 'app_webhookctrltest00001';
const BULK_APP = 'app_webhookbulkpaging001';
const OTHER_APP = 'app_webhookotherapp0001';
const ORDER = randomUUID();

describe('webhooks partner API over HTTP (real PostgreSQL)', () => {
  let svc: TestService;
  const ids: string[] = [];
  const asApp = (appId = APP, tenantId = TENANT) => testActors.app(tenantId, { appId });
  const get = (path: string, actor: Actor = asApp()) => svc.call('GET', path, { actor });

  beforeAll(async () => {
    svc = await startTestService({
      service: 'webhooks_api',
      ddl: [...messagingTablesSql(), ...webhookTablesSql(), ...webhookTraceSql(), ...webhookOpsSql(), ...webhookResendInFlightSql(), ...webhookHotPathSql()],
      imports: [WebhooksModule],
      override: (b) =>
        b
          .overrideProvider(WebhooksConfig)
          .useValue(Object.assign(new WebhooksConfig(), { COUNTYPAY_CREDENTIAL_KEY: randomBytes(32).toString('base64'), WEBHOOK_DISPATCHER: 'off' }))
          // the app registry (onboarding look-ups) is not part of this API test
          .overrideProvider(RegistryService)
          .useValue({ appFromOnboarding: async () => null })
          .overrideProvider(GatewayConfig)
          .useValue(new GatewayConfig())
          .overrideProvider(REGISTRY_SERVICE_URLS)
          .useValue(new ServiceUrlsConfig())
          .overrideProvider(CREDENTIAL_CIPHER)
          .useValue(null),
    });
    const repo = new WebhooksRepository();
    await inTenantTransaction(svc.ds, TENANT, async (em) => {
      for (let i = 0; i < 3; i++) {
        const event = {
          eventId: randomUUID(),
          appId: APP,
          eventType: 'payment.succeeded',
          urls: ['https://partner.example/hook'],
          body: '{}',
          traceparent: null,
        };
        await repo.insertDeliveries(em, TENANT, event, undefined);
      }
    });
    const rows = await svc.schema.adminQuery<{ id: string }>(`select id from webhook_deliveries order by seq desc`);
    ids.push(...rows.map((r) => r.id));
    // another app of the same county: one payment's success to two URLs (the ops console's view)
    await inTenantTransaction(svc.ds, TENANT, async (em) => {
      const body = JSON.stringify({
        id: randomUUID(),
        type: 'payment.succeeded',
        created: 1767225600,
        tenantId: TENANT,
        data: { orderId: ORDER, amountFen: '1200' },
      });
      const eventId = randomUUID();
      const urls = ['https://other.example/a', 'https://other.example/b'];
      await repo.insertDeliveries(em, TENANT, { eventId, appId: OTHER_APP, eventType: 'payment.succeeded', urls, body, traceparent: null }, undefined);
    });
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('lists the calling app’s deliveries, newest first, page by page', async () => {
    const first = await get('/v1/webhooks/deliveries?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((d: { id: string }) => d.id)).toEqual(ids.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const page2 = await get(`/v1/webhooks/deliveries?limit=2&cursor=${first.body.nextCursor}`);
    expect(page2.body.data.map((d: { id: string }) => d.id)).toEqual(ids.slice(2));
    expect(page2.body).toEqual({ data: expect.any(Array), nextCursor: null });
    const pending = await get('/v1/webhooks/deliveries?status=pending');
    expect(pending.body.data).toHaveLength(3);
  });

  it('validates the query', async () => {
    const bad = await get('/v1/webhooks/deliveries?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('limit');
    expect((await get('/v1/webhooks/deliveries?colour=red')).body.error.code).toBe('unknown_field');
    expect((await get('/v1/webhooks/deliveries?status=lost')).status).toBe(400);
    const forged = await get('/v1/webhooks/deliveries?cursor=Zm9v');
    expect(forged.status).toBe(400);
    expect(forged.body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
  });

  it('answers 404 for another app’s or tenant’s delivery, and refuses callers that are not apps', async () => {
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`)).status).toBe(200);
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`, asApp('app_someoneelse000000000'))).status).toBe(404);
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`, asApp(APP, OTHER_TENANT))).status).toBe(404);
    expect((await get('/v1/webhooks/deliveries/not-a-uuid')).status).toBe(404);
    const anonymous = await svc.call('GET', '/v1/webhooks/deliveries');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('invalid_service_assertion');
    expect((await get('/v1/webhooks/deliveries', testActors.county(TENANT))).body.error.code).toBe('forbidden_actor');
  });

  it('resend queues an attempt now: 202 with the delivery', async () => {
    await svc.schema.adminQuery(`update webhook_deliveries set status = 'failed', next_attempt_at = null, attempt_count = 16 where id = $1`, [ids[1]]);
    const res = await svc.call('POST', `/v1/webhooks/deliveries/${ids[1]}/resend`, { actor: asApp() });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: ids[1], status: 'pending', attemptCount: 16 });
    const [row] = await svc.schema.adminQuery(`select retry_on_failure, resend_requested from webhook_deliveries where id = $1`, [ids[1]]);
    expect(row).toEqual({ retry_on_failure: false, resend_requested: true });
    expect((await svc.call('POST', `/v1/webhooks/deliveries/${ids[1]}/resend`, { actor: asApp('app_someoneelse000000000') })).status).toBe(404);
  });

  describe('operators (the ops console)', () => {
    const county = testActors.county(TENANT);
    const otherCounty = testActors.county(OTHER_TENANT);

    it('list every app’s deliveries of the county, newest first, filtered by order, app, status and event type', async () => {
      const all = await get('/v1/ops/webhooks/deliveries?limit=100', county);
      expect(all.status).toBe(200);
      expect(all.body.data).toHaveLength(5);
      expect(new Set(all.body.data.map((d: { appId: string }) => d.appId))).toEqual(new Set([APP, OTHER_APP]));
      expect(all.body.data.every((d: { tenantId: string }) => d.tenantId === TENANT)).toBe(true);

      const byOrder = await get(`/v1/ops/webhooks/deliveries?orderId=${ORDER}`, county);
      expect(byOrder.body.data.map((d: { url: string }) => d.url).sort()).toEqual(['https://other.example/a', 'https://other.example/b']);
      expect(byOrder.body.data[0]).toMatchObject({ appId: OTHER_APP, eventType: 'payment.succeeded', status: 'pending', attempts: [] });
      expect((await get(`/v1/ops/webhooks/deliveries?appId=${APP}`, county)).body.data).toHaveLength(3);
      expect((await get(`/v1/ops/webhooks/deliveries?orderId=${randomUUID()}`, county)).body.data).toHaveLength(0);
      const eventId = byOrder.body.data[0].eventId as string;
      expect((await get(`/v1/ops/webhooks/deliveries?eventId=${eventId}`, county)).body.data).toHaveLength(2);
      expect((await get('/v1/ops/webhooks/deliveries?eventType=refund.failed', county)).body.data).toHaveLength(0);

      // a province operator sees the county it names, and must name one
      const province = await get(`/v1/ops/webhooks/deliveries?orderId=${ORDER}`, testActors.province(TENANT));
      expect(province.body.data).toHaveLength(2);
      const unnamed = await get('/v1/ops/webhooks/deliveries', testActors.province());
      expect(unnamed.status).toBe(400);
      expect(unnamed.body.error.code).toBe('invalid_tenant');
      // another county sees none of them
      expect((await get(`/v1/ops/webhooks/deliveries?orderId=${ORDER}`, otherCounty)).body.data).toHaveLength(0);
    });

    it('validates the filters and refuses apps', async () => {
      for (const [q, param] of [
        ['orderId=42', 'orderId'],
        ['appId=APP', 'appId'],
        ['eventType=payment.lost', 'eventType'],
        ['status=lost', 'status'],
      ] as const) {
        const bad = await get(`/v1/ops/webhooks/deliveries?${q}`, county);
        expect(bad.status).toBe(400);
        expect(bad.body.error.param).toBe(param);
      }
      // an app-list cursor is not an ops-list cursor
      const appPage = await get('/v1/webhooks/deliveries?limit=1');
      const crossed = await get(`/v1/ops/webhooks/deliveries?cursor=${appPage.body.nextCursor}`, county);
      expect(crossed.status).toBe(400);
      expect(crossed.body.error.param).toBe('cursor');
      expect((await get('/v1/ops/webhooks/deliveries', asApp())).body.error.code).toBe('forbidden_actor');
    });

    it('get and resend answer 404 for another county’s delivery and change nothing there', async () => {
      const id = ids[2]!;
      expect((await get(`/v1/ops/webhooks/deliveries/${id}`, otherCounty)).status).toBe(404);
      expect((await get(`/v1/ops/webhooks/deliveries/${id}`, testActors.province(OTHER_TENANT))).status).toBe(404);
      expect((await get(`/v1/ops/webhooks/deliveries/${id}`, county)).body).toMatchObject({ id, appId: APP, tenantId: TENANT });
      await svc.schema.adminQuery(`update webhook_deliveries set status = 'failed', next_attempt_at = null where id = $1`, [id]);
      const refused = await svc.call('POST', `/v1/ops/webhooks/deliveries/${id}/resend`, { actor: otherCounty });
      expect(refused.status).toBe(404);
      expect(refused.body.error.code).toBe('not_found');
      const [still] = await svc.schema.adminQuery(`select status from webhook_deliveries where id = $1`, [id]);
      expect(still).toEqual({ status: 'failed' });
      expect(await svc.schema.adminQuery(`select * from webhook_resends where delivery_id = $1`, [id])).toEqual([]);
    });

    it('resend queues one attempt now and records which operator asked', async () => {
      const id = ids[2]!;
      await svc.schema.adminQuery(`update webhook_deliveries set status = 'failed', next_attempt_at = null where id = $1`, [id]);
      const res = await svc.call('POST', `/v1/ops/webhooks/deliveries/${id}/resend`, { actor: county, headers: { 'x-request-id': 'req-ops-resend-1' } });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ id, status: 'pending', appId: APP, tenantId: TENANT });
      const [row] = await svc.schema.adminQuery(
        `select retry_on_failure, resend_requested, next_attempt_at <= now() as due from webhook_deliveries where id = $1`,
        [id],
      );
      expect(row).toEqual({ retry_on_failure: false, resend_requested: true, due: true });
      const audit = await svc.schema.adminQuery(`select tenant_id, actor_type, actor_id, request_id from webhook_resends where delivery_id = $1`, [id]);
      expect(audit).toEqual([{ tenant_id: TENANT, actor_type: 'county', actor_id: county.id, request_id: 'req-ops-resend-1' }]);
    });

    it('records a partner’s own resend too', async () => {
      const res = await svc.call('POST', `/v1/webhooks/deliveries/${ids[0]}/resend`, { actor: asApp() });
      expect(res.status).toBe(202);
      const audit = await svc.schema.adminQuery(`select actor_type, actor_id from webhook_resends where delivery_id = $1`, [ids[0]]);
      expect(audit).toEqual([{ actor_type: 'app', actor_id: asApp().id }]);
    });
  });

  it('pages more than 10,000 deliveries whose sequence crosses 999→1000 and 9999→10000: ordered, disjoint, complete', async () => {
    const insert = (from: number, to: number, tenant = TENANT, app = BULK_APP) =>
      svc.schema.adminQuery(
        `insert into webhook_deliveries (id, tenant_id, app_id, event_id, event_type, url, body, status, next_attempt_at)
         select gen_random_uuid(), $1, $2, gen_random_uuid(), 'payment.succeeded', 'https://partner.example/hook/' || g, '{}', 'delivered', null
           from generate_series($3::int, $4::int) g`,
        [tenant, app, from, to],
      );
    await svc.schema.adminQuery(`select setval(pg_get_serial_sequence('webhook_deliveries', 'seq'), 990)`);
    await insert(1, 20); // 991…1010
    await svc.schema.adminQuery(`select setval(pg_get_serial_sequence('webhook_deliveries', 'seq'), 9990)`);
    await insert(21, 10_050); // 9991…20020
    await insert(1, 50, OTHER_TENANT); // another county's, interleaved in the sequence
    const expected = await svc.schema.adminQuery<{ id: string }>(`select id from webhook_deliveries where app_id = $1 and tenant_id = $2`, [BULK_APP, TENANT]);
    expect(expected).toHaveLength(10_050);
    const seqOf = new Map(
      (await svc.schema.adminQuery<{ id: string; seq: string }>(`select id, seq::text from webhook_deliveries`)).map((r) => [r.id, BigInt(r.seq)]),
    );

    const result = await assertKeysetPaging<{ id: string }>({
      fetchPage: async (cursor) => (await get(`/v1/webhooks/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ''}`, asApp(BULK_APP))).body,
      id: (d) => d.id,
      compare: (a, b) => (seqOf.get(a.id)! > seqOf.get(b.id)! ? -1 : 1),
      expectedIds: expected.map((r) => r.id),
    });
    expect(result).toEqual({ pages: 101, items: 10_050 });

    // the ops console's list of the county, narrowed to the bulk app: the same rows, its own cursor
    const ops = await assertKeysetPaging<{ id: string }>({
      fetchPage: async (cursor) =>
        (await get(`/v1/ops/webhooks/deliveries?appId=${BULK_APP}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, testActors.county(TENANT))).body,
      id: (d) => d.id,
      compare: (a, b) => (seqOf.get(a.id)! > seqOf.get(b.id)! ? -1 : 1),
      expectedIds: expected.map((r) => r.id),
    });
    expect(ops).toEqual({ pages: 101, items: 10_050 });
  }, 240_000);
});
