// `npm run bench`: the payer-code (POS) flow through the gateway with the SDK, against a RUNNING
// platform on loopback (issue 14, "Ten times the payment throughput on the same box"). One run:
//   0. pgbench first: `pgbench -N -c 8 -j 2 -T 15` on a scratch database of the same PostgreSQL
//      (fsync and synchronous_commit checked on) — the yardstick of the ratio;
//   1. set-up, reused from .local/bench/state.json: a partner with an app per county (all 99), a
//      merchant + store + terminal per county, county bank deposit accounts in the sandbox;
//   2. an idle phase: every process's CPU with no load (a service with no work must not spin);
//   3. a fixed rate, the tenants drawn by a Zipf law (s 1.1, seeded), the payer codes mostly
//      WeChat / Alipay / UnionPay (a new payer each) and some county bank codes;
//   4. a step-up to the highest rate meeting p99 ≤ 250 ms and errors ≤ 1 %, then half of it;
// then prints successful payments/s, the API latency distribution, payment → ledger delay,
// the ratio to pgbench, CPU per successful payment per process, and checks that every
// succeeded payment was posted exactly once. `--idle N` measures the idle cost only; `--profile`
// saves a CPU profile of every service (they must run with COUNTYPAY_PROFILING=on).
// The platform must run with raised rate limits (see --help).
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { COUNTIES } from '@countypay/contracts';
import { CountypayApiError, CountypayClient, CountypayConnectionError, type FetchLike, type QrOrder } from '@countypay/sdk';
import {
  type HistogramDelta,
  type LatencyDistribution,
  ZipfSampler,
  histogramDelta,
  histogramQuantile,
  histogramShareWithin,
  latencyDistribution,
  parseHistogram,
  percentile,
  seededRandom,
  topSelfTime,
  weightedPicker,
} from './bench-math';
import { parseFlags } from './bench-args';
import { CountingWebhookReceiver, keepAliveFetch } from './bench-http';
import { describeUrl, durabilitySettings, findPostgres, runPgbench, vacuumAnalyze, type DurabilitySettings } from './bench-pgbench';
import { benchKafkaBrokers, kafkaLines, kafkaSnapshot, kafkaWork, type KafkaSnapshot, type KafkaWork } from './bench-kafka';
import { statementLines, statementSnapshot, statementStatsUnavailable, statementWork, type StatementSnapshot, type StatementWork } from './bench-statements';
import {
  type CpuDelta,
  type CpuSnapshot,
  type Platform,
  MS_PER_TICK,
  cpuDelta,
  cpuSnapshot,
  machineShares,
  platformMs,
  rowMs,
  findKafkaPid,
  findPlatform,
  machineBusySince,
  machineStat,
  type Watched,
} from './bench-procs';
import { type BenchTenant, ensureSetup, pool } from './bench-setup';
import { type LedgerEntry, ledgerEntries, sleep, until } from './platform-setup';

const ROOT = join(__dirname, '..', '..', '..');
const LOCAL = process.env.COUNTYPAY_LOCAL_DIR ?? join(ROOT, '.local');
const BENCH_DIR = join(LOCAL, 'bench');

const HELP = `usage: npm run bench -- [options]

Drives payer-code (POS) payments through the gateway of a RUNNING platform, over all 99 counties
with a Zipf skew, and prints throughput, latency, payment → ledger delay, the ratio to pgbench,
CPU per payment per process and the exactly-once check. Start the platform for it with the rate
limits raised (the gateway limits each app and each county per minute):

  GATEWAY_RATE_LIMIT_APP_PER_MINUTE=1000000 GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE=1000000 npm start
  (add COUNTYPAY_PROFILING=on for --profile)

options (environment variable in brackets):
  --rate N            fixed-rate phase, payments/s (BENCH_RATE, 50)
  --duration S        fixed-rate phase length, s (BENCH_DURATION_S, 30)
  --step N            step-up increment, payments/s (BENCH_STEP, 25)
  --step-start N      first step (BENCH_STEP_START, rate + step)
  --step-seconds S    length of each step (BENCH_STEP_S, 10)
  --max-rate N        last step (BENCH_MAX_RATE, 1000)
  --skip-pgbench      no pgbench baseline (quick iterations; no ratio unless --pgbench-tps)
  --pgbench-tps N     use this pgbench -N tps instead of measuring it (shown as given)
  --profile           save a CPU profile of every service during the fixed-rate phase to
                      .local/bench/profiles/<service>-<time>.cpuprofile
  --idle S            only measure every process's CPU for S seconds without load, and exit
  --idle-seconds S    the idle phase of a full run (BENCH_IDLE_S, 10; 0: none)
  --tenants N         spread the load over the first N counties only (BENCH_TENANTS, 99)
  --zipf S            the Zipf exponent (BENCH_ZIPF_S, 1.1)
  --seed N            the seed of the county / wallet draws (BENCH_SEED, 14)
  --help              this text

bounds: BENCH_MAX_REQUESTS (200000), BENCH_MAX_SECONDS of load (300), BENCH_MAX_IN_FLIGHT (500),
BENCH_REQUEST_TIMEOUT_MS (30000). Also: COUNTYPAY_URL (http://127.0.0.1:4000), COUNTYPAY_OPERATOR_TOKEN
(default .local/secrets.json), COUNTYPAY_SANDBOX_URL / COUNTYPAY_SETTLEMENT_URL (default from the run
file of npm start), BENCH_RUN_FILE, BENCH_PG_URL, BENCH_AMOUNT_FEN (1288), BENCH_WEBHOOK_PORT (4091).`;

// ---- options -----------------------------------------------------------------------------------

interface Options {
  rate: number;
  durationS: number;
  step: number;
  stepStart: number;
  stepS: number;
  maxRate: number;
  skipPgbench: boolean;
  pgbenchTps?: number;
  profile: boolean;
  idleOnly?: number;
  idleS: number;
  tenants: number;
  zipfS: number;
  seed: number;
  maxRequests: number;
  maxSeconds: number;
  maxInFlight: number;
  timeoutMs: number;
  amountFen: number;
  webhookPort: number;
}

