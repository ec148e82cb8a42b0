// `npm start`: build, infrastructure (or DATABASE_URL / KAFKA_BROKERS), migrations and seed,
// then the seven apps, detached, each logging to its own file; waits until every app is
// ready and prints what runs where. `npm stop` stops the apps and the infrastructure the
// scripts started. The e2e tests use the same code with their own database and ports.
import './node24.mjs';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraDown, infraUp } from '../deploy/local/infra.mjs';
import { kafkaLogFile } from '../deploy/local/kafka.mjs';
import { zipkinLogFile } from '../deploy/local/zipkin.mjs';
import { localDir, log, pidAlive, sleep } from '../deploy/local/util.mjs';
import { migrateAll } from './migrate.mjs';
import { localSecrets, secretsEnv } from './secrets.mjs';
import { SERVICES } from './services.mjs';
import { root } from './swc-config.mjs';

const PROFILES = {
  local: { basePort: Number(process.env.COUNTYPAY_BASE_PORT ?? 4000), database: process.env.COUNTYPAY_DB_NAME ?? 'countypay', dir: localDir },
  // several e2e platforms may run side by side (developers), each on its own ports, database and consumer groups
  e2e: (() => {
    const basePort = Number(process.env.COUNTYPAY_E2E_BASE_PORT ?? 4100);
    return {
      basePort,
      database: `countypay_e2e_${basePort}`,
      dir: join(localDir, `e2e-${basePort}`),
      groupPrefix: `countypay-e2e-${basePort}`,
      // shorter clocks so the tests see retries, confirmations, timeouts and rate limits quickly
      env: {
        WEBHOOK_RETRY_SCALE: '0.01',
        WEBHOOK_POLL_MS: '200',
        QR_POS_CONFIRM_DEADLINE_MS: '6000',
        QR_CHANNEL_TIMEOUT_MS: '2000',
        SANDBOX_TIMEOUT_MS: '3000',
        SANDBOX_USER_PAYING_MS: '1500',
        QR_EXPIRY_SWEEP_MS: '1000',
        ACQ_CHANNEL_TIMEOUT_MS: '2000',
        ACQ_SWEEP_MS: '1000',
        ACQ_REQUERY_AFTER_MS: '3000',
        // profit sharing: escrows are released 45 s after payment instead of the county's days (the hold e2e test)
        ACQ_SHARING_MAX_HOLD_SECONDS: '45',
        GATEWAY_RATE_LIMIT_APP_PER_MINUTE: '120',
        // a rotated-out app credential is refused 20 s after the rotation (the console e2e test waits for it)
        CREDENTIAL_ROTATION_GRACE_SECONDS: '20',
        // every e2e request comes from 127.0.0.1: the per-address limit of the public routes is tested in the gateway's pipeline int test
        GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE: '10000',
        LOG_LEVEL: 'info',
        // CI's PostgreSQL allows 100 connections, shared by this platform (7 pools of 10) and the
        // tests' own: idle pooled connections close after 10 s here, as before (5 min by default)
        DATABASE_POOL_IDLE_TIMEOUT_MS: '10000',
      },
    };
  })(),
};

function paths(profile) {
  const p = PROFILES[profile];
  return { ...p, logDir: join(p.dir, 'logs'), runFile: join(p.dir, 'run', 'apps.json') };
}

function build() {
  const r = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  // the ops console (React + Ant Design, Vite): built into dist/console, served by the gateway at /console/
  if (!existsSync(join(root, 'dist/console/index.html')) || process.env.COUNTYPAY_BUILD_CONSOLE === 'always') {
    const c = spawnSync(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn'],
      {
        stdio: 'inherit',
        cwd: root,
      },
    );
    if (c.status !== 0) throw new Error('console build failed');
  }
}

