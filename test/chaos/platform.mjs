// The chaos suite's own platform: its own embedded PostgreSQL (COUNTYPAY_EMBEDDED_PG_PORT, 5732 by
// default), its own single-node Kafka (COUNTYPAY_KAFKA_PORT), its own state directory
// (COUNTYPAY_LOCAL_DIR=.local/chaos) and its own ports (COUNTYPAY_BASE_PORT); every service reaches
// PostgreSQL through a FaultProxy of its own, so a scenario can delay or cut one service's database.
// Nothing here touches a process it did not start: pids come from this platform's own files.
// run.mjs sets the environment before importing this module (the deploy scripts read it at load).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { infraUp } from '../../deploy/local/infra.mjs';
import { KAFKA_NODES, kafkaDown, kafkaNodePid, kafkaUp } from '../../deploy/local/kafka.mjs';
import { postgresDown, postgresUp } from '../../deploy/local/postgres.mjs';
import { localDir, pidAlive, sleep } from '../../deploy/local/util.mjs';
import { migrateAll } from '../../tools/migrate.mjs';
import { localSecrets, secretsEnv } from '../../tools/secrets.mjs';
import { SERVICES } from '../../tools/services.mjs';
import { root } from '../../tools/swc-config.mjs';
import { FaultProxy, RoundRobinProxy } from './tcp-proxy.mjs';

export const PG_PORT = Number(process.env.COUNTYPAY_EMBEDDED_PG_PORT);
const BASE_PORT = Number(process.env.COUNTYPAY_BASE_PORT);
/** each service's database proxy listens on PG_PORT + 10 + its offset */
const proxyPort = (svc) => PG_PORT + 10 + svc.offset;
/**
 * Where a service is reached: its front port (BASE_PORT + offset). With one instance that is the
 * instance itself; with several, a round-robin proxy in front of instance i on BASE_PORT + 20·i + offset.
 */
const frontPort = (svc) => BASE_PORT + svc.offset;
const instancePort = (svc, i, instances) => (instances === 1 ? frontPort(svc) : BASE_PORT + 20 * i + svc.offset);
/** `qr-payment` is instance 1, `qr-payment#2` instance 2 */
export const instanceName = (name, i) => (i === 1 ? name : `${name}#${i}`);
const parseInstance = (key) => {
  const [name, i] = key.split('#');
  return { svc: SERVICES.find((s) => s.name === name), i: i ? Number(i) : 1 };
};
const kafkaPidFile = join(localDir, 'kafka', 'broker.pid');

/** clocks: the product's defaults, but webhook retries and sweeps fast enough to be seen within a scenario */
const CHAOS_ENV = {
  WEBHOOK_RETRY_SCALE: '0.02',
  WEBHOOK_POLL_MS: '500',
  QR_EXPIRY_SWEEP_MS: '2000',
  GATEWAY_RATE_LIMIT_APP_PER_MINUTE: '100000',
  GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE: '100000',
  GATEWAY_PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
  COUNTYPAY_TRACE_EXPORTER: 'none',
  LOG_LEVEL: 'info',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
};

export class ChaosPlatform {
  /** @param {{ instances?: number }} [o] instances of every service (2: the scale-out scenarios) */
  constructor(o = {}) {
    this.instances = o.instances ?? 1;
    this.logDir = join(localDir, 'logs');
    /** instance name (`gateway`, `gateway#2`) → { url, port, pid, log, env } */
    this.apps = {};
    /** name → FaultProxy between the service and PostgreSQL (shared by its instances) */
    this.proxies = {};
    /** name → RoundRobinProxy in front of its instances (several instances only) */
    this.fronts = {};
    this.groupPrefix = `countypay-chaos-${Date.now().toString(36)}`;
  }

  /** A fresh Kafka (its data wiped: no earlier run's events), a fresh database, the migrations, the proxies and every service. */
  async start(log) {
    await this.stopKafkaIfOurs();
    rmSync(join(localDir, 'kafka', 'data'), { recursive: true, force: true });
    const infra = await infraUp({ database: process.env.COUNTYPAY_DB_NAME, freshDatabase: true, zipkin: false });
    this.adminUrl = infra.adminUrl;
    this.kafkaBrokers = infra.kafkaBrokers;
    await migrateAll({ adminUrl: infra.adminUrl });
    this.secrets = localSecrets();
    mkdirSync(this.logDir, { recursive: true });
    for (const svc of SERVICES) {
      this.proxies[svc.name] = await new FaultProxy({ listenPort: proxyPort(svc), targetPort: PG_PORT, label: `${svc.name}→postgres` }).start();
    }
    if (this.instances > 1) {
      for (const svc of SERVICES) {
        const targetPorts = this.instanceNames(svc.name).map((_, k) => instancePort(svc, k + 1, this.instances));
        this.fronts[svc.name] = await new RoundRobinProxy({ listenPort: frontPort(svc), targetPorts, label: `${svc.name} front` }).start();
      }
    }
    const all = SERVICES.flatMap((s) => this.instanceNames(s.name));
    for (const key of all) this.spawn(key);
    await Promise.all(all.map((key) => this.waitReady(key, 180_000)));
    log(`chaos platform up: ${all.map((k) => `${k} :${this.apps[k].port}`).join(', ')}; PostgreSQL :${PG_PORT}; Kafka ${this.kafkaBrokers}`);
    if (this.instances > 1) log(`  ${this.instances} instances of every service, each behind a round-robin front on its usual port`);
  }

