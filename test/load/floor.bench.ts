// `npm run bench:floor` (issue 14): what the payment path's building blocks cost on this machine at
// the issue's target rate, with nothing of the platform's own code in them — a durable PostgreSQL
// commit, an HTTP hop on bare node:http and behind NestJS, a Kafka message produced and consumed —
// and what a payment made of the platform's counts of them would cost at the least. Set beside the
// CPU a payment may use at 0.08 × the pgbench tps it measures first, it tells how much of that
// budget the path's shape takes before any service code runs (docs/perf/throughput.md, "floor").
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';
import { parseFlags } from './bench-args';
import { benchKafkaBrokers } from './bench-kafka';
import { percentile } from './bench-math';
import { describeUrl, durabilitySettings, findPostgres, runPgbench } from './bench-pgbench';
import { cpuDelta, cpuSnapshot, findKafkaPid, machineStat, type CpuDelta, type Watched } from './bench-procs';

const HELP = `usage: npm run bench:floor -- [options]

What the payment path's building blocks cost on this machine, each alone, at the rate the issue-14
target asks of it (0.08 × the pgbench -N tps measured first, in payments/s, times the block's count
per payment): a durable PostgreSQL commit (one insert; and the services' shape, a scoped BEGIN, an
insert and COMMIT), an HTTP hop (bare node:http, and NestJS with a validated DTO), a Kafka message
(idempotent producer, acks=all, batched as the outbox relay does, one consumer group). Then the least
CPU a payment made of the platform's counts of them would use, against what a payment may use at
the target. Needs PostgreSQL (as npm run bench finds it) and, for the Kafka part, a broker
(KAFKA_BROKERS, else the local one of npm start or npm run infra:up, from .local/infra.json).
Nothing of the platform needs to run; stop it for clean figures (its idle CPU counts as "others").

options:
  --rate N            payments/s (default: 0.08 × the measured pgbench tps); a phase runs its
                      block at this rate times the block's count per payment
  --seconds S         length of every phase (10)
  --skip-pgbench      no pgbench baseline (then --rate is needed)
  --pgbench-tps N     use this pgbench -N tps instead of measuring it
  --skip-kafka        no Kafka phase
  --commits N         durable commits per payment for the sum (9.3: the payer-code bench's
                      "commits of the whole database per payment")
  --hops N            HTTP hops per payment (4: bench → gateway → qr-payment → channel,
                      gateway → partner webhook)
  --messages N        Kafka messages produced per payment (2: payment.succeeded and
                      settlement.posted — the payer-code bench's "Kafka work" counts)
  --deliveries N      consumer-group deliveries per payment (2: settlement's ledger, the
                      gateway's webhooks — the same counts)
  --batch-ms N        the producer sends what gathered every N ms (50: the cheapest batching the
                      ledger-posted bar leaves room for; the outbox relay today publishes on every
                      NOTIFY, in effect ≈ 10 — a broker request costs more than its messages)
  --only BLOCK        only one block (commit, http or kafka), no sum: quick iterations
  --help              this text`;

interface Options {
  rate?: number;
  seconds: number;
  skipPgbench: boolean;
  pgbenchTps?: number;
  skipKafka: boolean;
  commits: number;
  hops: number;
  messages: number;
  deliveries: number;
  batchMs: number;
  only?: 'commit' | 'http' | 'kafka';
}

