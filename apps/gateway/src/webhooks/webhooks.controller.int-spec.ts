import { randomBytes, randomUUID } from 'node:crypto';
import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { createLogger, createMetrics } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { ApiExceptionFilter, LOGGER, METRICS, apiValidationPipe } from '@countypay/service-kit';
import { createTestSchema, type TestSchema } from '@countypay/testing';
import { messagingTablesSql } from '@countypay/messaging';
import { webhookTablesSql } from '../migrations/1764210000000-webhooks';
import { webhookTraceSql } from '../migrations/1764210100000-webhook-trace';
import { WebhooksConfig } from './webhooks.config';
import { ServiceUrlsConfig } from '@countypay/config';
import { GatewayConfig } from '../config/gateway.config';
import { CREDENTIAL_CIPHER, REGISTRY_SERVICE_URLS, RegistryService } from '../registry/registry.service';
import { WebhooksModule } from './webhooks.module';
import { WebhooksRepository } from './webhooks.repository';

const TENANT = 't510121';
const APP = 'app_webhookctrltest00001';
const logger = createLogger({ serviceName: 'gateway-it', level: 'silent' });

describe('webhooks partner API over HTTP (real PostgreSQL)', () => {
  let db: TestSchema;
  let app: INestApplication;
  let base: string;
  const ids: string[] = [];
  const asApp = (appId = APP, tenantId = TENANT): Record<string, string> => ({ 'x-cp-actor-type': 'app', 'x-cp-app-id': appId, 'x-cp-actor-id': appId, 'tenant-id': tenantId });

  beforeAll(async () => {
    db = await createTestSchema('webhooks_api', [...messagingTablesSql(), ...webhookTablesSql(), ...webhookTraceSql()]);
    const ds = await db.appDataSource();
    // what ServiceKitModule gives the app
    @Global()
    @Module({
      providers: [
        { provide: DataSource, useValue: ds },
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: createMetrics('gateway-it-api') },
      ],
      exports: [DataSource, LOGGER, METRICS],
    })
    class KitStub {}
    const moduleRef = await Test.createTestingModule({ imports: [KitStub, WebhooksModule] })
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
      .useValue(null)
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(apiValidationPipe());
    app.useGlobalFilters(new ApiExceptionFilter(logger));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    const repo = new WebhooksRepository();
    await inTenantTransaction(ds, TENANT, async (em) => {
      for (let i = 0; i < 3; i++) {
        await repo.insertDeliveries(em, [{ tenantId: TENANT, appId: APP, eventId: randomUUID(), eventType: 'payment.succeeded', url: 'https://partner.example/hook', body: '{}' }]);
      }
    });
    const rows = await db.admin((c) => c.query(`select id from webhook_deliveries order by seq desc`));
    ids.push(...rows.rows.map((r: { id: string }) => r.id));
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const get = (path: string, headers = asApp()) => fetch(`${base}${path}`, { headers });

  it('lists the calling app’s deliveries, newest first, page by page', async () => {
    const first = await get('/v1/webhooks/deliveries?limit=2');
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { data: Array<{ id: string; attempts: unknown[] }>; hasMore: boolean; nextCursor: string };
    expect(page1.data.map((d) => d.id)).toEqual(ids.slice(0, 2));
    expect(page1.hasMore).toBe(true);
    const page2 = (await (await get(`/v1/webhooks/deliveries?limit=2&cursor=${page1.nextCursor}`)).json()) as { data: Array<{ id: string }>; hasMore: boolean; nextCursor: null };
    expect(page2.data.map((d) => d.id)).toEqual(ids.slice(2));
    expect(page2).toMatchObject({ hasMore: false, nextCursor: null });
    const pending = (await (await get('/v1/webhooks/deliveries?status=pending')).json()) as { data: unknown[] };
    expect(pending.data).toHaveLength(3);
  });

  it('validates the query', async () => {
    const bad = await get('/v1/webhooks/deliveries?limit=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('limit');
    const unknown = await get('/v1/webhooks/deliveries?colour=red');
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_field');
    expect((await get('/v1/webhooks/deliveries?status=lost')).status).toBe(400);
    expect((await get('/v1/webhooks/deliveries?cursor=Zm9v')).status).toBe(400);
  });

  it('answers 404 for another app’s or tenant’s delivery, and 401 without an app', async () => {
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`)).status).toBe(200);
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`, asApp('app_someoneelse000000000'))).status).toBe(404);
    expect((await get(`/v1/webhooks/deliveries/${ids[0]}`, asApp(APP, 't511381'))).status).toBe(404);
    expect((await get('/v1/webhooks/deliveries/not-a-uuid')).status).toBe(404);
    expect((await get('/v1/webhooks/deliveries', {})).status).toBe(401);
  });

  it('resend queues an attempt now: 202 with the delivery', async () => {
    await db.admin((c) => c.query(`update webhook_deliveries set status = 'failed', next_attempt_at = null, attempt_count = 16 where id = $1`, [ids[1]]));
    const res = await fetch(`${base}/v1/webhooks/deliveries/${ids[1]}/resend`, { method: 'POST', headers: asApp() });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ id: ids[1], status: 'pending', attemptCount: 16 });
    const row = await db.admin((c) => c.query(`select retry_on_failure, resend_requested from webhook_deliveries where id = $1`, [ids[1]]));
    expect(row.rows[0]).toEqual({ retry_on_failure: false, resend_requested: true });
    expect((await fetch(`${base}/v1/webhooks/deliveries/${ids[1]}/resend`, { method: 'POST', headers: asApp('app_someoneelse000000000') })).status).toBe(404);
  });
});