function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options | 'help' {
  const valued = new Set([
    'rate',
    'duration',
    'step',
    'step-start',
    'step-seconds',
    'max-rate',
    'pgbench-tps',
    'idle',
    'idle-seconds',
    'tenants',
    'zipf',
    'seed',
  ]);
  const switches = new Set(['skip-pgbench', 'profile', 'help']);
  const flags = parseFlags(argv, valued, switches);
  if (flags.has('help')) return 'help';
  const num = (flag: string | undefined, envName: string | undefined, fallback: number, { allowZero = false, integer = false } = {}): number => {
    const raw = (flag ? flags.get(flag) : undefined) ?? (envName ? env[envName] : undefined);
    if (raw === undefined || raw === '' || raw === true) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0) || (integer && !Number.isInteger(n))) {
      const names = [flag ? `--${flag}` : undefined, envName].filter(Boolean).join(' / ');
      throw new Error(`${names} must be a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got ${String(raw)}`);
    }
    return n;
  };
  const rate = num('rate', 'BENCH_RATE', 50);
  const step = num('step', 'BENCH_STEP', 25);
  const tenants = num('tenants', 'BENCH_TENANTS', COUNTIES.length, { integer: true });
  if (tenants > COUNTIES.length) throw new Error(`--tenants is at most ${COUNTIES.length}`);
  return {
    rate,
    durationS: num('duration', 'BENCH_DURATION_S', 30),
    step,
    stepStart: num('step-start', 'BENCH_STEP_START', rate + step),
    stepS: num('step-seconds', 'BENCH_STEP_S', 10),
    maxRate: num('max-rate', 'BENCH_MAX_RATE', 1000),
    skipPgbench: flags.has('skip-pgbench'),
    pgbenchTps: flags.has('pgbench-tps') ? num('pgbench-tps', undefined, 0) : undefined,
    profile: flags.has('profile'),
    idleOnly: flags.has('idle') ? num('idle', undefined, 30) : undefined,
    idleS: num('idle-seconds', 'BENCH_IDLE_S', 10, { allowZero: true }),
    tenants,
    zipfS: num('zipf', 'BENCH_ZIPF_S', 1.1, { allowZero: true }),
    seed: num('seed', 'BENCH_SEED', 14, { integer: true }),
    maxRequests: num(undefined, 'BENCH_MAX_REQUESTS', 200_000, { integer: true }),
    maxSeconds: num(undefined, 'BENCH_MAX_SECONDS', 300),
    maxInFlight: num(undefined, 'BENCH_MAX_IN_FLIGHT', 500, { integer: true }),
    timeoutMs: num(undefined, 'BENCH_REQUEST_TIMEOUT_MS', 30_000),
    amountFen: num(undefined, 'BENCH_AMOUNT_FEN', 1288, { integer: true }),
    webhookPort: num(undefined, 'BENCH_WEBHOOK_PORT', 4091, { integer: true }),
  };
}

// ---- small helpers -----------------------------------------------------------------------------

const log = (line = ''): void => console.log(line);
const ms = (v: number): string => (Number.isNaN(v) ? '-' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const pct = (v: number, digits = 1): string => (Number.isNaN(v) ? '-' : `${(v * 100).toFixed(digits)}%`);
const f1 = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(1));
const f2 = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(2));
const pad = (s: string, n: number): string => s.padEnd(n);
const lpad = (s: string, n: number): string => s.padStart(n);

function portPlus(url: string, offset: number): string {
  const u = new URL(url);
  u.port = String(Number(u.port || 80) + offset);
  return u.origin;
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) throw new Error(`the bench runs against loopback only, not ${host}`);
}

function operatorToken(): string {
  if (process.env.COUNTYPAY_OPERATOR_TOKEN) return process.env.COUNTYPAY_OPERATOR_TOKEN;
  try {
    const s = JSON.parse(readFileSync(join(LOCAL, 'secrets.json'), 'utf8')) as { provinceOperatorToken?: string };
    if (s.provinceOperatorToken) return s.provinceOperatorToken;
  } catch {
    // fall through
  }
  throw new Error('no operator token: set COUNTYPAY_OPERATOR_TOKEN or run `npm start`');
}

const POSTING_DELAY = 'ledger_posting_delay_seconds';
const PAYMENT_SUCCEEDED = 'source_type="payment.succeeded"';

