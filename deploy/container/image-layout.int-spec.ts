// What can be tested of the image where no container runs: after the build (the build stage's
// steps: swc and the console's Vite build), the files the runtime stage copies are enough to start
// every service with the image's start command, they hold the ops console's static build, the
// compiled server code needs no development dependency (React, Ant Design, Vite are the console's
// build-time packages), and the release step (`start.mjs migrate`) migrates a fresh database and
// declares the topics — twice without harm.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runNode, testInfra, uniqueName } from '@countypay/testing';
import { ROOT, assembleRuntimeLayout, buildLikeTheImage } from './containerfile';
import { fakeAppSecret, kubeletEnv, serviceContainer } from './manifest-env';
import { APP_SECRET_KEYS } from '../k8s/src/catalogue';
import { render, resolveValues } from '../k8s/src/render';

const SERVICES = [...readFileSync(join(ROOT, 'tools/services.mjs'), 'utf8').matchAll(/name: '([a-z-]+)', schema: '([a-z_]+)'/g)].map((m) => ({
  name: m[1],
  schema: m[2],
}));

function run(layout: string, args: string[], env: Record<string, string>, timeout = 60_000): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(layout, 'deploy/container/start.mjs'), ...args], {
    cwd: layout,
    encoding: 'utf8',
    timeout,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** `run`, not blocking: the per-app starts (a cold Node start of a whole app each) run at once, at most one per core. */
async function runAsync(layout: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<{ status: number | null; out: string }> {
  const r = await runNode(['--disable-warning=TimeoutNegativeWarning', join(layout, 'deploy/container/start.mjs'), ...args], {
    cwd: layout,
    timeoutMs,
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '', ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** What the Kubernetes manifests give an app (rendered for staging), and the app started with it where nothing answers. */
function startWithManifestConfig(layout: string, app: string) {
  const out = render(resolveValues('staging', [{ channelSandbox: { enabled: true }, tracing: { mode: 'zipkin' } }]));
  const container = serviceContainer(out, app);
  const secret = fakeAppSecret();
  const env = kubeletEnv(container.env, secret);
  // nothing answers there: past its configuration, the service fails to connect (not 78)
  const started = runAsync(
    layout,
    container.args,
    { ...env, DATABASE_URL: env.DATABASE_URL.replace(/@[^/]+\//, '@127.0.0.1:1/'), KAFKA_BROKERS: '127.0.0.1:1' },
    30_000,
  );
  return { secret, env, started };
}

/** The local checkout's service-role password, so that migrating does not change it under a running local platform. */
function localAppPassword(): string {
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "const m = await import('./tools/secrets.mjs'); process.stdout.write(m.localSecrets().appDbPassword);"],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

describe('the image layout and its start command (built code, no container)', () => {
  let dir: string;
  let layout: string;

  // every app's two starts, begun in beforeAll (at most one per core at a time), each awaited by its test
  let badPort: Map<string, ReturnType<typeof runAsync>>;
  let manifestConfig: Map<string, { prepared?: ReturnType<typeof startWithManifestConfig>; error?: unknown }>;

  beforeAll(() => {
    buildLikeTheImage();
    dir = mkdtempSync(join(tmpdir(), 'countypay-image-'));
    layout = assembleRuntimeLayout(dir);
    const apps = SERVICES.map((s) => s.name);
    badPort = new Map(
      apps.map((app): [string, ReturnType<typeof runAsync>] => [
        app,
        runAsync(layout, [app], {
          PORT: 'eighty',
          DATABASE_URL: 'postgres://u:pw-not-shown@127.0.0.1:5432/x',
          DATABASE_SCHEMA: 'x',
          KAFKA_BROKERS: '127.0.0.1:9092',
        }),
      ]),
    );
    manifestConfig = new Map(
      apps.map((app): [string, { prepared?: ReturnType<typeof startWithManifestConfig>; error?: unknown }] => {
        try {
          return [app, { prepared: startWithManifestConfig(layout, app) }];
        } catch (error) {
          return [app, { error }];
        }
      }),
    );
  });
  // a failed test leaves no start behind when the directory goes
  afterAll(async () => {
    await Promise.all([...(badPort?.values() ?? []), ...[...(manifestConfig?.values() ?? [])].map((m) => m.prepared?.started)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(SERVICES.map((s) => s.name))(
    'start.mjs %s starts the service from the copied files (it validates its config and names the bad variable)',
    async (app) => {
      const r = await badPort.get(app)!;
      expect(r.out).toContain(`${app}: refusing to start`);
      expect(r.out).toMatch(/PORT: .*got 'eighty'/);
      expect(r.out).not.toContain('pw-not-shown');
      expect(r.status).toBe(78);
    },
  );

  it.each(SERVICES.map((s) => s.name))('%s accepts the configuration the Kubernetes manifests give it', async (app) => {
    const { prepared, error } = manifestConfig.get(app)!;
    if (!prepared) throw error;
    const { secret, env } = prepared;
    expect(Object.keys(secret).sort()).toEqual(Object.keys(APP_SECRET_KEYS).sort());
    expect(env.DATABASE_URL).toContain(`:${secret['app-db-password']}@`);
    const r = await prepared.started;
    expect(r.out).not.toContain('refusing to start');
    expect(r.status).not.toBe(78);
    expect(r.out).not.toContain(secret['credential-key']);
  });

  it('refuses an unknown app with its usage', () => {
    const r = run(layout, ['console-of-doom'], {});
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/usage: start\.mjs <gateway\|onboarding/);
  });

  it('holds the ops console’s static build where the gateway serves it from, with every asset its page loads', () => {
    const index = join(layout, 'dist/console/index.html');
    expect(existsSync(index)).toBe(true);
    const html = readFileSync(index, 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="(\/console\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect([a, existsSync(join(layout, 'dist', a))]).toEqual([a, true]);
    // the browser app is not compiled as server code
    expect(existsSync(join(layout, 'dist/apps/console'))).toBe(false);
  });

  it('the compiled server code needs none of the console’s browser packages, and those are development dependencies (not in the prod-deps stage)', () => {
    const browser = ['react', 'react-dom', 'react-router', 'antd', '@ant-design/icons', 'echarts', 'vite', '@vitejs/plugin-react'];
    const required = new Map<string, string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.js')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/require\("([^"./][^"]*)"\)|import\("([^"./][^"]*)"\)/g)) {
            const spec = m[1] ?? m[2];
            required.set(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0], p.slice(layout.length + 1));
          }
        }
      }
    };
    walk(join(layout, 'dist/apps'));
    walk(join(layout, 'dist/libs'));
    expect(required.size).toBeGreaterThan(10);
    expect(browser.filter((b) => required.has(b)).map((b) => `${b} (${required.get(b)})`)).toEqual([]);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    for (const b of browser) expect([b, lock.packages[`node_modules/${b}`]?.dev]).toEqual([b, true]);
  });

  it('the compiled services and libraries need only what `npm ci --omit=dev` installs, and node built-ins', () => {
    // the lock file marks what only development needs; everything else is in the prod-deps stage's node_modules
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const production = Object.entries(lock.packages)
      .filter(([path, p]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !p.dev)
      .map(([path]) => path.slice('node_modules/'.length));
    const allowed = new Set([...production, ...builtinModules]);
    const missing = new Set<string>();
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        // the test platform is copied along but only loaded by the tests
        if (e.isDirectory()) {
          if (!p.endsWith('libs/shared/testing')) walk(p);
        } else if (e.name.endsWith('.js')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/require\("([^"./][^"]*)"\)/g)) {
            const spec = m[1].replace(/^node:/, '');
            const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
            if (!allowed.has(name) && !allowed.has(spec)) missing.add(`${name} (${p.slice(layout.length + 1)})`);
          }
        }
      }
    };
    walk(join(layout, 'dist'));
    expect([...missing]).toEqual([]);
  });

  describe('start.mjs migrate (the release Job)', () => {
    it('refuses to start without its settings, naming them and showing no value', () => {
      const r = run(layout, ['migrate'], {
        COUNTYPAY_ADMIN_DATABASE_URL: 'mysql://root:hunter2@db/x',
        KAFKA_BROKERS: 'localhost',
        KAFKA_MIN_INSYNC_REPLICAS: '4',
      });
      expect(r.status).toBe(78);
      for (const name of ['COUNTYPAY_ADMIN_DATABASE_URL', 'COUNTYPAY_APP_DB_PASSWORD', 'KAFKA_BROKERS', 'KAFKA_MIN_INSYNC_REPLICAS'])
        expect(r.out).toContain(name);
      expect(r.out).not.toContain('hunter2');
    });

    it('migrates every service into a fresh database and declares the topics; a second run applies nothing', async () => {
      const { adminUrl, brokers } = testInfra();
      const database = uniqueName('countypay_release');
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`create database ${database}`);
      try {
        const url = new URL(adminUrl);
        url.pathname = `/${database}`;
        // the local broker has one node: replication factor 1 here, 3 in a cluster
        const env = {
          COUNTYPAY_ADMIN_DATABASE_URL: url.toString(),
          COUNTYPAY_APP_DB_PASSWORD: localAppPassword(),
          KAFKA_BROKERS: brokers,
          KAFKA_TOPIC_REPLICATION_FACTOR: '1',
          KAFKA_MIN_INSYNC_REPLICAS: '1',
        };
        const first = run(layout, ['migrate'], env, 300_000);
        expect([first.status, first.out]).toEqual([0, expect.stringMatching(/migrate: kafka: \d+ topics declared/)]);
        for (const s of SERVICES) expect(first.out).toMatch(new RegExp(`migrate: ${s.name} +schema ${s.schema} +applied `));
        const second = run(layout, ['migrate'], env, 300_000);
        expect(second.status).toBe(0);
        for (const s of SERVICES) expect(second.out).toMatch(new RegExp(`migrate: ${s.name} +schema ${s.schema} +up to date`));
        expect(second.out).toMatch(/, 0 created/);

        const db = new Client({ connectionString: url.toString() });
        await db.connect();
        try {
          const { rows } = await db.query<{ schema: string }>(`select nspname as schema from pg_namespace where nspname = any($1)`, [
            SERVICES.map((s) => s.schema),
          ]);
          expect(rows.map((r) => r.schema).sort()).toEqual(SERVICES.map((s) => s.schema).sort());
          const tenants = await db.query<{ n: number }>('select count(*)::int as n from onboarding.tenants');
          expect(tenants.rows[0].n).toBe(99);
        } finally {
          await db.end();
        }
      } finally {
        await admin.query(`drop database if exists ${database} with (force)`);
        await admin.end();
      }
    });
  });
});
