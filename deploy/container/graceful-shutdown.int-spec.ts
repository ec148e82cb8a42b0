// SIGTERM drains a real service process, started as the container starts it (deploy/container/
// start.mjs, from the file layout the image copies) against the real PostgreSQL and Kafka: the
// request in flight completes with 2xx, new connections are refused, the consumer's message in
// flight commits (database and offset) before the process exits 0 — and after a restart in the
// same consumer group no event is handled twice.
//
// Locks make "in flight" deterministic: an admin transaction holding `outbox` keeps a POST
// /ops/probes waiting inside its insert; one holding `probe_receipts` keeps the consumer's handler
// waiting inside its transaction.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestSchema, eventually, testInfra, uniqueName, type TestSchema } from '@countypay/testing';
import type { MigrationInterface } from 'typeorm';
import { ROOT as root, assembleRuntimeLayout, buildLikeTheImage } from './containerfile';

// the smallest real service: the service kit alone (HTTP, outbox relay, consumer group, health)
const APP = 'acquiring';

interface Running {
  child: ChildProcess;
  url: string;
  logs: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

function start(layout: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(layout, 'deploy/container/start.mjs'), APP], {
    cwd: layout,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, url: `http://127.0.0.1:${env.PORT}`, logs: () => out, exited };
}

async function ready(r: Running): Promise<void> {
  await eventually(
    async () => {
      if (r.child.exitCode !== null) throw new Error(`exited ${r.child.exitCode}:\n${r.logs().slice(-3000)}`);
      const res = await fetch(`${r.url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      return res.status === 200 ? true : undefined;
    },
    `${APP} ready`,
    90_000,
  );
}

async function postProbe(url: string, tenantId: string): Promise<Response> {
  return fetch(`${url}/ops/probes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId }) });
}

const clients: Client[] = [];

async function adminClient(db: TestSchema): Promise<Client> {
  const c = new Client({ connectionString: db.adminUrl });
  clients.push(c);
  await c.connect();
  await c.query(`set search_path = ${db.schema}`);
  return c;
}