async function postingDelayBuckets(settlementUrl: string): Promise<Map<string, number> | undefined> {
  try {
    const res = await fetch(`${settlementUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    return parseHistogram(await res.text(), POSTING_DELAY, PAYMENT_SUCCEEDED);
  } catch {
    return undefined;
  }
}

// ---- the load ----------------------------------------------------------------------------------

type Wallet = 'wechat' | 'alipay' | 'unionpay' | 'county_bank';
const WALLET_MIX: ReadonlyArray<readonly [Wallet, number]> = [
  ['wechat', 40],
  ['alipay', 25],
  ['unionpay', 20],
  ['county_bank', 15],
];

interface Target {
  tenantId: string;
  name: string;
  client: CountypayClient;
  merchantId: string;
  terminalId: string;
  accounts: string[];
}

interface Sample {
  latencyMs: number;
  outcome: 'succeeded' | 'failed' | 'closed' | 'error';
  code?: string;
  orderId?: string;
  tenant: number;
  paidAt?: string;
}

interface Phase {
  label: string;
  rate: number;
  samples: Sample[];
  /** from the first request to the last answer (stragglers included) */
  seconds: number;
  cpu?: CpuDelta;
  /** settlement's posting-delay histogram from the phase's start to its end */
  ledger?: HistogramDelta;
}

interface PhaseStats {
  n: number;
  ok: number;
  errors: number;
  errorRate: number;
  okPerSecond: number;
  latency: LatencyDistribution;
  codes: Map<string, number>;
}

function phaseStats(p: Pick<Phase, 'samples' | 'seconds'>): PhaseStats {
  let ok = 0;
  const codes = new Map<string, number>();
  const lat: number[] = [];
  for (const s of p.samples) {
    if (s.outcome === 'succeeded') ok++;
    else codes.set(s.code ?? s.outcome, (codes.get(s.code ?? s.outcome) ?? 0) + 1);
    if (s.code !== 'bench_in_flight_cap') lat.push(s.latencyMs);
  }
  const n = p.samples.length;
  return { n, ok, errors: n - ok, errorRate: n ? (n - ok) / n : 0, okPerSecond: p.seconds > 0 ? ok / p.seconds : 0, latency: latencyDistribution(lat), codes };
}

const rand8 = (): string => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

/** A one-time payer code: every WeChat / Alipay / UnionPay code is a new payer; a county bank code debits one of the county's accounts. */
function payerCode(wallet: Wallet, accounts: readonly string[]): string {
  switch (wallet) {
    case 'wechat':
      return `1${Math.floor(Math.random() * 6)}${rand8()}${rand8()}`; // 10–15 + 16 digits
    case 'alipay':
      return `28${rand8()}${rand8()}`; // 18 digits
    case 'unionpay':
      return `62${rand8()}${rand8()}${Math.floor(Math.random() * 10)}`; // 19 digits
    case 'county_bank':
      return `88${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${accounts[Math.floor(Math.random() * accounts.length)]!}`; // 18 digits
  }
}

class Load {
  readonly samples: Sample[] = [];
  readonly tenantCounts: Uint32Array;
  readonly walletCounts = new Map<Wallet, number>();
  inFlight = 0;
  sent = 0;
  private seq = 0;
  private readonly zipf: ZipfSampler;
  private readonly wallet: () => Wallet;
  private readonly runId = Date.now().toString(36);

  constructor(
    private readonly targets: readonly Target[],
    private readonly o: Options,
    /** the platform's processes: each progress line says how much of the machine they used, and how much everything else did */
    private readonly watched?: Watched,
  ) {
    this.zipf = new ZipfSampler(targets.length, o.zipfS, seededRandom(o.seed));
    this.wallet = weightedPicker(WALLET_MIX, seededRandom(o.seed ^ 0x9e3779b9));
    this.tenantCounts = new Uint32Array(targets.length);
  }

  private async one(): Promise<void> {
    const tenant = this.zipf.sample();
    const t = this.targets[tenant]!;
    let wallet = this.wallet();
    if (wallet === 'county_bank' && t.accounts.length === 0) wallet = 'wechat';
    this.tenantCounts[tenant]!++;
    this.walletCounts.set(wallet, (this.walletCounts.get(wallet) ?? 0) + 1);
    const seq = this.seq++;
    this.inFlight++;
    this.sent++;
    const t0 = performance.now();
    try {
      const o: QrOrder = await t.client.qrOrders.payWithPayerCode({
        merchantId: t.merchantId,
        terminalId: t.terminalId,
        outTradeNo: `b${this.runId}-${seq}`,
        amountFen: this.o.amountFen,
        payerCode: payerCode(wallet, t.accounts),
      });
      this.samples.push({
        latencyMs: performance.now() - t0,
        outcome: o.status === 'succeeded' ? 'succeeded' : o.status === 'failed' ? 'failed' : 'closed',
        code: o.status === 'succeeded' ? undefined : (o.failureReason ?? o.status),
        orderId: o.id,
        tenant,
        paidAt: o.paidAt ?? undefined,
      });
    } catch (err) {
      const code =
        err instanceof CountypayApiError
          ? err.code
          : err instanceof CountypayConnectionError
            ? /no answer within/.test(String((err.cause as Error | undefined)?.message))
              ? 'bench_timeout'
              : 'connection_error'
            : err instanceof Error
              ? err.name
              : 'error';
      this.samples.push({ latencyMs: performance.now() - t0, outcome: 'error', code, tenant });
    } finally {
      this.inFlight--;
    }
  }

  /** Open loop: starts `rate` requests per second for `seconds` (within the bounds), then waits for the stragglers. */
  async run(rate: number, seconds: number, label: string, deadline: number): Promise<Phase> {
    const from = this.samples.length;
    const start = performance.now();
    const total = Math.round(rate * seconds);
    let started = 0;
    let lastReport = start;
    let machine = machineStat();
    let cpu = this.watched ? cpuSnapshot(this.watched) : undefined;
    let lastDone = from;
    let stopped: string | undefined;
    while (started < total && !stopped) {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
      while (started < due) {
        if (this.sent >= this.o.maxRequests) {
          stopped = `request bound (${this.o.maxRequests})`;
          break;
        }
        if (Date.now() > deadline) {
          stopped = `time bound (${this.o.maxSeconds} s)`;
          break;
        }
        started++;
        if (this.inFlight >= this.o.maxInFlight) this.samples.push({ latencyMs: 0, outcome: 'error', code: 'bench_in_flight_cap', tenant: -1 });
        else void this.one();
      }
      if (now - lastReport >= 5000) {
        const m = machineBusySince(machine);
        machine = m.now;
        let shares = '';
        if (this.watched && cpu) {
          const next = cpuSnapshot(this.watched);
          const split = machineShares(cpuDelta(cpu, next), cpus().length);
          shares = ` (platform ${pct(split.platform, 0)}, others ${pct(split.others, 0)})`;
          cpu = next;
        }
        const window = this.samples.slice(lastDone);
        lastDone = this.samples.length;
        const s = phaseStats({ samples: window, seconds: (now - lastReport) / 1000 });
        lastReport = now;
        log(
          `  [${label}] ${((now - start) / 1000).toFixed(0)} s: sent ${started}, last 5 s: ${s.ok} ok (${f1(s.okPerSecond)}/s), ${s.errors} errors, ` +
            `p50 ${ms(s.latency.p50)} p99 ${ms(s.latency.p99)}, in flight ${this.inFlight}, machine CPU ${pct(m.share, 0)}${shares}`,
        );
      }
      const next = start + (started * 1000) / rate;
      await sleep(Math.max(1, next - performance.now()));
    }
    if (stopped) log(`  [${label}] stopped early: ${stopped}`);
    while (this.inFlight > 0) await sleep(10);
    return { label, rate, samples: this.samples.slice(from), seconds: (performance.now() - start) / 1000 };
  }
}

// ---- reporting ---------------------------------------------------------------------------------

function summaryLine(label: string, p: Phase): string {
  const s = phaseStats(p);
  const codes = s.codes.size ? ` [${[...s.codes].map(([c, n]) => `${c}: ${n}`).join(', ')}]` : '';
  return (
    `  ${label}: ${s.n} requests, ${s.ok} succeeded = ${f1(s.okPerSecond)}/s, errors ${s.errors} (${pct(s.errorRate, 2)})${codes}; ` +
    `p50 ${ms(s.latency.p50)}, p99 ${ms(s.latency.p99)}${p.cpu ? `; CPU ${f2(platformMs(p.cpu) / Math.max(1, s.ok))} ms/payment (+ bench ${f2(rowMs(p.cpu, 'bench') / Math.max(1, s.ok))}), machine ${pct(p.cpu.machineBusyShare, 0)}` : ''}`
  );
}

function distributionLines(title: string, d: LatencyDistribution): string[] {
  return [
    `  ${title} (${d.n} requests): p50 ${ms(d.p50)}, p90 ${ms(d.p90)}, p95 ${ms(d.p95)}, p99 ${ms(d.p99)}, p99.9 ${ms(d.p999)}, max ${ms(d.max)}, mean ${ms(d.mean)}`,
    `    within: ${d.within.map(([b, share]) => `≤${b} ms ${pct(share)}`).join(', ')}`,
  ];
}

function labelOf(label: string, w: Watched, kafkaPid: number | undefined): string {
  if (label === 'kafka') return `kafka broker (JVM${kafkaPid ? ` ${kafkaPid}` : ''})`;
  if (label === 'bench') return `bench (load generator, ${process.pid})`;
  const pid = w.pids.find(([l]) => l === label)?.[1];
  return pid ? `${label} (${pid})` : label;
}

function cpuTable(d: CpuDelta, payments: number, w: Watched): string[] {
  const lines = [`  ${pad('process', 34)} ${lpad('CPU ms', 9)} ${lpad('ms/payment', 11)} ${lpad('% of a core', 12)}`];
  const row = (name: string, v: number, note = ''): string =>
    `  ${pad(name, 34)} ${lpad(Number.isNaN(v) ? '-' : v.toFixed(0), 9)} ${lpad(f2(v / payments), 11)} ${lpad(pct(v / (d.seconds * 1000)), 12)}${note}`;
  for (const r of d.rows) {
    const note = r.unreliable ? '  (restarted or gone during the phase)' : r.label === 'postgres' ? `  (${r.processes} processes)` : '';
    lines.push(row(labelOf(r.label, w, w.kafkaPid), r.ms, note));
  }
  lines.push(row('total: the platform (all but bench)', platformMs(d)));
  lines.push(row('total with the bench', platformMs(d) + (rowMs(d, 'bench') || 0)));
  lines.push(row('machine, all CPUs (/proc/stat)', d.machineBusyMs, `  (${pct(d.machineBusyShare)} of ${cpus().length} CPUs busy)`));
  const other = d.machineBusyMs - platformMs(d) - (rowMs(d, 'bench') || 0);
  lines.push(row('other processes, kernel', other));
  if (d.postgresOtherDbMs > 0) lines.push(`  (of postgres: ${d.postgresOtherDbMs.toFixed(0)} ms in backends of other databases — someone else's load)`);
  return lines;
}

function idleTable(d: CpuDelta, w: Watched, services: readonly string[]): { lines: string[]; spinning: string[] } {
  const lines = [`  ${pad('process', 34)} ${lpad('CPU ms/s', 9)} ${lpad('% of a core', 12)} ${lpad('ctx switches/s', 15)}`];
  const spinning: string[] = [];
  for (const r of d.rows) {
    const perS = r.ms / d.seconds;
    const isService = services.includes(r.label);
    const busy = isService && perS >= IDLE_LIMIT_MS_PER_S;
    if (busy) spinning.push(`${r.label} ${f1(perS)} ms/s`);
    lines.push(
      `  ${pad(labelOf(r.label, w, w.kafkaPid), 34)} ${lpad(f2(perS), 9)} ${lpad(pct(perS / 1000, 2), 12)} ${lpad(f1(r.ctxSwitches / d.seconds), 15)}` +
        `${isService ? (busy ? '  NOT idle' : '  idle') : ''}${r.unreliable ? '  (restarted or gone)' : ''}`,
    );
  }
  lines.push(
    `  ${pad('machine, all CPUs (/proc/stat)', 34)} ${lpad(f2(d.machineBusyMs / d.seconds), 9)} ${lpad(pct(d.machineBusyShare, 2), 12)}   (of ${cpus().length} CPUs)`,
  );
  if (d.postgresOtherDbMs > 0) lines.push(`  (of postgres: ${f2(d.postgresOtherDbMs / d.seconds)} ms/s in backends of other databases — someone else's load)`);
  return { lines, spinning };
}

/** A service using at least this much CPU without work is reported as not idle (1 ms/s = 0.1 % of a core). */
const IDLE_LIMIT_MS_PER_S = 1;

async function measureIdle(seconds: number, w: Watched, services: readonly string[]): Promise<string[]> {
  log(`\n== idle: every process's CPU over ${seconds} s without load (a service with no work must not spin)`);
  const before = cpuSnapshot(w);
  await sleep(seconds * 1000);
  const d = cpuDelta(before, cpuSnapshot(w));
  const t = idleTable(d, w, services);
  for (const l of t.lines) log(l);
  log(
    t.spinning.length
      ? `  services not idle (≥ ${IDLE_LIMIT_MS_PER_S} ms CPU per second without work): ${t.spinning.join(', ')}`
      : `  every service idle (< ${IDLE_LIMIT_MS_PER_S} ms CPU per second; clock tick ${MS_PER_TICK} ms)`,
  );
  return t.spinning;
}

// ---- profiles ----------------------------------------------------------------------------------

interface ProfileJob {
  service: string;
  answer: Promise<{ status: number; body: string } | { error: string }>;
}

function startProfiles(platform: Platform, seconds: number): ProfileJob[] {
  return Object.entries(platform.apps).map(([service, app]) => ({
    service,
    answer: fetch(`${app.url}/ops/profile?seconds=${seconds}`, { method: 'POST', signal: AbortSignal.timeout((seconds + 60) * 1000) }).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      (err: unknown) => ({ error: err instanceof Error ? err.message : String(err) }),
    ),
  }));
}

async function saveProfiles(jobs: ProfileJob[]): Promise<void> {
  const dir = join(BENCH_DIR, 'profiles');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const j of jobs) {
    const a = await j.answer;
    if ('error' in a) log(`  profile of ${j.service}: failed (${a.error})`);
    else if (a.status === 404) log(`  profile of ${j.service}: profiling is off — start the platform with COUNTYPAY_PROFILING=on`);
    else if (a.status !== 200) log(`  profile of ${j.service}: HTTP ${a.status} ${a.body.slice(0, 200)}`);
    else {
      const file = join(dir, `${j.service}-${stamp}.cpuprofile`);
      await writeFile(file, a.body);
      const { busyMs, top } = topSelfTime(JSON.parse(a.body) as Parameters<typeof topSelfTime>[0], 5);
      log(`  profile of ${j.service}: ${file} (${(a.body.length / 1024).toFixed(0)} KiB; ${busyMs.toFixed(0)} ms busy); most self time:`);
      for (const t of top) log(`      ${lpad(pct(t.share), 6)}  ${t.name}`);
    }
  }
}

// ---- checks after the load ---------------------------------------------------------------------

/**
 * A check's API call, tried again while the gateway sheds it (429/503 before running it, with
 * Retry-After: it is at capacity, e.g. still working off the load): the checks are not the load.
 */
async function served<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const shed = err instanceof CountypayApiError && (err.status === 503 || err.status === 429);
      if (!shed || attempt >= 30) throw err;
      await sleep(1000);
    }
  }
}

