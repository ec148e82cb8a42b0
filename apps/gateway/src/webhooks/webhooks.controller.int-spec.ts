import { randomBytes, randomUUID } from 'node:crypto';
import { ServiceUrlsConfig } from '@countypay/config';
import { messagingTablesSql } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, startTestService, testActors, type TestService } from '@countypay/testing';
import { GatewayConfig } from '../config/gateway.config';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { CREDENTIAL_CIPHER, REGISTRY_SERVICE_URLS, RegistryService } from '../registry/registry.service';
import { WebhooksConfig } from './webhooks.config';
import { WebhooksModule } from './webhooks.module';
import { WebhooksRepository } from './webhooks.repository';

const TENANT = 't510121';
const OTHER_TENANT = 't511381';
const APP = 'app_webhookctrltest00001';
const BULK_APP = 'app_webhookbulkpaging001';

describe('webhooks partner API over HTTP (real PostgreSQL)', () => {
  let svc: TestService;
  const ids: string[] = [];
  const asApp = (appId = APP, tenantId = TENANT) => testActors.app(tenantId, { appId });
  const get = (path: string, actor: Actor = asApp()) => svc.call('GET', path, { actor });

  beforeAll(async () => {
    svc = await startTestService({
      service: 'webhooks_api',
      ddl: [...messagingTablesSql(), ...webhookTablesSql(), ...webhookTraceSql()],
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
        await repo.insertDeliveries(em, [
          { tenantId: TENANT, appId: APP, eventId: randomUUID(), eventType: 'payment.succeeded', url: 'https://partner.example/hook', body: '{}' },
        ]);
      }
    });
    const rows = await svc.schema.adminQuery<{ id: string }>(`select id from webhook_deliveries order by seq desc`);
    ids.push(...rows.map((r) => r.id));
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
  }, 120_000);
});