describe('graceful shutdown of a service process (SIGTERM, real PostgreSQL and Kafka)', () => {
  let db: TestSchema;
  let layoutDir: string;
  let layout: string;
  const running: Running[] = [];
  const tenantId = `t9${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;

  beforeAll(async () => {
    // the image's build stage (server build and the console's Vite build): a clean clone has no dist/console
    buildLikeTheImage();
    layoutDir = mkdtempSync(join(tmpdir(), 'countypay-image-'));
    layout = assembleRuntimeLayout(layoutDir);
    db = await createTestSchema('drain', []);
    // the app's own migrations, built, run as the image's release step runs them (deploy/container/migrate.mjs)
    const { migrations } = (await import(join(root, `dist/apps/${APP}/src/data-source.js`))) as { migrations: Array<new () => MigrationInterface> };
    const { migrateService } = (await import(join(root, 'dist/libs/shared/persistence/src/index.js'))) as {
      migrateService: (o: { adminUrl: string; schema: string; appPassword: string; migrations: Array<new () => MigrationInterface> }) => Promise<string[]>;
    };
    await migrateService({ adminUrl: db.adminUrl, schema: db.schema, appPassword: decodeURIComponent(new URL(db.appUrl).password), migrations });
  });

  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(running.map((r) => r.exited));
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    await db?.drop();
    if (layoutDir) rmSync(layoutDir, { recursive: true, force: true });
  });

  it('finishes the request in flight, commits the consumer’s message in flight, exits 0; a restart handles no event twice', async () => {
    const env = {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: db.appUrl,
      DATABASE_SCHEMA: db.schema,
      KAFKA_BROKERS: testInfra().brokers,
      KAFKA_GROUP_PREFIX: uniqueName('drain').replace(/_/g, '-'),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      // the gateway's public key, which every service trusts (nothing here calls with it)
      COUNTYPAY_S2S_TRUSTED_KEYS: JSON.stringify({
        'gw-test': { issuer: 'gateway', publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
      }),
      OUTBOX_POLL_MS: '100',
      SHUTDOWN_DRAIN_MS: '20000',
      LOG_LEVEL: 'info',
    };
    const a = start(layout, env);
    running.push(a);
    await ready(a);

    // warm up: three probes through outbox → Kafka → this service's own consumer
    const warm: string[] = [];
    for (let i = 0; i < 3; i++) warm.push(((await (await postProbe(a.url, tenantId)).json()) as { probeId: string }).probeId);
    for (const id of warm)
      await eventually(async () => ((await fetch(`${a.url}/ops/probes/${tenantId}/${id}`)).status === 200 ? true : undefined), `probe ${id}`, 60_000);

    const watcher = await adminClient(db);
    const waiting = (statement: string) =>
      eventually(
        async () => {
          const { rows } = await watcher.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where usename = $1 and wait_event_type = 'Lock' and query ilike $2`,
            [`cp_${db.schema}_app`, `${statement}%`],
          );
          return rows[0].n > 0 ? true : undefined;
        },
        `a ${statement} waiting on its lock`,
        30_000,
      );

    // the consumer's message in flight: its handler waits inside its transaction
    const receipts = await adminClient(db);
    await receipts.query('begin');
    await receipts.query('lock table probe_receipts in exclusive mode');
    const consumed = (await (await postProbe(a.url, tenantId)).json()) as { probeId: string };
    await waiting('insert into probe_receipts');

    // the request in flight: waits inside its outbox insert
    const outbox = await adminClient(db);
    await outbox.query('begin');
    await outbox.query('lock table outbox in exclusive mode');
    const slow = postProbe(a.url, tenantId);
    await waiting('insert into outbox');

    expect(a.child.kill('SIGTERM')).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(a.child.exitCode).toBeNull();
    // no new connections while draining
    await expect(fetch(`${a.url}/health/live`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();

    await outbox.query('commit');
    const answer = await slow;
    expect(answer.status).toBe(201);
    expect(answer.headers.get('connection')).toBe('close');
    const late = (await answer.json()) as { probeId: string };

    // HTTP is drained; the consumer still waits for its message to commit before the process goes
    await new Promise((r) => setTimeout(r, 1000));
    expect(a.child.exitCode).toBeNull();
    const released = Date.now();
    await receipts.query('commit');
    const exit = await a.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - released).toBeLessThan(15_000);
    expect(a.logs()).toMatch(/HTTP drained/);

    // the message in flight committed: its inbox row and its side effect are there
    const inboxBefore = await watcher.query<{ event_id: string }>(`select event_id from inbox where tenant_id = $1`, [tenantId]);
    const receiptsBefore = await watcher.query<{ probe_id: string }>(`select probe_id from probe_receipts where tenant_id = $1`, [tenantId]);
    expect(receiptsBefore.rows.map((r) => r.probe_id)).toEqual(expect.arrayContaining([...warm, consumed.probeId]));
    expect(inboxBefore.rows.length).toBe(receiptsBefore.rows.length);

    // restart in the same consumer group: the rest arrives, nothing already handled comes again
    const b = start(layout, { ...env, PORT: String(await freePort()) });
    running.push(b);
    await ready(b);
    await eventually(
      async () => ((await fetch(`${b.url}/ops/probes/${tenantId}/${late.probeId}`)).status === 200 ? true : undefined),
      'the late probe after the restart',
      60_000,
    );
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    const ours = metrics.split('\n').filter((l) => l.startsWith('consumer_events_total{') && l.includes(`tenant="${tenantId}"`));
    const count = (outcome: string) => ours.filter((l) => l.includes(`outcome="${outcome}"`)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(count('duplicate')).toBe(0);
    // the restarted process handled exactly the events the first one had not
    expect(count('processed')).toBe(5 - inboxBefore.rows.length);
    const inbox = await watcher.query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct event_id)::int as distinct from inbox where tenant_id = $1`,
      [tenantId],
    );
    expect(inbox.rows[0]).toEqual({ n: 5, distinct: 5 });
    const unpublished = await watcher.query<{ n: number }>(`select count(*)::int as n from outbox where tenant_id = $1 and published_at is null`, [tenantId]);
    expect(unpublished.rows[0].n).toBe(0);

    // an idle process stops at once
    const stopAsked = Date.now();
    b.child.kill('SIGTERM');
    const bExit = await b.exited;
    expect({ code: bExit.code, signal: bExit.signal }).toEqual({ code: 0, signal: null });
    expect(bExit.at - stopAsked).toBeLessThan(10_000);
  });
});