  /** the instance names of one service: [`gateway`] or [`gateway`, `gateway#2`] */
  instanceNames(name) {
    return Array.from({ length: this.instances }, (_, k) => instanceName(name, k + 1));
  }

  /** where callers reach a service (its front when it has several instances) */
  frontUrl(name) {
    return `http://127.0.0.1:${frontPort(SERVICES.find((s) => s.name === name))}`;
  }

  env(svc, i = 1) {
    const db = new URL(this.adminUrl);
    db.port = String(proxyPort(svc));
    db.username = `cp_${svc.schema}_app`;
    db.password = this.secrets.appDbPassword;
    const url = (s) => `http://127.0.0.1:${frontPort(s)}`;
    return {
      ...process.env,
      PORT: String(instancePort(svc, i, this.instances)),
      HOST: '127.0.0.1',
      DATABASE_URL: db.toString(),
      DATABASE_SCHEMA: svc.schema,
      KAFKA_BROKERS: this.kafkaBrokers,
      KAFKA_GROUP_PREFIX: this.groupPrefix,
      ...CHAOS_ENV,
      ...secretsEnv(this.secrets, svc.name),
      QR_NOTIFY_BASE_URL: url(SERVICES.find((s) => s.name === 'qr-payment')),
      COUNTYPAY_SERVICE_URLS: JSON.stringify(Object.fromEntries(SERVICES.map((s) => [s.name, url(s)]))),
    };
  }

  /** starts one instance (`settlement`, `settlement#2`) */
  spawn(key) {
    const { svc, i } = parseInstance(key);
    const logFile = join(this.logDir, `${key.replace('#', '-')}.log`);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', '--disable-warning=TimeoutNegativeWarning', join(root, `dist/apps/${svc.name}/src/main.js`)],
      {
        env: this.env(svc, i),
        detached: true,
        stdio: ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
      },
    );
    child.unref();
    const port = instancePort(svc, i, this.instances);
    this.apps[key] = { url: `http://127.0.0.1:${port}`, port, pid: child.pid, log: logFile };
    return child.pid;
  }

  async ready(name) {
    try {
      const res = await fetch(`${this.apps[name].url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    } catch {
      return false;
    }
  }

  /** Resolves with the seconds until the service answers ready (throws past `timeoutMs`). */
  async waitReady(name, timeoutMs = 120_000) {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (!pidAlive(this.apps[name].pid)) {
        const tail = readFileSync(this.apps[name].log, 'utf8').split('\n').slice(-15).join('\n');
        throw new Error(`${name} exited; last lines of ${this.apps[name].log}:\n${tail}`);
      }
      if (await this.ready(name)) return (Date.now() - t0) / 1000;
      await sleep(200);
    }
    throw new Error(`${name} not ready after ${timeoutMs / 1000} s (see ${this.apps[name].log})`);
  }

  kill(name, signal = 'SIGKILL') {
    process.kill(this.apps[name].pid, signal);
  }

  async waitGone(pid, timeoutMs = 10_000) {
    const t0 = Date.now();
    while (pidAlive(pid) && Date.now() - t0 < timeoutMs) await sleep(50);
  }

  kafkaPid() {
    try {
      return Number(readFileSync(kafkaPidFile, 'utf8').trim());
    } catch {
      return 0;
    }
  }

  async stopKafkaIfOurs() {
    if (existsSync(kafkaPidFile) && pidAlive(this.kafkaPid())) await kafkaDown();
  }

  /** kill -9 of our broker (the pid of this platform's own pid file, nothing else) */
  async killKafka() {
    const pid = this.kafkaPid();
    if (!pidAlive(pid)) throw new Error('our Kafka broker is not running');
    process.kill(pid, 'SIGKILL');
    await this.waitGone(pid);
  }

  async startKafka() {
    await kafkaUp();
  }

  /** how many Kafka nodes this platform runs (COUNTYPAY_KAFKA_NODES) */
  get kafkaNodes() {
    return KAFKA_NODES;
  }

  /** kill -9 of node `id` of our cluster */
  async killKafkaNode(id) {
    const pid = kafkaNodePid(id);
    if (!pidAlive(pid)) throw new Error(`our Kafka node ${id} is not running`);
    process.kill(pid, 'SIGKILL');
    await this.waitGone(pid);
  }

  /** a fast shutdown and a start of our embedded PostgreSQL (never the system's: COUNTYPAY_FORCE_EMBEDDED_PG=1) */
  async stopPostgres() {
    await postgresDown();
  }

  async startPostgres() {
    await postgresUp();
  }

  async stop(log) {
    for (const [name, a] of Object.entries(this.apps))
      if (pidAlive(a.pid)) (process.kill(a.pid, 'SIGCONT'), process.kill(a.pid, 'SIGTERM'), log?.(`stopping ${name}`));
    const t0 = Date.now();
    while (Object.values(this.apps).some((a) => pidAlive(a.pid)) && Date.now() - t0 < 20_000) await sleep(200);
    for (const a of Object.values(this.apps)) if (pidAlive(a.pid)) process.kill(a.pid, 'SIGKILL');
    for (const p of Object.values(this.proxies)) await p.stop();
    for (const p of Object.values(this.fronts)) await p.stop();
    await this.stopKafkaIfOurs();
    await postgresDown();
  }
}

/** the Kafka jars are the same for every state directory: reuse a cached copy instead of fetching them again */
export function seedKafkaJars(from) {
  const to = join(localDir, 'kafka', 'jars');
  if (existsSync(to) || !existsSync(from)) return;
  mkdirSync(join(localDir, 'kafka'), { recursive: true });
  spawnSync('cp', ['-r', from, to]);
}
