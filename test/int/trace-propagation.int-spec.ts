import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTestSchema, testInfra, uniqueName, type TestSchema } from '@countypay/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the fixture loads the service kit lazily (after OpenTelemetry starts); this spec only reads its SQL
import { platformTablesSql } from '@countypay/service-kit';
import { generateServiceKeyPair } from '@countypay/security';

interface SpanOut {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
}

const SERVER = 1;
const CONSUMER = 4;

describe('tracing across services (real HTTP, PostgreSQL, Kafka; in-memory exporter)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('trace', platformTablesSql());
  });
  afterAll(() => db.drop());

  it('continues a trace started by an HTTP request in one app in the consumer of another app', () => {
    const root = join(__dirname, '..', '..');
    const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs'), '--quiet'], { encoding: 'utf8' });
    expect(build.status).toBe(0);
    const run = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(root, 'dist/test/fixtures/trace-propagation.fixture.js')], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        PORT: '1',
        DATABASE_URL: db.appUrl,
        DATABASE_SCHEMA: db.schema,
        KAFKA_BROKERS: testInfra().brokers,
        KAFKA_GROUP_PREFIX: uniqueName('trace').replace(/_/g, '-'),
        LOG_LEVEL: 'warn',
        FIXTURE_TENANT: 't510121',
        COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({ 'it-gateway': { issuer: 'gateway', publicKey: generateServiceKeyPair().publicKey } }),
      },
    });
    expect(run.stderr).not.toMatch(/fixture failed/);
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { received: boolean; spans: SpanOut[] };
    expect(out.received).toBe(true);

    const request = out.spans.find((s) => s.kind === SERVER && /POST/.test(s.name) && s.parentSpanId === undefined);
    expect(request).toBeDefined();
    const trace = out.spans.filter((s) => s.traceId === request!.traceId);
    const consumedInB = trace.find((s) => s.kind === CONSUMER && String(s.attributes['messaging.consumer'] ?? '').endsWith('.trace-b'));
    expect(consumedInB).toBeDefined();
    // the pg spans of B's side effect belong to the same trace and carry the tenant
    expect(trace.some((s) => s.attributes['tenant.id'] === 't510121' && /insert|INSERT|pg/.test(s.name))).toBe(true);
    // the server span is named after its route and carries it (no route-handler span is recorded for it)
    expect(request!.name).toBe('POST /ops/probes');
    expect(request!.attributes['http.route']).toBe('/ops/probes');
    expect(out.spans.filter((s) => s.attributes['express.type'] !== undefined)).toEqual([]);
    // statements are recorded, a transaction's BEGIN/START/COMMIT are not, and no span lost its parent to them
    expect(trace.some((s) => /^pg\.query:INSERT/.test(s.name))).toBe(true);
    expect(out.spans.filter((s) => /^pg\.query:(BEGIN|START|COMMIT)/.test(s.name)).map((s) => s.name)).toEqual([]);
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => s.parentSpanId !== undefined && !ids.has(s.parentSpanId)).map((s) => s.name)).toEqual([]);
  });
});