function parseOptions(argv: readonly string[]): Options | 'help' {
  const valued = new Set(['rate', 'seconds', 'pgbench-tps', 'commits', 'hops', 'messages', 'deliveries', 'batch-ms', 'only']);
  const switches = new Set(['skip-pgbench', 'skip-kafka', 'help']);
  const flags = parseFlags(argv, valued, switches);
  if (flags.has('help')) return 'help';
  const num = (name: string, fallback?: number): number | undefined => {
    const raw = flags.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw === true || !Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${String(raw)}`);
    return n;
  };
  const o: Options = {
    rate: num('rate'),
    seconds: num('seconds', 10)!,
    skipPgbench: flags.has('skip-pgbench'),
    pgbenchTps: num('pgbench-tps'),
    skipKafka: flags.has('skip-kafka'),
    commits: num('commits', 9.3)!,
    hops: num('hops', 4)!,
    messages: num('messages', 2)!,
    deliveries: num('deliveries', 2)!,
    batchMs: num('batch-ms', 50)!,
  };
  const only = flags.get('only');
  if (only !== undefined) {
    if (only !== 'commit' && only !== 'http' && only !== 'kafka') throw new Error(`--only takes commit, http or kafka, got ${String(only)}`);
    o.only = only;
  }
  if (o.rate === 0 || o.seconds === 0) throw new Error('--rate and --seconds must be positive');
  if (o.skipPgbench && o.pgbenchTps === undefined && o.rate === undefined) throw new Error('--skip-pgbench needs --rate or --pgbench-tps');
  return o;
}

const log = (line = ''): void => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : '-');
const FLOOR_DB = 'countypay_floor';
const CPUS = cpus().length;

// ---- a fixed-rate driver -----------------------------------------------------------------------

interface Phase {
  ok: number;
  errors: number;
  firstError?: string;
  latencies: number[];
  cpu: CpuDelta;
  seconds: number;
}

/**
 * Calls `op` `rate` times a second for `seconds` (issued every 10 ms, as many as are due, at most
 * 256 in flight), waits for the last, and reads the CPU of the watched processes around it all.
 * `settle` runs before the closing reading (a consumer catching up).
 */
async function atRate(
  label: string,
  rate: number,
  seconds: number,
  watched: Watched,
  op: (i: number) => Promise<void>,
  settle?: () => Promise<void>,
): Promise<Phase> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  let issued = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const before = cpuSnapshot(watched);
  const t0 = performance.now();
  let nextProgress = t0 + 5000;
  const pending = new Set<Promise<void>>();
  while (issued < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    while (issued < due && inFlight < 256) {
      const i = issued++;
      const started = performance.now();
      inFlight++;
      const p = op(i)
        .then(
          () => {
            ok++;
            latencies.push(performance.now() - started);
          },
          (err: unknown) => {
            errors++;
            firstError ??= err instanceof Error ? err.message : String(err);
          },
        )
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    if (performance.now() >= nextProgress) {
      log(`  [${label}] ${((performance.now() - t0) / 1000).toFixed(0)} s: ${issued}/${total} issued, ${ok} ok, ${errors} errors, in flight ${inFlight}`);
      nextProgress += 5000;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  if (settle) await settle();
  const cpu = cpuDelta(before, cpuSnapshot(watched));
  latencies.sort((a, b) => a - b);
  return { ok, errors, firstError, latencies, cpu, seconds: (performance.now() - t0) / 1000 };
}

interface Cost {
  label: string;
  /** CPU ms per operation, by process label, and all of them */
  byProcess: Array<[string, number]>;
  perOp: number;
  /** the machine's busy CPU ms per operation (everyone, the kernel included) */
  machinePerOp: number;
  ok: number;
  p50: number;
  p99: number;
}

function cost(label: string, p: Phase, counted: readonly string[]): Cost {
  const n = Math.max(1, p.ok);
  // PostgreSQL: less the backends of other databases (someone else's load on a shared server)
  const msOf = (l: string): number => (p.cpu.rows.find((r) => r.label === l)?.ms ?? NaN) - (l === 'postgres' ? p.cpu.postgresOtherDbMs : 0);
  const byProcess = counted.map((l): [string, number] => [l, msOf(l) / n]);
  return {
    label,
    byProcess,
    perOp: byProcess.reduce((a, [, v]) => a + (Number.isNaN(v) ? 0 : v), 0),
    machinePerOp: p.cpu.machineBusyMs / n,
    ok: p.ok,
    p50: percentile(p.latencies, 0.5),
    p99: percentile(p.latencies, 0.99),
  };
}

function report(c: Cost, p: Phase): void {
  const parts = c.byProcess.map(([l, v]) => `${l} ${f2(v)}`).join(' + ');
  log(
    `  ${c.label}: ${c.ok} ok (${(c.ok / p.seconds).toFixed(0)}/s), ${p.errors} errors${p.firstError ? ` (first: ${p.firstError})` : ''}; p50 ${f2(c.p50)} ms, p99 ${f2(c.p99)} ms`,
  );
  log(`    CPU ms per operation: ${parts} = ${f2(c.perOp)} (the whole machine: ${f2(c.machinePerOp)}, ${(p.cpu.machineBusyShare * 100).toFixed(0)}% busy)`);
}

// ---- peers --------------------------------------------------------------------------------------

interface Peer {
  child: ChildProcessWithoutNullStreams;
  port?: number;
  lines: string[];
  stop(): Promise<void>;
}

function startPeer(role: string, args: string[] = []): Promise<Peer> {
  const child = spawn(process.execPath, [join(__dirname, 'floor-peer.js'), role, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise<Peer>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`floor-peer ${role} did not start in 60 s: ${stderr.slice(-500)}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`floor-peer ${role} exited (${code}): ${stderr.slice(-500)}`)));
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        const m = /^ready(?: (\d+))?$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve({
            child,
            port: m[1] ? Number(m[1]) : undefined,
            lines,
            stop: () =>
              new Promise<void>((r) => {
                child.removeAllListeners('exit');
                child.once('exit', () => r());
                child.stdin.end();
                setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
              }),
          });
        }
      }
    });
  });
}

