// The ops console has no image of its own: the gateway serves its static build at /console/. This
// starts the gateway as its container starts (deploy/container/start.mjs, from the file layout the
// image copies) with the environment the Kubernetes manifests give it, against the real PostgreSQL
// and Kafka, and asks it for the console's pages: served with console.enabled, a 404 without.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, eventually, testInfra, uniqueName, type TestSchema } from '@countypay/testing';
import type { MigrationInterface } from 'typeorm';
import { ROOT, assembleRuntimeLayout, buildLikeTheImage } from './containerfile';
import { fakeAppSecret, kubeletEnv, serviceContainer } from './manifest-env';
import { render, resolveValues } from '../k8s/src/render';

interface Running {
  child: ChildProcess;
  url: string;
  logs: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

describe('the gateway of the image serves the ops console (real PostgreSQL and Kafka)', () => {
  let db: TestSchema;
  let layoutDir: string;
  let layout: string;
  const running: Running[] = [];

  beforeAll(async () => {
    buildLikeTheImage();
    layoutDir = mkdtempSync(join(tmpdir(), 'countypay-image-'));
    layout = assembleRuntimeLayout(layoutDir);
    db = await createTestSchema('console_image', []);
    // the gateway's migrations, built, run as the image's release step runs them (deploy/container/migrate.mjs)
    const { migrations } = (await import(join(ROOT, 'dist/apps/gateway/src/data-source.js'))) as { migrations: Array<new () => MigrationInterface> };
    const { migrateService } = (await import(join(ROOT, 'dist/libs/shared/persistence/src/index.js'))) as {
      migrateService: (o: { adminUrl: string; schema: string; appPassword: string; migrations: Array<new () => MigrationInterface> }) => Promise<string[]>;
    };
    await migrateService({ adminUrl: db.adminUrl, schema: db.schema, appPassword: decodeURIComponent(new URL(db.appUrl).password), migrations });
  });

  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.exited));
    await db?.drop();
    if (layoutDir) rmSync(layoutDir, { recursive: true, force: true });
  });

  /** Starts the image's gateway with the environment of the manifests rendered from `overrides`, pointed at the test database and broker. */
  async function startGateway(overrides: unknown[]): Promise<Running> {
    const container = serviceContainer(render(resolveValues('staging', overrides)), 'gateway');
    const env = {
      ...kubeletEnv(container.env, fakeAppSecret()),
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: db.appUrl,
      DATABASE_SCHEMA: db.schema,
      KAFKA_BROKERS: testInfra().brokers,
      KAFKA_GROUP_PREFIX: uniqueName('console-image').replace(/_/g, '-'),
      // the in-cluster Zipkin does not exist here
      COUNTYPAY_TRACE_EXPORTER: 'none',
    };
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(layout, 'deploy/container/start.mjs'), ...container.args], {
      cwd: layout,
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const r: Running = { child, url: `http://127.0.0.1:${env.PORT}`, logs: () => out, exited: new Promise((resolve) => child.on('exit', resolve)) };
    running.push(r);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`gateway exited ${child.exitCode}:\n${out.slice(-3000)}`);
        const res = await fetch(`${r.url}/health/live`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
        return res?.status === 200 ? true : undefined;
      },
      'the gateway answers /health/live',
      90_000,
    );
    return r;
  }

  async function stop(r: Running): Promise<void> {
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  }

  it('console.enabled (the default): /console/ is the built page, its assets load, page paths fall back to it, the session API answers', async () => {
    const gw = await startGateway([]);
    try {
      const page = await fetch(`${gw.url}/console/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toBe(readFileSync(join(layout, 'dist/console/index.html'), 'utf8'));
      const assets = [...html.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const a of assets) {
        const res = await fetch(`${gw.url}${a}`);
        expect([a, res.status, res.headers.get('cache-control')]).toEqual([a, 200, expect.stringContaining('immutable')]);
        await res.arrayBuffer();
      }
      const deep = await fetch(`${gw.url}/console/merchants`);
      expect([deep.status, await deep.text()]).toEqual([200, html]);
      // the session API is the gateway's: no session cookie → 401 with a stable code, not a 404
      const session = await fetch(`${gw.url}/console/api/session`);
      expect(session.status).toBe(401);
      expect(((await session.json()) as { error: { code: string } }).error.code).toBe('invalid_console_session');
    } finally {
      await stop(gw);
    }
  });

  it('console.enabled false: /console/ and its API are a 404; the gateway serves the rest as before', async () => {
    const gw = await startGateway([{ console: { enabled: false } }]);
    try {
      for (const path of ['/console/', '/console/merchants', '/console/api/session']) {
        const res = await fetch(`${gw.url}${path}`);
        expect([path, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([path, 404, 'route_not_found']);
      }
      expect((await fetch(`${gw.url}/health/live`)).status).toBe(200);
    } finally {
      await stop(gw);
    }
  });
});