/** Every payment.succeeded entry posted since `since` in the app's ledger view, newest first until older than `since`. */
async function entriesSince(client: CountypayClient, since: number): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await served(() =>
      client.request<{ data: LedgerEntry[]; nextCursor: string | null }>('GET', '/v1/ledger/entries', { query: { limit: 100, cursor } }),
    );
    let older = false;
    for (const e of r.data) {
      if (Date.parse(e.postedAt) < since) older = true;
      else out.push(e);
    }
    if (older || !r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

// ---- main --------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2), process.env);
  if (parsed === 'help') {
    log(HELP);
    return;
  }
  const o = parsed;
  for (const old of ['BENCH_APPS', 'BENCH_TENANT'])
    if (process.env[old]) log(`note: ${old} is no longer used (the bench has one app per county, over --tenants counties)`);
  const baseUrl = (process.env.COUNTYPAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  assertLoopback(baseUrl);
  const { platform, others } = findPlatform(LOCAL, baseUrl, process.env.BENCH_RUN_FILE);
  const sandboxUrl = process.env.COUNTYPAY_SANDBOX_URL ?? platform?.apps['channel-sandbox']?.url ?? portPlus(baseUrl, 6);
  const settlementUrl = process.env.COUNTYPAY_SETTLEMENT_URL ?? platform?.apps.settlement?.url ?? portPlus(baseUrl, 5);
  assertLoopback(sandboxUrl);
  assertLoopback(settlementUrl);
  const services = Object.keys(platform?.apps ?? {});
  const kafkaPid = findKafkaPid(LOCAL);
  const watched: Watched = { pids: Object.entries(platform?.apps ?? {}).map(([name, a]) => [name, a.pid]), kafkaPid, database: platform?.database };

  log(`countypay bench (issue 14): payer-code payments through ${baseUrl}`);
  log(
    `  machine: ${cpus().length} CPUs, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; clock tick ${MS_PER_TICK} ms`,
  );
  log(
    platform
      ? `  platform: ${services.length} services from ${platform.runFile} (database ${platform.database}); Kafka broker ${kafkaPid ? `pid ${kafkaPid}` : 'not found (external?)'}`
      : `  platform: no run file of a platform at ${baseUrl} under ${LOCAL} — the services' CPU cannot be measured (set BENCH_RUN_FILE)`,
  );
  if (others.length) log(`  WARNING: other platforms run on this machine and share its CPU, PostgreSQL and Kafka: ${others.join(', ')}`);

  if (o.idleOnly !== undefined) {
    await measureIdle(o.idleOnly, watched, services);
    return;
  }

  // ---- 0. pgbench ----
  const health = await fetch(`${baseUrl}/health/ready`).catch(() => undefined);
  if (!health || health.status !== 200) throw new Error(`the gateway at ${baseUrl} is not ready: start the platform (see --help)`);
  log('\n== 0. the yardstick: pgbench -N on the same PostgreSQL');
  const pgUrl = await findPostgres();
  let durability: DurabilitySettings | undefined;
  let pgbenchTps: number | undefined = o.pgbenchTps;
  let pgbenchSource = o.pgbenchTps ? 'given with --pgbench-tps, not measured' : '';
  const statementsUnavailable = pgUrl ? await statementStatsUnavailable(pgUrl) : 'no PostgreSQL answers';
  if (!pgUrl) log('  no PostgreSQL answers (DATABASE_URL, 127.0.0.1:5432, the embedded 54329): no pgbench, no durability check');
  else {
    durability = await durabilitySettings(pgUrl);
    log(
      `  PostgreSQL ${describeUrl(pgUrl)}: fsync = ${durability.fsync}, synchronous_commit = ${durability.synchronousCommit}` +
        `${durability.overrides.length ? `; overrides: ${durability.overrides.join(', ')}` : '; no database/role overrides'} → ${durability.ok ? 'durable' : 'NOT DURABLE: no ratio will be reported'}`,
    );
    if (durability.autovacuum !== 'on')
      log(
        `  NOTE: autovacuum = ${durability.autovacuum}: the dead rows every payment leaves in the hot tables (orders, outboxes, deliveries) are not cleaned up, ` +
          'and the planner has no statistics: the bench vacuums and analyzes the platform database once after its set-up',
      );
    if (o.skipPgbench) log(`  pgbench skipped (--skip-pgbench)${pgbenchTps ? `; using ${pgbenchTps} tps (${pgbenchSource})` : ''}`);
    else {
      const r = await runPgbench(pgUrl, { scale: 10, clients: 8, threads: 2, seconds: 15 }, log);
      pgbenchTps = r.tps;
      pgbenchSource = `pgbench -N -c ${r.clients ?? 8} -j ${r.threads ?? 2} -T ${r.durationS ?? 15}, scale ${r.scale ?? 10}, measured now`;
      log(
        `  pgbench: ${r.tps.toFixed(0)} tps (${r.transactions ?? '?'} transactions, ${r.failed ?? 0} failed, latency average ${r.latencyAvgMs ?? '?'} ms); ` +
          `the target 0.08 × tps = ${(0.08 * r.tps).toFixed(0)} payments/s`,
      );
    }
  }

  // ---- 1. set-up ----
  log('\n== 1. set-up: a partner with an app per county, a merchant + store + terminal per county, sandbox accounts');
  const http = keepAliveFetch({ maxSockets: o.maxInFlight + 50, timeoutMs: o.timeoutMs });
  const fetchImpl: FetchLike = http.fetch;
  const hooks = new CountingWebhookReceiver();
  let callbackUrl: string;
  try {
    callbackUrl = await hooks.start(o.webhookPort);
  } catch (err) {
    throw new Error(
      `the webhook receiver cannot listen on 127.0.0.1:${o.webhookPort} (${err instanceof Error ? err.message : String(err)}): is another bench running? (BENCH_WEBHOOK_PORT)`,
      { cause: err },
    );
  }
  const counties = COUNTIES.slice(0, o.tenants);
  const tenantIds = counties.map((c) => c.tenantId);
  const plannedWeights = new ZipfSampler(counties.length, o.zipfS, Math.random).weights;
  // county bank payments are 15 % of the load: about one account per 5 payments/s at --max-rate, at least 2 per county
  const accountsFor = (tenantId: string): number => Math.max(2, Math.ceil((plannedWeights[tenantIds.indexOf(tenantId)]! * o.maxRate * 0.15) / 5));
  const stateFile = join(BENCH_DIR, 'state.json');
  const { state, excluded } = await ensureSetup({
    baseUrl,
    sandboxUrl,
    operatorToken,
    callbackUrl,
    tenantIds,
    accountsFor,
    file: stateFile,
    fetch: fetchImpl,
    log,
  });
  if (excluded.size) log(`  WARNING: ${excluded.size} count(y/ies) left out: ${[...excluded].map(([id, why]) => `${id} (${why})`).join('; ')}`);
  const byTenant = new Map(state.tenants.map((t) => [t.tenantId, t]));
  const targets: Target[] = counties
    .filter((c) => !excluded.has(c.tenantId) && byTenant.has(c.tenantId))
    .map((c) => {
      const t: BenchTenant = byTenant.get(c.tenantId)!;
      hooks.secrets.set(t.appId, t.webhookSecret);
      return {
        tenantId: c.tenantId,
        name: c.shortName,
        client: new CountypayClient({ baseUrl, appId: t.appId, alg: 'HMAC-SHA256', secret: t.appSecret, fetch: fetchImpl }),
        merchantId: t.merchantId,
        terminalId: t.terminalId,
        accounts: t.accounts,
      };
    });
  if (targets.length === 0) throw new Error('no county to pay in');
  const zipfWeights = new ZipfSampler(targets.length, o.zipfS, Math.random).weights;
  const accounts = targets.reduce((a, t) => a + t.accounts.length, 0);
  const topShare = zipfWeights[0]!;
  log(
    `  load: Zipf s = ${o.zipfS} over ${targets.length} counties (seed ${o.seed}): the busiest ${targets[0]!.tenantId} ${targets[0]!.name} ${pct(topShare)}, ` +
      `top 5 ${pct(zipfWeights.slice(0, 5).reduce((a, b) => a + b, 0))}, the quietest ${pct(zipfWeights[zipfWeights.length - 1]!, 2)}`,
  );
  log(
    `  payers: ${WALLET_MIX.map(([w, n]) => `${w} ${n}%`).join(', ')}; every WeChat / Alipay / UnionPay code is a new payer and every county bank code a new one-time code ` +
      `over ${accounts} sandbox accounts, so no PBoC per-payer daily limit is reached; ${o.amountFen} fen each`,
  );
  log(
    `  rate limits: the busiest county's app gets ${(topShare * o.maxRate * 60).toFixed(0)}/min at --max-rate ${o.maxRate}/s — the platform needs ` +
      `GATEWAY_RATE_LIMIT_APP_PER_MINUTE and GATEWAY_RATE_LIMIT_TENANT_PER_MINUTE above that (defaults 600 and 6000)`,
  );

  // warm-up: every county's merchant payable in qr-payment's read model, connections open, caches warm
  const warmOrders: string[] = [];
  // every ledger entry of this run is posted after this moment (entries before it are earlier runs')
  const runPaymentsFrom = Date.now() - 1000;
  await until(
    'qr-payment to know the merchants',
    async () => {
      const o0 = await targets[0]!.client.qrOrders.payWithPayerCode({
        merchantId: targets[0]!.merchantId,
        terminalId: targets[0]!.terminalId,
        outTradeNo: `bw-${Date.now().toString(36)}`,
        amountFen: o.amountFen,
        payerCode: payerCode('wechat', []),
      });
      warmOrders.push(o0.id);
      return o0;
    },
    90_000,
    1000,
  ).catch((err: unknown) => {
    throw new Error(`the warm-up payment failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const warmStarted = performance.now();
  await pool(targets, 16, async (t, i) => {
    for (let k = 0; k < 2; k++) {
      const w = await until(
        `a warm-up payment in ${t.tenantId}`,
        () =>
          t.client.qrOrders.payWithPayerCode({
            merchantId: t.merchantId,
            terminalId: t.terminalId,
            outTradeNo: `bw-${Date.now().toString(36)}-${i}-${k}`,
            amountFen: o.amountFen,
            payerCode: payerCode(k ? 'county_bank' : 'alipay', t.accounts),
          }),
        60_000,
        1000,
      );
      warmOrders.push(w.id);
    }
  });
  log(`  warm-up: ${warmOrders.length} payments over ${targets.length} counties (${((performance.now() - warmStarted) / 1000).toFixed(1)} s)`);
  if (pgUrl && watched.database && durability && durability.autovacuum !== 'on') {
    // a PostgreSQL in production vacuums and analyzes on its own; without statistics the planner
    // guesses (the PBoC daily sum read the wrong index, docs/perf/throughput.md "tpkafka")
    const t0 = performance.now();
    await vacuumAnalyze(pgUrl, watched.database);
    log(
      `  autovacuum is off: VACUUM (ANALYZE) of database ${watched.database} after the set-up, as autovacuum would (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }

  // ---- 2. idle ----
  let spinning: string[] | undefined;
  if (o.idleS > 0) {
    // "without work": the warm-up's own events (ledger postings, webhooks) finished first (bounded),
    // then a few seconds for the relays' and dispatchers' last rounds
    const settleUntil = performance.now() + 30_000;
    while (warmOrders.some((id) => !hooks.succeededOrders.has(id)) && performance.now() < settleUntil) await sleep(500);
    await sleep(3000);
    spinning = await measureIdle(o.idleS, watched, services);
  }

  // ---- 3. fixed rate ----
  const load = new Load(targets, o, platform ? watched : undefined);
  const loadStartedAt = Date.now();
  const deadline = loadStartedAt + o.maxSeconds * 1000;
  log(`\n== 3. fixed rate: ${o.rate}/s for ${o.durationS} s${o.profile ? ' (profiling every service: its latency and CPU figures include the profiler)' : ''}`);
  const histStart = await postingDelayBuckets(settlementUrl);
  // the profiler's start stalls each service for a moment: it starts a second before the phase and ends a second after
  const profiles = o.profile && platform ? startProfiles(platform, o.durationS + 2) : undefined;
  if (o.profile && !platform) log('  --profile: no run file, so no service URLs to profile');
  if (profiles) await sleep(1000);
  // database work per payment (pg_stat_statements, when loaded): diffed around the phase, like the CPU
  const statementsFrom = async (): Promise<StatementSnapshot | undefined> =>
    pgUrl && watched.database && !statementsUnavailable ? statementSnapshot(pgUrl, watched.database).catch(() => undefined) : undefined;
  const statementsBefore = await statementsFrom();
  // Kafka messages per payment (end and committed offsets), diffed the same way
  const kafkaBrokers = benchKafkaBrokers(LOCAL);
  const kafkaFrom = async (): Promise<KafkaSnapshot | undefined> => (kafkaBrokers ? kafkaSnapshot(kafkaBrokers).catch(() => undefined) : undefined);
  const kafkaBefore = await kafkaFrom();
  const cpuBefore = cpuSnapshot(watched);
  const fixed = await load.run(o.rate, o.durationS, `${o.rate}/s`, deadline);
  const fixedStats = phaseStats(fixed);
  // the phase's work is done when its payments are posted and their webhooks delivered (bounded)
  const fixedOk = fixed.samples.filter((s) => s.outcome === 'succeeded').map((s) => s.orderId!);
  const settleUntil = performance.now() + 15_000;
  let histFixed: Map<string, number> | undefined;
  for (;;) {
    histFixed = await postingDelayBuckets(settlementUrl);
    const posted = histFixed && histStart ? histogramDelta(histStart, histFixed).count : Infinity;
    const hooked = fixedOk.filter((id) => hooks.succeededOrders.has(id)).length;
    if ((posted >= fixedOk.length && hooked >= fixedOk.length) || performance.now() > settleUntil) break;
    await sleep(500);
  }
  const cpuAfter: CpuSnapshot = cpuSnapshot(watched);
  fixed.cpu = cpuDelta(cpuBefore, cpuAfter);
  const statementsAfter = statementsBefore ? await statementsFrom() : undefined;
  const kafkaAfter = kafkaBefore ? await kafkaFrom() : undefined;
  const fixedKafka: KafkaWork | undefined = kafkaBefore && kafkaAfter ? kafkaWork(kafkaBefore, kafkaAfter, Math.max(1, fixedOk.length)) : undefined;
  const fixedWork: StatementWork | undefined =
    statementsBefore && statementsAfter ? statementWork(statementsBefore, statementsAfter, Math.max(1, fixedOk.length)) : undefined;
  if (histStart && histFixed) fixed.ledger = histogramDelta(histStart, histFixed);
  log(summaryLine(`fixed ${o.rate}/s`, fixed));
  if (profiles) await saveProfiles(profiles);

  /** One measured phase: its CPU per process and its posting delays, from its start to its last answer. */
  const measuredRun = async (rate: number): Promise<Phase> => {
    const h0 = await postingDelayBuckets(settlementUrl);
    const before = cpuSnapshot(watched);
    const p = await load.run(rate, o.stepS, `${rate}/s`, deadline);
    p.cpu = cpuDelta(before, cpuSnapshot(watched));
    const h1 = await postingDelayBuckets(settlementUrl);
    if (h0 && h1) p.ledger = histogramDelta(h0, h1);
    return p;
  };

  // ---- 4. step-up ----
  const bar = { p99Ms: 250, errorRate: 0.01 };
  const passes = (s: PhaseStats): boolean => s.latency.p99 <= bar.p99Ms && s.errorRate <= bar.errorRate;
  log(
    `\n== 4. step-up from ${o.stepStart}/s by ${o.step}/s every ${o.stepS} s to ${o.maxRate}/s (the bar: p99 ≤ ${bar.p99Ms} ms and errors ≤ ${bar.errorRate * 100}%)`,
  );
  const steps: Phase[] = [];
  let best: Phase | undefined = passes(fixedStats) ? fixed : undefined;
  let stopReason = `reached --max-rate ${o.maxRate}/s`;
  for (let rate = o.stepStart; rate <= o.maxRate + 1e-9; rate += o.step) {
    if (Date.now() > deadline || load.sent >= o.maxRequests) {
      stopReason = Date.now() > deadline ? `time bound (${o.maxSeconds} s)` : `request bound (${o.maxRequests})`;
      break;
    }
    const step = await measuredRun(rate);
    steps.push(step);
    const s = phaseStats(step);
    log(summaryLine(`step ${rate}/s`, step));
    if (!passes(s)) {
      stopReason = `${rate}/s broke the bar (p99 ${ms(s.latency.p99)}, errors ${pct(s.errorRate, 2)})`;
      break;
    }
    if (!best || s.okPerSecond > phaseStats(best).okPerSecond) best = step;
  }
  log(`  stopped: ${stopReason}`);
  /** After an overloaded phase: waits (bounded) until the ledger has caught up with the payments so far, so the next phase starts without a backlog. */
  const catchUp = async (): Promise<void> => {
    const okSoFar = load.samples.filter((x) => x.outcome === 'succeeded').length;
    const t0 = performance.now();
    for (;;) {
      const h = await postingDelayBuckets(settlementUrl);
      if (!h || !histStart || histogramDelta(histStart, h).count >= okSoFar || performance.now() - t0 > 60_000) break;
      await sleep(1000);
    }
    if (performance.now() - t0 > 1500) log(`  (waited ${((performance.now() - t0) / 1000).toFixed(0)} s for the platform to catch up with the backlog)`);
  };
  if (!best) {
    await catchUp();
    // nothing met the bar, the fixed rate included: step down (× 0.75 each time) to the rate the platform sustains today
    log(`\n== 4b. step-down from ${o.rate}/s (× 0.75 every ${o.stepS} s) to the highest rate meeting the bar`);
    for (let rate = Math.floor(o.rate * 0.75); rate >= 2 && Date.now() < deadline && load.sent < o.maxRequests; rate = Math.floor(rate * 0.75)) {
      const step = await measuredRun(rate);
      steps.push(step);
      log(summaryLine(`step ${rate}/s`, step));
      if (passes(phaseStats(step))) {
        best = step;
        stopReason += `; ${rate}/s met it on the way down`;
        break;
      }
      await catchUp();
    }
  }

  // ---- 5. half of the highest sustained rate ----
  let half: Phase | undefined;
  if (best && best.rate >= 2 && Date.now() < deadline) {
    const rate = Math.round(best.rate / 2);
    log(`\n== 5. half of the highest sustained rate: ${rate}/s for ${o.stepS} s`);
    await catchUp();
    half = await measuredRun(rate);
    log(summaryLine(`half ${rate}/s`, half));
  }

  // ---- results ----
  const all = load.samples;
  const ok = all.filter((s) => s.outcome === 'succeeded');
  log('\n== results');
  log(`  pgbench: ${pgbenchTps ? `${pgbenchTps.toFixed(0)} tps (${pgbenchSource})` : 'not measured'}`);
  log(
    `  fixed rate ${o.rate}/s: ${f1(fixedStats.okPerSecond)} successful payments/s (${fixedStats.ok} in ${fixed.seconds.toFixed(1)} s, stragglers included), errors ${pct(fixedStats.errorRate, 2)}`,
  );
  for (const l of distributionLines(`API latency at the fixed rate ${o.rate}/s`, fixedStats.latency)) log(l);
  if (steps.length) {
    log(`  step-up (successful payments/s; CPU per successful payment of the platform, and of the bench):`);
    log(
      `    ${lpad('rate', 6)} ${lpad('ok/s', 8)} ${lpad('errors', 8)} ${lpad('p50', 9)} ${lpad('p99', 9)} ${lpad('p99.9', 9)} ${lpad('ledger p99', 11)} ${lpad('CPU ms/pay', 11)} ${lpad('bench', 7)} ${lpad('machine', 8)}`,
    );
    for (const p of [fixed, ...steps, ...(half ? [half] : [])]) {
      const s = phaseStats(p);
      log(
        `    ${lpad(String(p.rate), 6)} ${lpad(f1(s.okPerSecond), 8)} ${lpad(pct(s.errorRate, 2), 8)} ${lpad(ms(s.latency.p50), 9)} ${lpad(ms(s.latency.p99), 9)} ${lpad(ms(s.latency.p999), 9)} ${lpad(p.ledger ? ms(histogramQuantile(p.ledger, 0.99).value * 1000) : '-', 11)} ` +
          `${lpad(p.cpu ? f2(platformMs(p.cpu) / Math.max(1, s.ok)) : '-', 11)} ${lpad(p.cpu ? f2(rowMs(p.cpu, 'bench') / Math.max(1, s.ok)) : '-', 7)} ${lpad(p.cpu ? pct(p.cpu.machineBusyShare, 0) : '-', 8)}` +
          `${p === fixed ? '  (fixed)' : p === half ? '  (half)' : ''}${passes(s) ? '' : '  ✗ bar'}`,
      );
    }
  }
  const bestStats = best ? phaseStats(best) : undefined;
  log(
    `  highest sustained rate: ${best ? `${best.rate}/s → ${f1(bestStats!.okPerSecond)} successful payments/s` : 'none (no phase met the bar)'}; stopped: ${stopReason}`,
  );
  if (best && bestStats) for (const l of distributionLines(`API latency at the highest sustained rate ${best.rate}/s`, bestStats.latency)) log(l);
  const halfStats = half ? phaseStats(half) : undefined;
  if (half && halfStats) for (const l of distributionLines(`API latency at half of it, ${half.rate}/s`, halfStats.latency)) log(l);
  const ratio = pgbenchTps && bestStats ? bestStats.okPerSecond / pgbenchTps : undefined;
  if (durability && !durability.ok) log('  ratio: NOT REPORTED — fsync or synchronous_commit is off');
  else if (ratio !== undefined)
    log(
      `  ratio = sustained successful payments/s ÷ pgbench tps = ${f1(bestStats!.okPerSecond)} ÷ ${pgbenchTps!.toFixed(0)} = ${ratio.toFixed(4)} (target ≥ 0.08: ${ratio >= 0.08 ? 'met' : 'NOT met'})`,
    );
  else log(`  ratio: - (${pgbenchTps ? 'no phase met the bar' : 'no pgbench figure: run without --skip-pgbench, or give --pgbench-tps'})`);

  // tenants
  const counts = [...load.tenantCounts].map((n, i) => [i, n] as const).sort((a, b) => b[1] - a[1]);
  const sent = counts.reduce((a, [, n]) => a + n, 0);
  log(
    `  counties: load over ${counts.filter(([, n]) => n > 0).length} of ${targets.length}; top 5: ` +
      counts
        .slice(0, 5)
        .map(([i, n]) => `${targets[i]!.tenantId} ${targets[i]!.name} ${pct(n / sent)}`)
        .join(', ') +
      `; top-5 share ${pct(counts.slice(0, 5).reduce((a, [, n]) => a + n, 0) / sent)}; wallets: ${[...load.walletCounts].map(([w, n]) => `${w} ${pct(n / sent, 0)}`).join(', ')}`,
  );
  if (all.some((s) => s.code === 'rate_limited')) log('  NOTE: the gateway rate-limited some requests: start the platform with the limits raised (see --help)');

  // CPU per payment (fixed rate)
  log(
    `\n  CPU per successful payment at the fixed rate ${o.rate}/s (${fixedStats.ok} payments, ${fixed.cpu.seconds.toFixed(1)} s incl. posting and webhooks; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}):`,
  );
  for (const l of cpuTable(fixed.cpu, Math.max(1, fixedStats.ok), watched)) log(l);
  if (fixedWork) {
    log(
      `\n  database work per successful payment at the fixed rate ${o.rate}/s (pg_stat_statements, database ${watched.database}; the counts do not depend on the machine's load, the execution times do):`,
    );
    for (const l of statementLines(fixedWork)) log(l);
  } else log(`\n  database work per payment: not measured (${statementsUnavailable ?? 'no PostgreSQL or no platform database'})`);
  if (fixedKafka) {
    log(`\n  Kafka work per successful payment at the fixed rate ${o.rate}/s (topics' end offsets, groups' committed offsets; counts):`);
    for (const l of kafkaLines(fixedKafka)) log(l);
  } else
    log(
      `\n  Kafka work per payment: not measured (${kafkaBrokers ? 'the broker did not answer the offset queries' : 'no KAFKA_BROKERS and no .local/infra.json'})`,
    );
  if (best && best !== fixed && best.cpu) {
    const s = bestStats!;
    log(`\n  CPU per successful payment at the highest sustained rate ${best.rate}/s (${s.ok} payments, ${best.cpu.seconds.toFixed(1)} s):`);
    for (const l of cpuTable(best.cpu, Math.max(1, s.ok), watched)) log(l);
  }

  // payment → ledger
  log('');
  let histEnd = await postingDelayBuckets(settlementUrl);
  const settledBy = performance.now() + 60_000;
  while (histEnd && histStart && histogramDelta(histStart, histEnd).count < ok.length && performance.now() < settledBy) {
    await sleep(1000);
    histEnd = await postingDelayBuckets(settlementUrl);
  }
  const delayLine = (label: string, h: HistogramDelta): string => {
    const p50 = histogramQuantile(h, 0.5);
    const p99 = histogramQuantile(h, 0.99);
    const within = histogramShareWithin(h, 0.5);
    return `  payment → ledger-posted (${POSTING_DELAY}, ${label}): ${h.count} postings, p50 ≈ ${ms(p50.value * 1000)} (≤ ${p50.upperBound} s), p99 ≈ ${ms(p99.value * 1000)} (≤ ${p99.upperBound} s); within 500 ms: ${pct(within, 2)}`;
  };
  // the target is judged at the highest sustained rate (overloaded steps have queues by design)
  let ledgerP99Ok: boolean | undefined;
  if (histStart && histFixed && histEnd) {
    log(delayLine(`fixed rate ${o.rate}/s`, histogramDelta(histStart, histFixed)));
    if (best && best !== fixed && best.ledger) log(delayLine(`highest sustained rate ${best.rate}/s`, best.ledger));
    log(delayLine('whole run, overloaded steps included', histogramDelta(histStart, histEnd)));
    if (best?.ledger && best.ledger.count > 0) ledgerP99Ok = histogramShareWithin(best.ledger, 0.5) >= 0.99;
  } else log(`  settlement metrics not readable at ${settlementUrl}/metrics`);
  const fixedOkSamples = fixed.samples.filter((s) => s.outcome === 'succeeded');
  const sample = fixedOkSamples.filter((_, i) => i % Math.max(1, Math.floor(fixedOkSamples.length / 40)) === 0).slice(0, 40);
  const delays: number[] = [];
  await pool(sample, 8, async (s) => {
    const entry = (await served(() => ledgerEntries(targets[s.tenant]!.client, s.orderId!))).find((e) => e.sourceType === 'payment.succeeded');
    if (entry && s.paidAt) delays.push(Date.parse(entry.postedAt) - Date.parse(s.paidAt));
  });
  delays.sort((a, b) => a - b);
  log(
    `  payment → ledger-posted (the ledger API, postedAt − paidAt, a sample of ${delays.length} at the fixed rate): p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}, max ${ms(delays[delays.length - 1] ?? NaN)}`,
  );

  // exactly once: one ledger entry per succeeded order, none for the others
  const succeeded = new Set([...ok.map((s) => s.orderId!), ...warmOrders]);
  const notSucceeded = new Set(all.filter((s) => s.outcome !== 'succeeded' && s.orderId).map((s) => s.orderId!));
  const since = runPaymentsFrom;
  const warm = new Set(warmOrders);
  let counts2 = new Map<string, number>();
  const checkDeadline = Date.now() + 90_000;
  for (;;) {
    counts2 = new Map();
    const lists = await pool(targets, 8, (t) => entriesSince(t.client, since));
    for (const list of lists) for (const e of list) if (e.sourceType === 'payment.succeeded') counts2.set(e.orderId, (counts2.get(e.orderId) ?? 0) + 1);
    const missing = [...succeeded].filter((id) => !counts2.has(id) && !warm.has(id)).length;
    if (missing === 0 || Date.now() > checkDeadline) break;
    log(`  waiting for ${missing} posting(s)…`);
    await sleep(3000);
  }
  const measured = [...succeeded].filter((id) => !warm.has(id));
  const missing = measured.filter((id) => !counts2.has(id));
  const twice = [...succeeded].filter((id) => (counts2.get(id) ?? 0) > 1);
  const unexpected = [...notSucceeded].filter((id) => counts2.has(id));
  const unknown = [...counts2.keys()].filter((id) => !succeeded.has(id) && !notSucceeded.has(id)).length;
  const exact = missing.length === 0 && twice.length === 0 && unexpected.length === 0;
  log(
    `  exactly-once check: ${measured.length} succeeded payments, ${measured.filter((id) => counts2.get(id) === 1).length} posted exactly once, ` +
      `${missing.length} missing, ${twice.length} posted more than once, ${unexpected.length} posted without success → ${exact ? 'OK' : 'FAILED'}` +
      `${unknown ? ` (${unknown} entries of orders the bench has no answer for, e.g. timed-out requests)` : ''}`,
  );
  const hooksBy = Date.now() + 30_000;
  while (measured.some((id) => !hooks.succeededOrders.has(id)) && Date.now() < hooksBy) await sleep(1000);
  const hooked = measured.filter((id) => hooks.succeededOrders.has(id)).length;
  const dupHooks = measured.filter((id) => (hooks.succeededOrders.get(id) ?? 0) > 1).length;
  log(
    `  webhooks: payment.succeeded delivered for ${hooked} of ${measured.length} succeeded payments (${dupHooks} of them more than once; at least once is the contract); ` +
      `${hooks.received} deliveries in all (${[...hooks.byType].map(([t, n]) => `${t} ${n}`).join(', ')}), ${hooks.badSignature} with a bad signature` +
      `${hooks.unknownApp ? `, ${hooks.unknownApp} for apps of an earlier set-up (acknowledged unverified)` : ''}`,
  );

  // the targets of issue 14
  log('\n== issue 14 targets');
  const verdict = (v: boolean | undefined): string => (v === undefined ? 'not measured' : v ? 'met' : 'NOT met');
  const target = pgbenchTps ? 0.08 * pgbenchTps : undefined;
  log(
    `  ≥ 0.08 × pgbench tps${target ? ` (${target.toFixed(0)}/s)` : ''}: ${bestStats ? `${f1(bestStats.okPerSecond)}/s` : '-'}${ratio !== undefined ? `, ratio ${ratio.toFixed(4)}` : ''} → ${durability && !durability.ok ? 'not reported (not durable)' : verdict(ratio === undefined ? undefined : ratio >= 0.08)}`,
  );
  log(`  p99 ≤ 250 ms at that rate: ${bestStats ? ms(bestStats.latency.p99) : '-'} → ${verdict(bestStats ? bestStats.latency.p99 <= 250 : undefined)}`);
  log(
    `  p99 ≤ 100 ms at half of it: ${halfStats ? `${ms(halfStats.latency.p99)} at ${half!.rate}/s` : '-'} → ${verdict(halfStats ? halfStats.latency.p99 <= 100 : undefined)}`,
  );
  log(
    `  payment → ledger-posted p99 ≤ 500 ms at that rate: ${best?.ledger ? `within 500 ms ${pct(histogramShareWithin(best.ledger, 0.5), 2)}, p99 ≈ ${ms(histogramQuantile(best.ledger, 0.99).value * 1000)}` : '-'} → ${verdict(ledgerP99Ok)}`,
  );
  log(`  every success posted exactly once: → ${exact ? 'met' : 'NOT met'}`);
  log(`  fsync and synchronous commit on: ${durability ? `${durability.fsync} / ${durability.synchronousCommit}` : '-'} → ${verdict(durability?.ok)}`);
  log(`  tracing on: not visible to the bench — the platform's COUNTYPAY_TRACE_EXPORTER decides`);
  log(
    `  idle services cost nothing: ${spinning === undefined ? 'not measured (--idle-seconds 0)' : spinning.length ? `NOT met: ${spinning.join(', ')}` : 'met'}`,
  );

  await hooks.stop();
  http.agent.destroy();
  if (!exact) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    if (err instanceof CountypayApiError) console.error(`bench failed: ${err.status} ${err.code}: ${err.message}`);
    else console.error('bench failed:', err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
