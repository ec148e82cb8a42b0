import { Global, Module, type DynamicModule, type INestApplication, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@countypay/messaging';
import { createLogger, createMetrics, type Logger, type Metrics } from '@countypay/observability';
import { createServiceDataSource } from '@countypay/persistence';
import { generateServiceKeyPair, SERVICE_ASSERTION_HEADER, ServiceAssertionSigner, ServiceAssertionVerifier } from '@countypay/security';
import {
  AccessGuard,
  actorHeaders,
  applyHttpConventions,
  assertedActor,
  LOGGER,
  METRICS,
  NoBodyGuard,
  SERVICE_NAME,
  ServiceAuth,
  type Actor,
  type AppActor,
  type BodyParsing,
  type CountyActor,
  type ProvinceActor,
} from '@countypay/service-kit';
import { createTestSchema, testKafka, type TestSchema } from './test-infra';

// The tests' gateway: one Ed25519 key per test process, trusted by every service a test boots,
// so tests call services with real service assertions (never with bare actor headers).
const TEST_GATEWAY_KID = 'it-gateway';
const testGatewayKeys = generateServiceKeyPair();
const testGateway = new ServiceAssertionSigner('gateway', TEST_GATEWAY_KID, testGatewayKeys.privateKey);

/** The assertion header the tests' gateway sends to `audience`, vouching for `actor` if given. */
export function testAssertion(audience: string, actor?: Actor): Record<string, string> {
  return { [SERVICE_ASSERTION_HEADER]: testGateway.sign(audience, actor ? { actor: assertedActor(actor) } : {}) };
}

/** Checks an assertion the tests' gateway signed for `audience` (e.g. what a gateway under test forwarded). */
export function verifyTestAssertion(token: string | undefined, audience: string): ReturnType<ServiceAssertionVerifier['verify']> {
  return new ServiceAssertionVerifier(audience, { [TEST_GATEWAY_KID]: { issuer: 'gateway', publicKey: testGatewayKeys.publicKey } }).verify(token);
}

/** The S2S settings of `service` in the tests (for a whole app booted from env): it trusts the tests' gateway. */
export function testServiceAuthEnv(service: string): Record<'COUNTYPAY_S2S_TRUSTED_KEYS' | 'COUNTYPAY_S2S_SIGNING_KEY' | 'COUNTYPAY_S2S_KEY_ID', string> {
  const own = service === 'gateway' ? testGatewayKeys : generateServiceKeyPair();
  return {
    COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({ [TEST_GATEWAY_KID]: { issuer: 'gateway', publicKey: testGatewayKeys.publicKey } }),
    COUNTYPAY_S2S_SIGNING_KEY: own.privateKey,
    COUNTYPAY_S2S_KEY_ID: service === 'gateway' ? TEST_GATEWAY_KID : `it-${service.replace(/[^A-Za-z0-9_-]/g, '')}`,
  };
}

/** A service's ServiceAuth in the tests: it trusts the tests' gateway; the gateway signs with the tests' gateway key. */
export function testServiceAuth(service: string): ServiceAuth {
  return new ServiceAuth(service, testServiceAuthEnv(service));
}

/**
 * What ServiceKitModule gives a service's features — its DataSource, outbox relay, logger,
 * metrics and the global access guard — here over a throw-away schema of the real PostgreSQL.
 * The relay is created but never started: events stay in the outbox, where tests read them.
 */
@Global()
@Module({})
export class TestPlatformModule {
  static with(p: { service: string; dataSource: DataSource; relay: OutboxRelay; logger: Logger; metrics: Metrics }): DynamicModule {
    const providers: Provider[] = [
      { provide: SERVICE_NAME, useValue: p.service },
      { provide: ServiceAuth, useValue: testServiceAuth(p.service) },
      { provide: DataSource, useValue: p.dataSource },
      { provide: OutboxRelay, useValue: p.relay },
      { provide: LOGGER, useValue: p.logger },
      { provide: METRICS, useValue: p.metrics },
      { provide: APP_GUARD, useClass: AccessGuard },
      { provide: APP_GUARD, useClass: NoBodyGuard },
    ];
    return { module: TestPlatformModule, providers, exports: [SERVICE_NAME, ServiceAuth, DataSource, OutboxRelay, LOGGER, METRICS] };
  }
}

export interface TestServiceOptions {
  /** short name: the schema prefix, the logger's and metrics' service name */
  service: string;
  /** the service's own migrations, run as admin on the throw-away schema */
  migrations?: Array<new () => MigrationInterface>;
  /** or plain DDL, run as admin */
  ddl?: string[];
  /**
   * The app role's rights after the migrations: `'all'` (default) grants it every table and
   * sequence again; `'as-migrated'` keeps what the schema's default privileges and the migrations
   * left, as `migrateService` does in production — needed where a migration narrows them (the
   * settlement ledger revokes UPDATE/DELETE and every right on its partitions).
   */
  grants?: 'all' | 'as-migrated';
  /** the feature modules under test */
  imports: unknown[];
  /** provider overrides (configs, clients of external systems) */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  bodyLimitBytes?: number;
  /** the gateway's raw-body parsing in place of the kit's JSON parsing */
  bodyParsing?: BodyParsing;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** the parsed JSON body (or the text when it is not JSON) */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of every route, asserted field by field by the tests
  body: any;
}

export interface CallOptions {
  /** who calls: vouched for by the tests' gateway (service assertion + actor headers) */
  actor?: Actor;
  /** an internal route's caller: the tests' gateway asserts itself, with no actor */
  asGateway?: boolean;
  body?: unknown;
  /** the body as raw bytes/text (malformed-input tests) */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TestService {
  app: INestApplication;
  /** http://127.0.0.1:<port> */
  base: string;
  /** the app role's DataSource (row-level security applies) */
  ds: DataSource;
  schema: TestSchema;
  logger: Logger;
  /** a request to the service as the gateway would forward it */
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

/**
 * Boots a service's feature modules over a fresh schema (its own non-owner role, RLS) with the
 * platform's HTTP conventions, listening on a free loopback port — the one integration-test
 * harness of every service.
 */
export async function startTestService(opts: TestServiceOptions): Promise<TestService> {
  const schema = await createTestSchema(opts.service.replace(/\W/g, ''), opts.ddl ?? []);
  let app: INestApplication | undefined;
  try {
    if (opts.migrations?.length) {
      const migrator = createServiceDataSource({
        url: schema.adminUrl,
        schema: schema.schema,
        migrations: opts.migrations,
        applicationName: `it-${opts.service}-migrate`,
        poolSize: 1,
      });
      await migrator.initialize();
      try {
        await migrator.runMigrations();
      } finally {
        await migrator.destroy();
      }
      if (opts.grants !== 'as-migrated') await schema.grantAll();
    }
    const ds = await schema.appDataSource();
    const logger = createLogger({ serviceName: `${opts.service}-it`, level: 'silent' });
    const relay = new OutboxRelay(ds, testKafka().producer(), { batchSize: 10, pollMs: 1000 });
    const metrics = createMetrics(`${opts.service}-it`);
    let builder = Test.createTestingModule({
      imports: [TestPlatformModule.with({ service: opts.service, dataSource: ds, relay, logger, metrics }), ...(opts.imports as never[])],
    });
    if (opts.override) builder = opts.override(builder);
    const moduleRef = await builder.compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    applyHttpConventions(app, { logger, bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024, ...(opts.bodyParsing ? { bodyParsing: opts.bodyParsing } : {}) });
    await app.listen(0, '127.0.0.1');
    const base = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
    const started = app;
    return {
      app: started,
      base,
      ds,
      schema,
      logger,
      call: (method, path, o = {}) => callService(base, method, path, o, opts.service),
      async close() {
        await started.close();
        await schema.drop();
      },
    };
  } catch (e) {
    await app?.close().catch(() => {});
    await schema.drop().catch(() => {});
    throw e;
  }
}

/** One HTTP call to a service as the gateway forwards it (its service assertion for `audience`, actor headers, JSON body). */
export async function callService(base: string, method: string, path: string, o: CallOptions = {}, audience?: string): Promise<CallResult> {
  const body = o.rawBody ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined);
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(o.actor ? actorHeaders(o.actor) : {}),
      ...(audience && (o.actor || o.asGateway) ? testAssertion(audience, o.actor) : {}),
      ...(o.headers ?? {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (an image, a page): the text itself
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Actors as the gateway vouches for them (ids are well formed). */
export const testActors = {
  province(tenantId?: string): ProvinceActor {
    return { type: 'province', id: '00000000-0000-4000-8000-000000000001', ...(tenantId ? { tenantId } : {}) };
  },
  county(tenantId: string, id = '00000000-0000-4000-8000-0000000000c1'): CountyActor {
    return { type: 'county', id, tenantId };
  },
  app(tenantId: string, o: { appId?: string; partnerId?: string; scopes?: AppActor['scopes'][number][] } = {}): AppActor {
    const appId = o.appId ?? 'app_aaaaaaaaaaaaaaaaaaaa';
    return {
      type: 'app',
      id: appId,
      appId,
      tenantId,
      partnerId: o.partnerId ?? '00000000-0000-4000-8000-0000000000a1',
      scopes: o.scopes ?? ['qr:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
    };
  },
};