// ---- the phases -----------------------------------------------------------------------------------

function payBody(i: number): string {
  return JSON.stringify({
    tenantId: `t${510100 + (i % 99)}`,
    outTradeNo: `FLOOR-${Date.now()}-${i}`,
    amountFen: 1288,
    authCode: `13${String(i).padStart(16, '0')}`,
    subject: '县域农商银行 扫码付款 floor bench',
  });
}

function post(agent: Agent, port: number, body: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/pay',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`));
          else {
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            resolve();
          }
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function httpPhase(role: 'http' | 'nest', rate: number, seconds: number): Promise<Cost> {
  const peer = await startPeer(role);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    // warm-up: the JIT and the sockets, not measured
    for (let i = 0; i < 200; i++) await post(agent, peer.port!, payBody(i));
    const p = await atRate(role, rate, seconds, { pids: [['peer', peer.child.pid!]] }, (i) => post(agent, peer.port!, payBody(i)));
    const c = cost(role === 'http' ? 'HTTP hop, bare node:http (client + server)' : 'HTTP hop, NestJS + ValidationPipe (client + server)', p, [
      'bench',
      'peer',
    ]);
    report(c, p);
    return c;
  } finally {
    agent.destroy();
    await peer.stop();
  }
}

async function commitPhases(adminUrl: string, rate: number, seconds: number): Promise<{ single: Cost; scoped: Cost }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${FLOOR_DB} with (force)`);
  await admin.query(`create database ${FLOOR_DB}`);
  const u = new URL(adminUrl);
  u.pathname = `/${FLOOR_DB}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 8 });
  // an idle client whose connection ends (the database dropped at the end) must not crash the bench
  pool.on('error', () => undefined);
  try {
    await pool.query(
      `create table floor_rows (id bigserial primary key, tenant_id text not null, amount_fen bigint not null, body jsonb not null, created_at timestamptz not null default now())`,
    );
    await pool.query(`create index on floor_rows (tenant_id, created_at)`);
    const watched: Watched = { pids: [], database: FLOOR_DB };
    const insert = `insert into floor_rows (tenant_id, amount_fen, body) values ($1, $2, $3::jsonb)`;
    const params = (i: number): unknown[] => [`t${510100 + (i % 99)}`, 1288, payBody(i)];
    for (let i = 0; i < 200; i++) await pool.query(insert, params(i));

    const p1 = await atRate('commit', rate, seconds, watched, async (i) => {
      await pool.query(insert, params(i));
    });
    const single = cost('durable commit, one insert (pg client + PostgreSQL)', p1, ['bench', 'postgres']);
    report(single, p1);

    // the services' transaction: BEGIN with the tenant set in the same round trip (ADR 0018), the write, COMMIT
    const p2 = await atRate('scoped', rate, seconds, watched, async (i) => {
      const c = await pool.connect();
      try {
        await c.query(`begin; select set_config('app.tenant_id', '${`t${510100 + (i % 99)}`}', true)`);
        await c.query(insert, params(i));
        await c.query('commit');
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    });
    const scoped = cost('scoped transaction: BEGIN + set_config, insert, COMMIT (pg client + PostgreSQL)', p2, ['bench', 'postgres']);
    report(scoped, p2);
    return { single, scoped };
  } finally {
    await pool.end();
    await admin.query(`drop database if exists ${FLOOR_DB} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

const LOCAL_DIR = process.env.COUNTYPAY_LOCAL_DIR || join(__dirname, '..', '..', '..', '.local');

async function kafkaPhase(rate: number, seconds: number, batchMs: number): Promise<Cost | string> {
  const brokers = (benchKafkaBrokers(LOCAL_DIR) ?? `127.0.0.1:${process.env.COUNTYPAY_KAFKA_PORT || 9092}`).split(',');
  const kafka = new Kafka({ clientId: 'floor-producer', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    return `no broker at ${brokers.join(',')} (${err instanceof Error ? err.message : String(err)}): start one (npm run infra:up) or give --skip-kafka`;
  }
  const topic = `countypay.floor-bench.${Date.now()}`;
  let producer: Producer | undefined;
  let peer: Peer | undefined;
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 12, replicationFactor: 1 }], waitForLeaders: true });
    peer = await startPeer('consumer', [brokers.join(','), topic, `floor-bench-${Date.now()}`]);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const consumed = (): number => {
      for (let i = peer!.lines.length - 1; i >= 0; i--) {
        const m = /^consumed (\d+)$/.exec(peer!.lines[i]!);
        if (m) return Number(m[1]);
      }
      return 0;
    };
    // what the outbox relay does: the rows due since the last poll in one produce request (acks=all)
    let queue: Array<{ key: string; value: string; headers: Record<string, string>; done: () => void; fail: (e: unknown) => void }> = [];
    const flusher = setInterval(() => {
      if (queue.length === 0) return;
      const batch = queue;
      queue = [];
      producer!.send({ topic, acks: -1, messages: batch.map(({ key, value, headers }) => ({ key, value, headers })) }).then(
        () => batch.forEach((m) => m.done()),
        (e: unknown) => batch.forEach((m) => m.fail(e)),
      );
    }, batchMs);
    const warm = 200;
    for (let i = 0; i < warm; i++) await producer.send({ topic, acks: -1, messages: [{ key: `t${510100 + (i % 99)}`, value: payBody(i) }] });
    const watched: Watched = { pids: [['consumer', peer.child.pid!]], kafkaPid: findKafkaPid(LOCAL_DIR) };
    const expected = Math.round(rate * seconds) + warm;
    const p = await atRate(
      'kafka',
      rate,
      seconds,
      watched,
      (i) =>
        new Promise<void>((done, fail) => {
          const tenant = `t${510100 + (i % 99)}`;
          queue.push({ key: tenant, value: payBody(i), headers: { 'tenant-id': tenant }, done, fail });
        }),
      async () => {
        const until = Date.now() + 30_000;
        while (consumed() < expected && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      },
    );
    clearInterval(flusher);
    const c = cost(
      `Kafka message: produced (every ${batchMs} ms a batch, acks=all) + broker + one group consuming (${consumed() - warm} of ${expected - warm} consumed)`,
      p,
      ['bench', 'kafka', 'consumer'],
    );
    report(c, p);
    return c;
  } finally {
    await producer?.disconnect().catch(() => undefined);
    await peer?.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}

// ---- main -------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  if (o === 'help') {
    console.log(HELP);
    return;
  }
  const la = loadavg();
  log(`countypay floor bench (issue 14): the payment path's building blocks alone`);
  log(`  machine: ${CPUS} CPUs, load average ${la.map((v) => v.toFixed(2)).join(' ')}`);
  const adminUrl = await findPostgres();
  if (!adminUrl) throw new Error('no PostgreSQL found (see npm run bench -- --help: BENCH_PG_URL, DATABASE_URL, 127.0.0.1:5432)');
  const d = await durabilitySettings(adminUrl);
  log(
    `  PostgreSQL ${describeUrl(adminUrl)}: fsync = ${d.fsync}, synchronous_commit = ${d.synchronousCommit}${d.ok ? '' : " — NOT durable: the commit figures are not a payment platform's"}`,
  );

  let tps = o.pgbenchTps;
  let pgbenchMachineMs = NaN;
  if (tps === undefined && !o.skipPgbench) {
    log('');
    log('== 0. the yardstick: pgbench -N on the same PostgreSQL');
    const m0 = machineStat();
    const t0 = performance.now();
    const r = await runPgbench(adminUrl, { scale: 10, clients: 8, threads: 2, seconds: 15 }, log);
    const m1 = machineStat();
    tps = r.tps;
    // the machine's CPU over the run (init included, a second or so): per transaction, what pgbench's work costs here
    const busyShare = (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total);
    pgbenchMachineMs = (busyShare * CPUS * (performance.now() - t0)) / Math.max(1, r.transactions ?? r.tps * 15);
    log(`  pgbench: ${tps.toFixed(0)} tps, the machine ${(busyShare * 100).toFixed(0)}% busy: ≈ ${f2(pgbenchMachineMs)} CPU ms per pgbench transaction`);
  }
  const rate = o.rate ?? Math.max(10, Math.round(0.08 * tps!));
  const budget = (CPUS * 1000) / rate;
  const at = (count: number): number => Math.max(1, Math.round(rate * count));
  log(
    `  payments/s: ${rate}${o.rate ? ' (--rate)' : ' (0.08 × pgbench: the target rate)'}; every phase ${o.seconds} s at that rate times the block's count per payment`,
  );

  const runs = (block: 'commit' | 'http' | 'kafka'): boolean => o.only === undefined || o.only === block;
  let commits: { single: Cost; scoped: Cost } | undefined;
  let bare: Cost | undefined;
  let nest: Cost | undefined;
  let kafka: Cost | undefined;
  if (runs('commit')) {
    log('');
    log('== 1. a durable commit');
    commits = await commitPhases(adminUrl, at(o.commits), o.seconds);
  }
  if (runs('http')) {
    log('');
    log('== 2. an HTTP hop (≈ 300 bytes each way, keep-alive)');
    bare = await httpPhase('http', at(o.hops), o.seconds);
    nest = await httpPhase('nest', at(o.hops), o.seconds);
  }
  if (runs('kafka')) {
    log('');
    log('== 3. a Kafka message');
    if (o.skipKafka) log('  skipped (--skip-kafka)');
    else {
      const k = await kafkaPhase(at(o.messages), o.seconds, o.batchMs);
      if (typeof k === 'string') log(`  skipped: ${k}`);
      else kafka = k;
    }
  }
  if (!commits || !bare || !nest) return; // --only: one block, no sum
  const { single, scoped } = commits;

  log('');
  log('== the least a payment costs, from its counts of them (CPU ms; the counts: --commits, --hops, --messages, --deliveries)');
  // a Kafka message's cost splits into the producer + broker and one group's consumer
  const kafkaProduce = kafka ? kafka.byProcess.filter(([l]) => l !== 'consumer').reduce((a, [, v]) => a + v, 0) : NaN;
  const kafkaConsume = kafka ? (kafka.byProcess.find(([l]) => l === 'consumer')?.[1] ?? NaN) : NaN;
  const rows: Array<[string, number, number]> = [
    [`durable commits (${o.commits} × ${f2(single.perOp)}; as scoped transactions ${f2(scoped.perOp)})`, o.commits, single.perOp],
    [`HTTP hops, bare node:http (${o.hops} × ${f2(bare.perOp)})`, o.hops, bare.perOp],
    [`Kafka messages produced (${o.messages} × ${f2(kafkaProduce)}, producer + broker)`, o.messages, kafkaProduce],
    [`Kafka deliveries to consumer groups (${o.deliveries} × ${f2(kafkaConsume)})`, o.deliveries, kafkaConsume],
  ];
  let floor = 0;
  for (const [label, n, each] of rows) {
    const v = n * each;
    if (Number.isFinite(v)) floor += v;
    log(`  ${label.padEnd(78)} ${f2(v).padStart(7)}`);
  }
  const withNest = floor + o.hops * (nest.perOp - bare.perOp);
  const withScoped = withNest + o.commits * (scoped.perOp - single.perOp);
  log(`  ${'the floor: bare building blocks'.padEnd(78)} ${f2(floor).padStart(7)}`);
  log(`  ${'  with every hop behind NestJS + ValidationPipe'.padEnd(78)} ${f2(withNest).padStart(7)}`);
  log(`  ${"  and every commit a scoped transaction (the services' shape)".padEnd(78)} ${f2(withScoped).padStart(7)}`);
  log('');
  log(
    `  what a payment may use at ${rate}/s: ${CPUS} CPUs × 1000 ms ÷ ${rate} = ${f2(budget)} CPU ms` +
      (Number.isFinite(pgbenchMachineMs) ? ` (${(budget / pgbenchMachineMs).toFixed(1)} pgbench transactions at ${f2(pgbenchMachineMs)})` : ''),
  );
  log(
    `  the floor takes ${((floor / budget) * 100).toFixed(0)}% of it; with NestJS hops ${((withNest / budget) * 100).toFixed(0)}%; in the services' shape ${((withScoped / budget) * 100).toFixed(0)}% — before any service code, validation, signing, logging or tracing`,
  );
  log(
    `  highest rate these blocks alone allow: ${((CPUS * 1000) / floor).toFixed(0)}/s bare, ${((CPUS * 1000) / withScoped).toFixed(0)}/s in the services' shape (ratio to pgbench ${tps ? f2((CPUS * 1000) / floor / tps) : '-'} · ${tps ? f2((CPUS * 1000) / withScoped / tps) : '-'})`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:floor failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