async function ready(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function appUrl(adminUrl, schema, password) {
  const u = new URL(adminUrl);
  u.username = `cp_${schema}_app`;
  u.password = password;
  return u.toString();
}

/** Starts the platform; returns where each app listens (and logs: `logDir`, under COUNTYPAY_LOCAL_DIR). */
export async function startPlatform({ profile = 'local', extraEnv = {} } = {}) {
  const started = Date.now();
  const p = paths(profile);
  await stopApps(profile, { quiet: true });
  build();
  // the e2e platform starts from an empty database every run, so no earlier run's state leaks in
  // the local trace server, unless the user sends spans to a collector of their own
  const ownTracing = !process.env.COUNTYPAY_TRACE_EXPORTER;
  const infra = await infraUp({ database: p.database, freshDatabase: profile === 'e2e', zipkin: ownTracing });
  const traceEnv = infra.zipkinUrl ? { COUNTYPAY_TRACE_EXPORTER: 'zipkin', COUNTYPAY_ZIPKIN_URL: `${infra.zipkinUrl}/api/v2/spans` } : {};
  await migrateAll({ adminUrl: infra.adminUrl });
  const secrets = localSecrets();
  mkdirSync(p.logDir, { recursive: true });
  mkdirSync(join(p.dir, 'run'), { recursive: true });

  const apps = {};
  const pids = {};
  for (const svc of SERVICES) {
    const port = p.basePort + svc.offset;
    const logFile = join(p.logDir, `${svc.name}.log`);
    const out = openSync(logFile, 'a');
    const env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: appUrl(infra.adminUrl, svc.schema, secrets.appDbPassword),
      DATABASE_SCHEMA: svc.schema,
      KAFKA_BROKERS: infra.kafkaBrokers,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...(p.groupPrefix ? { KAFKA_GROUP_PREFIX: p.groupPrefix } : {}),
      ...(p.env ?? {}),
      ...traceEnv,
      ...(infra.zipkinUrl ? { COUNTYPAY_TRACE_UI_URL: `${infra.zipkinUrl}/zipkin` } : {}),
      ...secretsEnv(secrets, svc.name),
      QR_NOTIFY_BASE_URL: `http://127.0.0.1:${p.basePort + SERVICES.find((s) => s.name === 'qr-payment').offset}`,
      COUNTYPAY_SERVICE_URLS: JSON.stringify(Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${p.basePort + s.offset}`]))),
      // the local platform is the sandbox profile: tests and the demo advance the credit business clock
      CREDIT_CLOCK_MODE: 'manual',
      ...extraEnv,
    };
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(root, `dist/apps/${svc.name}/src/main.js`)],
      { env, detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    pids[svc.name] = child.pid;
    apps[svc.name] = { url: `http://127.0.0.1:${port}`, port, pid: child.pid, log: logFile };
  }
  writeFileSync(p.runFile, JSON.stringify({ startedAt: new Date().toISOString(), apps }, null, 2));

  process.stdout.write(`platform: waiting for ${SERVICES.length} apps to be ready `);
  const deadline = Date.now() + 180_000;
  const pending = new Set(SERVICES.map((s) => s.name));
  while (pending.size > 0 && Date.now() < deadline) {
    for (const name of [...pending]) {
      if (!pidAlive(pids[name])) {
        process.stdout.write('\n');
        const tail = readFileSync(apps[name].log, 'utf8').split('\n').slice(-15).join('\n');
        throw new Error(`${name} exited during start; last lines of ${apps[name].log}:\n${tail}`);
      }
      if (await ready(`${apps[name].url}/health/ready`)) {
        pending.delete(name);
        process.stdout.write('+');
      }
    }
    if (pending.size > 0) {
      process.stdout.write('.');
      await sleep(1000);
    }
  }
  process.stdout.write('\n');
  if (pending.size > 0) throw new Error(`not ready after 180 s: ${[...pending].join(', ')} (see ${p.logDir})`);

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const rows = SERVICES.map((s) => `  ${s.name.padEnd(16)} ${apps[s.name].url.padEnd(24)} ${String(apps[s.name].pid).padEnd(8)} ${apps[s.name].log}`);
  log(
    [
      '',
      `countypay is up (${profile}, ${secs} s): all ${SERVICES.length} apps ready`,
      '',
      `  ${'app'.padEnd(16)} ${'url'.padEnd(24)} ${'pid'.padEnd(8)} log`,
      ...rows,
      '',
      `  PostgreSQL  ${new URL(infra.adminUrl).host}${new URL(infra.adminUrl).pathname} (schemas per service)`,
      `  Kafka       ${infra.kafkaBrokers}${process.env.KAFKA_BROKERS ? '' : ` (broker log ${kafkaLogFile})`}`,
      infra.zipkinUrl
        ? `  traces      ${infra.zipkinUrl}/zipkin/  (Zipkin, in memory; log ${zipkinLogFile})`
        : `  traces      exported by COUNTYPAY_TRACE_EXPORTER=${process.env.COUNTYPAY_TRACE_EXPORTER}`,
      `  console     ${apps.gateway.url}/console/  (ops console; sign in as \`province\`, password: provinceConsolePassword in .local/secrets.json)`,
      `  health      <url>/health/ready    metrics <url>/metrics`,
      profile === 'local' ? '  stop with   npm stop' : '',
      '',
    ].join('\n'),
  );
  return { apps, adminUrl: infra.adminUrl, kafkaBrokers: infra.kafkaBrokers, zipkinUrl: infra.zipkinUrl, logDir: p.logDir, secrets: secretsEnv(secrets) };
}

async function stopApps(profile, { quiet = false } = {}) {
  const p = paths(profile);
  if (!existsSync(p.runFile)) return;
  const { apps } = JSON.parse(readFileSync(p.runFile, 'utf8'));
  const alive = Object.entries(apps).filter(([, a]) => pidAlive(a.pid));
  for (const [, a] of alive) process.kill(a.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (alive.some(([, a]) => pidAlive(a.pid)) && Date.now() < deadline) await sleep(200);
  for (const [, a] of alive) if (pidAlive(a.pid)) process.kill(a.pid, 'SIGKILL');
  rmSync(p.runFile, { force: true });
  if (!quiet) log(`platform: stopped ${alive.length} app(s)`);
}

export async function stopPlatform({ profile = 'local', infra = false } = {}) {
  await stopApps(profile);
  if (infra) await infraDown();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cmd = process.argv[2];
  try {
    if (cmd === 'start') await startPlatform();
    else if (cmd === 'stop') await stopPlatform({ infra: !process.argv.includes('--keep-infra') });
    else {
      process.stderr.write('usage: node tools/platform.mjs start|stop [--keep-infra]\n');
      process.exit(2);
    }
  } catch (e) {
    process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
