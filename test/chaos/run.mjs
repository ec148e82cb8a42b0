// `npm run test:chaos [-- options]`: the chaos suite (issue 12). Boots a platform of its own — its own
// embedded PostgreSQL, Kafka broker, state directory and ports — drives a steady payer-code load
// through the gateway (all three wallets and county bank codes, refunds mixed in, several counties)
// and injects one fault at a time, each bounded in time; after each it checks that every payment the
// API reported succeeded is posted exactly once, nothing succeeded that the channel did not take,
// every county's trial balance is balanced, webhooks were delivered with stable ids, no order is
// non-final past its deadline, and lists dead letters; then prints the table. Not part of `npm test`
// (it takes ~15 minutes and both cores). Stops what it started, and nothing else.
//
//   --only a,b      run these scenarios only (names in the table; `baseline` always runs first)
//   --rate N        payments per second (CHAOS_RATE, 10)
//   --tenants N     counties (CHAOS_TENANTS, 5)
//   --instances N   run N instances of every service behind round-robin fronts (CHAOS_INSTANCES, 1);
//                   with 2 the scale-out scenarios run too (one instance of each killed mid-load)
//   --kafka-nodes N 1 (default) or 3: a three-node KRaft cluster (replication factor 3,
//                   min.insync.replicas 2); with 3 one broker is also killed and the load keeps going
//   --list          print the scenarios and exit
// Ports: COUNTYPAY_CHAOS_BASE_PORT (default COUNTYPAY_E2E_BASE_PORT + 30, else 4130: 7 services and
// the webhook receiver at +9), COUNTYPAY_CHAOS_KAFKA_PORT (default COUNTYPAY_KAFKA_PORT + 2, else 9094;
// its controller +1), COUNTYPAY_CHAOS_PG_PORT (5732; the per-service database proxies at +10…+16).
import '../../tools/node24.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { root } from '../../tools/swc-config.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    rate: { type: 'string' },
    tenants: { type: 'string' },
    instances: { type: 'string' },
    'kafka-nodes': { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const basePort = num(process.env.COUNTYPAY_CHAOS_BASE_PORT, process.env.COUNTYPAY_E2E_BASE_PORT ? Number(process.env.COUNTYPAY_E2E_BASE_PORT) + 30 : 4130);
const kafkaPort = num(process.env.COUNTYPAY_CHAOS_KAFKA_PORT, process.env.COUNTYPAY_KAFKA_PORT ? Number(process.env.COUNTYPAY_KAFKA_PORT) + 2 : 9094);
const pgPort = num(process.env.COUNTYPAY_CHAOS_PG_PORT, 5732);
const kafkaNodes = num(values['kafka-nodes'] ?? process.env.CHAOS_KAFKA_NODES, 1);
if (kafkaNodes !== 1 && kafkaNodes !== 3) {
  process.stderr.write('--kafka-nodes takes 1 or 3\n');
  process.exit(2);
}
const localDir = join(root, '.local', 'chaos');
const sharedJars = join(process.env.COUNTYPAY_LOCAL_DIR ?? join(root, '.local'), 'kafka', 'jars');
// the deploy scripts read these when they are imported: the chaos platform's own everything
Object.assign(process.env, {
  COUNTYPAY_LOCAL_DIR: localDir,
  COUNTYPAY_FORCE_EMBEDDED_PG: '1',
  COUNTYPAY_EMBEDDED_PG_PORT: String(pgPort),
  COUNTYPAY_KAFKA_PORT: String(kafkaPort),
  COUNTYPAY_KAFKA_NODES: String(kafkaNodes),
  COUNTYPAY_BASE_PORT: String(basePort),
  COUNTYPAY_DB_NAME: 'countypay_chaos',
  COUNTYPAY_TRACE_EXPORTER: 'none',
});
delete process.env.DATABASE_URL;
delete process.env.KAFKA_BROKERS;

const rate = num(values.rate ?? process.env.CHAOS_RATE, 10);
const tenants = num(values.tenants ?? process.env.CHAOS_TENANTS, 5);
const instances = num(values.instances ?? process.env.CHAOS_INSTANCES, 1);
if (!Number.isInteger(instances) || instances < 1 || instances > 3) {
  process.stderr.write('--instances takes 1, 2 or 3\n');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stamp = () => new Date().toISOString().slice(11, 19);
const log = (line) => process.stdout.write(`${stamp()} ${line}\n`);

/** @typedef {{ healedAt: number, readyS?: number }} Healed */
/** Each scenario: inject(p) runs the fault and its healing, answers the moment it was healed. */
const SERVICE_KILLS = ['gateway', 'qr-payment', 'settlement', 'channel-sandbox', 'onboarding'].map((svc) => ({
  name: `kill-9 ${svc}`,
  what: `kill -9 ${svc}, restarted at once`,
  async inject(p) {
    const pid = p.apps[svc].pid;
    p.kill(svc, 'SIGKILL');
    await p.waitGone(pid);
    const healedAt = Date.now();
    p.spawn(svc);
    const readyS = await p.waitReady(svc, 120_000);
    return { healedAt, readyS };
  },
}));

/** scale-out (several instances only): one instance of every service killed at once, mid-load, and restarted */
const SCALE_OUT = [
  {
    name: 'kill-9 one of each',
    what: 'kill -9 instance 1 of every service at once (the others keep serving), restarted',
    minInstances: 2,
    async inject(p) {
      const keys = Object.keys(p.apps).filter((k) => !k.includes('#'));
      const pids = keys.map((k) => p.apps[k].pid);
      for (const k of keys) p.kill(k, 'SIGKILL');
      await Promise.all(pids.map((pid) => p.waitGone(pid)));
      const healedAt = Date.now();
      for (const k of keys) p.spawn(k);
      const ready = await Promise.all(keys.map((k) => p.waitReady(k, 120_000)));
      return { healedAt, readyS: Math.max(...ready) };
    },
  },
  {
    name: 'kill-9 settlement#2 twice',
    what: 'kill -9 the second settlement instance, restart, and again 10 s later (two rebalances of the ledger consumers)',
    minInstances: 2,
    async inject(p) {
      let healedAt = 0;
      for (let round = 0; round < 2; round++) {
        const pid = p.apps['settlement#2'].pid;
        p.kill('settlement#2', 'SIGKILL');
        await p.waitGone(pid);
        healedAt = Date.now();
        p.spawn('settlement#2');
        await p.waitReady('settlement#2', 120_000);
        if (round === 0) await sleep(10_000);
      }
      return { healedAt };
    },
  },
];

/** a three-node cluster (--kafka-nodes 3): one broker dies, the load keeps going, it comes back */
const KAFKA_CLUSTER = [
  {
    name: 'kill-9 broker 2 of 3',
    what: 'kill -9 Kafka node 2 of 3 (replication 3, min.insync 2), down 20 s under load, restarted',
    minKafkaNodes: 3,
    async inject(p) {
      await p.killKafkaNode(2);
      await sleep(20_000);
      const healedAt = Date.now();
      await p.startKafka();
      return { healedAt, readyS: (Date.now() - healedAt) / 1000 };
    },
  },
];

const SCENARIOS = [
  ...SCALE_OUT,
  ...KAFKA_CLUSTER,
  {
    name: 'kill-9 kafka',
    what: 'kill -9 the Kafka broker, down 10 s, restarted',
    async inject(p) {
      await p.killKafka();
      await sleep(10_000);
      const healedAt = Date.now();
      await p.startKafka();
      return { healedAt, readyS: (Date.now() - healedAt) / 1000 };
    },
  },
  ...SERVICE_KILLS,
  {
    name: 'restart postgres',
    what: 'PostgreSQL (ours, :' + pgPort + ') fast shutdown and start',
    async inject(p) {
      await p.stopPostgres();
      const healedAt = Date.now();
      await p.startPostgres();
      return { healedAt, readyS: (Date.now() - healedAt) / 1000 };
    },
  },
  {
    name: 'sigstop settlement 30s',
    what: 'SIGSTOP the ledger consumer (settlement) for 30 s, then SIGCONT',
    async inject(p) {
      p.kill('settlement', 'SIGSTOP');
      await sleep(30_000);
      p.kill('settlement', 'SIGCONT');
      return { healedAt: Date.now() };
    },
  },
  {
    name: 'sigstop qr-payment 30s',
    what: 'SIGSTOP qr-payment (payments and its consumers) for 30 s, then SIGCONT',
    async inject(p) {
      p.kill('qr-payment', 'SIGSTOP');
      await sleep(30_000);
      p.kill('qr-payment', 'SIGCONT');
      return { healedAt: Date.now() };
    },
  },
  {
    name: 'proxy blackhole qr-payment→pg 15s',
    what: 'qr-payment ↔ PostgreSQL: nothing forwarded for 15 s (a partition), then pass',
    async inject(p) {
      p.proxies['qr-payment'].set('blackhole');
      await sleep(15_000);
      p.proxies['qr-payment'].set('pass');
      return { healedAt: Date.now() };
    },
  },
  {
    name: 'proxy reset settlement→pg 10s',
    what: 'settlement ↔ PostgreSQL: every connection reset and refused for 10 s, then pass',
    async inject(p) {
      p.proxies.settlement.set('reset');
      await sleep(10_000);
      p.proxies.settlement.set('pass');
      return { healedAt: Date.now() };
    },
  },
  {
    name: 'proxy delay gateway→pg 300ms',
    what: 'gateway ↔ PostgreSQL: every chunk delayed 300 ms for 20 s',
    async inject(p) {
      p.proxies.gateway.set('delay', { delayMs: 300 });
      await sleep(20_000);
      p.proxies.gateway.set('pass');
      return { healedAt: Date.now() };
    },
  },
];

if (values.list) {
  for (const s of [{ name: 'baseline', what: 'no fault' }, ...SCENARIOS])
    process.stdout.write(
      `${s.name.padEnd(36)} ${s.what}${s.minInstances ? ` (with --instances ${s.minInstances})` : ''}${s.minKafkaNodes ? ` (with --kafka-nodes ${s.minKafkaNodes})` : ''}\n`,
    );
  process.exit(0);
}
const only = values.only ? values.only.split(',').map((s) => s.trim()) : undefined;
const runnable = SCENARIOS.filter((s) => (s.minInstances ?? 1) <= instances && (s.minKafkaNodes ?? 1) <= kafkaNodes);
const chosen = only ? runnable.filter((s) => only.includes(s.name)) : runnable;
if (only && chosen.length !== only.filter((n) => n !== 'baseline').length) {
  process.stderr.write(`unknown scenario in --only, or one that needs more --instances (see --list)\n`);
  process.exit(2);
}

const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const { ChaosPlatform, seedKafkaJars, PG_PORT } = await import('./platform.mjs');
const chaos = await import(join(root, 'dist/test/chaos/chaos-load.js'));
const { ChaosDriver, formatTable } = chaos.default ?? chaos;

seedKafkaJars(sharedJars);
log(
  `chaos: base port ${basePort}, Kafka :${kafkaPort}, PostgreSQL :${PG_PORT} (embedded, ours), state in ${localDir}; ${rate}/s over ${tenants} counties; ${instances} instance(s) of every service; ${kafkaNodes} Kafka node(s)`,
);
const platform = new ChaosPlatform({ instances });
let driver;
let stopping = false;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  await driver?.stop().catch(() => undefined);
  await driver?.close().catch(() => undefined);
  log('chaos: stopping the chaos platform (only what this run started)');
  await platform.stop().catch((e) => log(`stop: ${e.message}`));
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

const rows = [];
try {
  await platform.start(log);
  const stateFile = join(localDir, 'state.json');
  if (existsSync(stateFile)) rmSync(stateFile); // a fresh database every run: a fresh set-up
  driver = new ChaosDriver({
    baseUrl: platform.frontUrl('gateway'),
    sandboxUrl: platform.frontUrl('channel-sandbox'),
    adminUrl: platform.adminUrl,
    kafkaBrokers: platform.kafkaBrokers,
    operatorToken: platform.secrets.provinceOperatorToken,
    stateFile,
    webhookPort: basePort + 9,
    tenants,
    rate,
    amountFen: 1288,
    refundEvery: 8,
    orderDeadlineMs: 30_000,
    log,
  });
  await driver.setup();

  const runOne = async (s) => {
    log(`── ${s.name}: ${s.what}`);
    const from = Date.now();
    driver.start();
    const progress = setInterval(() => log(`   [${s.name}] ${((Date.now() - from) / 1000).toFixed(0)} s: ${driver.progress()}`), 5000);
    let figures;
    try {
      await sleep(10_000); // steady before the fault
      let timing = {};
      if (s.inject) {
        log(`   [${s.name}] fault`);
        const healed = await s.inject(platform);
        log(`   [${s.name}] healed${healed.readyS !== undefined ? ` (ready in ${healed.readyS.toFixed(1)} s)` : ''}; waiting for the recovery (≤ 120 s)`);
        const recoverS = await driver.timeToRecover(healed.healedAt, 120_000);
        log(`   [${s.name}] recovered: ${recoverS === undefined ? 'NOT within 120 s' : `${recoverS.toFixed(1)} s after the heal`}`);
        timing = { recoverS, readyS: healed.readyS };
        await sleep(5_000); // steady after the recovery
      } else {
        await sleep(10_000);
        timing = { recoverS: 0 };
      }
      clearInterval(progress);
      await driver.stop();
      log(`   [${s.name}] load stopped; checking the invariants (waiting ≤ 60 s for postings and webhooks)`);
      figures = await driver.check(s.name, from, timing);
    } finally {
      clearInterval(progress);
    }
    rows.push(figures);
    log(`\n${formatTable([figures])}\n`);
    if (driver.refundErrors.size) log(`   refund requests without an answer so far: ${[...driver.refundErrors].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  };

  await runOne({ name: 'baseline', what: `no fault, ${rate}/s for 20 s` });
  for (const s of chosen) await runOne(s);
  const failed = rows.filter((r) => formatTable([r]).includes('FAILED'));
  process.stdout.write(
    `\n== chaos: ${rows.length} scenario(s), ${rate} payments/s over ${tenants} counties, ${instances} instance(s) of every service, ${kafkaNodes} Kafka node(s)\n${formatTable(rows)}\n`,
  );
  if (instances > 1)
    process.stdout.write(
      `connections per instance through the fronts: ${Object.entries(platform.fronts)
        .map(([n, f]) => `${n} ${Object.values(f.served).join('/')}`)
        .join(', ')}\n`,
    );
  process.stdout.write(`\nlogs: ${platform.logDir}\n`);
  await shutdown(failed.length ? 1 : 0);
} catch (err) {
  log(`chaos failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (rows.length) process.stdout.write(`${formatTable(rows)}\n`);
  await shutdown(1);
}
