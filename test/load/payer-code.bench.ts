// `npm run bench`: the payer-code (POS) flow through the gateway with the SDK, against a RUNNING
// platform on loopback (`npm start`). Sets up like the demo (a partner with several apps — the
// gateway limits each app, 600/min by default, and the tenant, 6000/min — a merchant, county bank
// deposit accounts in the sandbox), then:
//   1. a fixed rate (BENCH_RATE/s for BENCH_DURATION_S s),
//   2. a step-up from BENCH_STEP_START/s by BENCH_STEP every BENCH_STEP_S s until p99 > 1 s or
//      errors > 1% (or BENCH_MAX_RATE), to find the highest rate it sustains;
// then prints successful payments per second, API latency p50/p95/p99, payment-to-ledger delay
// (sampled through /v1/ledger/entries, and settlement's ledger_posting_delay_seconds histogram),
// and checks that every succeeded payment was posted exactly once.
//
// Bounded: at most BENCH_MAX_REQUESTS requests, BENCH_MAX_SECONDS seconds of load, BENCH_MAX_IN_FLIGHT
// requests in flight. Env: COUNTYPAY_URL (default http://127.0.0.1:4000), COUNTYPAY_OPERATOR_TOKEN
// (default .local/secrets.json), COUNTYPAY_SANDBOX_URL / COUNTYPAY_SETTLEMENT_URL (default: the
// gateway's port + 6 / + 5, as `npm start` lays them out), BENCH_APPS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CountypayApiError, CountypayConnectionError, type QrOrder } from '@countypay/sdk';
import {
  type LedgerEntry,
  type OnboardedApp,
  WebhookReceiver,
  countyBankCode,
  onboardMerchant,
  onboardPartner,
  openCountyAccount,
  sleep,
  uniq,
  waitForLedger,
  waitUntilPayable,
  wechatCode,
} from './platform-setup';

const ROOT = join(__dirname, '..', '..', '..');
const num = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${v}`);
  return n;
};

const CFG = {
  baseUrl: (process.env.COUNTYPAY_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''),
  tenantId: process.env.BENCH_TENANT ?? 't510121',
  rate: num('BENCH_RATE', 20),
  durationS: num('BENCH_DURATION_S', 20),
  stepStart: num('BENCH_STEP_START', 20),
  step: num('BENCH_STEP', 10),
  stepS: num('BENCH_STEP_S', 10),
  maxRate: num('BENCH_MAX_RATE', 150),
  apps: num('BENCH_APPS', 12),
  maxRequests: num('BENCH_MAX_REQUESTS', 20_000),
  maxSeconds: num('BENCH_MAX_SECONDS', 240),
  maxInFlight: num('BENCH_MAX_IN_FLIGHT', 400),
  amountFen: num('BENCH_AMOUNT_FEN', 1288),
  p99LimitMs: 1000,
  errorLimit: 0.01,
};

interface Sample {
  startedAt: number;
  latencyMs: number;
  outcome: 'succeeded' | 'failed' | 'closed' | 'error';
  code?: string;
  orderId?: string;
  appIndex: number;
  paidAt?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function stats(samples: Sample[]): { n: number; ok: number; errors: number; errorRate: number; p50: number; p95: number; p99: number } {
  const lat = samples.map((s) => s.latencyMs).sort((a, b) => a - b);
  const ok = samples.filter((s) => s.outcome === 'succeeded').length;
  const errors = samples.filter((s) => s.outcome !== 'succeeded').length;
  return { n: samples.length, ok, errors, errorRate: samples.length ? errors / samples.length : 0, p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99) };
}

const ms = (v: number): string => (Number.isNaN(v) ? '-' : `${v.toFixed(0)} ms`);

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
    const s = JSON.parse(readFileSync(join(ROOT, '.local', 'secrets.json'), 'utf8')) as { provinceOperatorToken?: string };
    if (s.provinceOperatorToken) return s.provinceOperatorToken;
  } catch {
    // fall through
  }
  throw new Error('no operator token: set COUNTYPAY_OPERATOR_TOKEN or run `npm start`');
}

/** The ledger_posting_delay_seconds{source_type="payment.succeeded"} histogram buckets (cumulative counts by upper bound). */
async function postingDelayBuckets(settlementUrl: string): Promise<Map<string, number> | undefined> {
  try {
    const text = await (await fetch(`${settlementUrl}/metrics`)).text();
    const buckets = new Map<string, number>();
    for (const line of text.split('\n')) {
      const m = /^ledger_posting_delay_seconds_bucket\{([^}]*)\} (\S+)$/.exec(line);
      if (!m || !m[1]!.includes('source_type="payment.succeeded"')) continue;
      const le = /le="([^"]+)"/.exec(m[1]!)?.[1];
      if (le) buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    }
    return buckets;
  } catch {
    return undefined;
  }
}

/** p-quantile upper bound from the difference of two cumulative histograms. */
function histogramQuantile(before: Map<string, number>, after: Map<string, number>, q: number): { count: number; le: string } {
  const les = [...after.keys()].sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  for (const le of les) {
    const c = (after.get(le) ?? 0) - (before.get(le) ?? 0);
    if (total > 0 && c >= q * total) return { count: total, le };
  }
  return { count: total, le: '+Inf' };
}

class Load {
  readonly samples: Sample[] = [];
  inFlight = 0;
  sent = 0;
  private next = 0;
  private accounts: string[] = [];

  constructor(
    private readonly apps: OnboardedApp[],
    private readonly merchantId: string,
    private readonly terminalId: string,
  ) {}

  setAccounts(accounts: string[]): void {
    this.accounts = accounts;
  }

  /** one payer-code payment; alternately a WeChat code (a new payer) and a county bank code (one of the accounts) */
  private async one(): Promise<void> {
    const i = this.next++;
    const appIndex = i % this.apps.length;
    const app = this.apps[appIndex]!;
    const payerCode = i % 2 === 0 || this.accounts.length === 0 ? wechatCode() : countyBankCode(this.accounts[i % this.accounts.length]!);
    const startedAt = Date.now();
    const t0 = performance.now();
    this.inFlight++;
    this.sent++;
    try {
      const o: QrOrder = await app.client.qrOrders.payWithPayerCode({ merchantId: this.merchantId, terminalId: this.terminalId, outTradeNo: `bench-${uniq()}-${i}`, amountFen: CFG.amountFen, payerCode });
      this.samples.push({ startedAt, latencyMs: performance.now() - t0, outcome: o.status === 'succeeded' ? 'succeeded' : o.status === 'failed' ? 'failed' : 'closed', code: o.failureReason ?? undefined, orderId: o.id, appIndex, paidAt: o.paidAt ?? undefined });
    } catch (err) {
      const code = err instanceof CountypayApiError ? err.code : err instanceof CountypayConnectionError ? 'connection_error' : err instanceof Error ? err.name : 'error';
      this.samples.push({ startedAt, latencyMs: performance.now() - t0, outcome: 'error', code, appIndex });
    } finally {
      this.inFlight--;
    }
  }

  /** Open loop: starts `rate` requests per second for `seconds` (never more than the bounds), then waits for the stragglers. */
  async run(rate: number, seconds: number, label: string, deadline: number): Promise<Sample[]> {
    const from = this.samples.length;
    const start = performance.now();
    const total = Math.round(rate * seconds);
    const pending: Promise<void>[] = [];
    let lastReport = performance.now();
    for (let k = 0; k < total; k++) {
      const due = start + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (this.sent >= CFG.maxRequests || Date.now() > deadline) break;
      if (this.inFlight >= CFG.maxInFlight) {
        this.samples.push({ startedAt: Date.now(), latencyMs: 0, outcome: 'error', code: 'bench_in_flight_cap', appIndex: -1 });
        continue;
      }
      pending.push(this.one());
      if (performance.now() - lastReport >= 5000) {
        lastReport = performance.now();
        const s = stats(this.samples.slice(from));
        console.log(`  [${label}] ${((performance.now() - start) / 1000).toFixed(0)} s: sent ${k + 1}, done ${s.n}, ok ${s.ok}, errors ${s.errors}, in flight ${this.inFlight}, p50 ${ms(s.p50)} p99 ${ms(s.p99)}`);
      }
    }
    await Promise.all(pending);
    return this.samples.slice(from);
  }
}

function summary(label: string, samples: Sample[], seconds: number): void {
  const s = stats(samples);
  const codes = new Map<string, number>();
  for (const x of samples) if (x.outcome !== 'succeeded') codes.set(x.code ?? x.outcome, (codes.get(x.code ?? x.outcome) ?? 0) + 1);
  console.log(
    `  ${label}: ${s.n} requests, ${s.ok} succeeded (${(s.ok / seconds).toFixed(1)}/s), errors ${s.errors} (${(s.errorRate * 100).toFixed(2)}%)` +
      `${codes.size ? ` [${[...codes].map(([c, n]) => `${c}: ${n}`).join(', ')}]` : ''}; latency p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}`,
  );
}

/** Every entry the app's payments posted (it sees only its own), paginated. */
async function allEntries(app: OnboardedApp): Promise<LedgerEntry[]> {
  const out: LedgerEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const r = await app.client.request<{ data: LedgerEntry[]; nextCursor: string | null }>('GET', '/v1/ledger/entries', { query: { limit: 100, cursor } });
    out.push(...r.data);
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return out;
}

async function main(): Promise<void> {
  assertLoopback(CFG.baseUrl);
  const sandboxUrl = process.env.COUNTYPAY_SANDBOX_URL ?? portPlus(CFG.baseUrl, 6);
  const settlementUrl = process.env.COUNTYPAY_SETTLEMENT_URL ?? portPlus(CFG.baseUrl, 5);
  assertLoopback(sandboxUrl);
  assertLoopback(settlementUrl);
  console.log(`countypay bench: payer-code payments through ${CFG.baseUrl} (tenant ${CFG.tenantId}, ${CFG.apps} apps, ${CFG.amountFen} fen each)`);
  console.log(`  bounds: ≤ ${CFG.maxRequests} requests, ≤ ${CFG.maxSeconds} s of load, ≤ ${CFG.maxInFlight} in flight`);

  const hooks = new WebhookReceiver();
  await hooks.start();
  const on = await onboardPartner({ baseUrl: CFG.baseUrl, operatorToken: operatorToken() }, { tenantId: CFG.tenantId, name: `Bench partner ${uniq()}`, appCount: CFG.apps, callbackUrl: hooks.url });
  for (const a of on.apps) hooks.secrets.set(a.appId, a.webhookSecret);
  const merchant = await onboardMerchant(on, on.apps[0]!, `基准测试商户${uniq().slice(-6)}`);
  const accounts: string[] = [];
  for (let i = 0; i < 20; i++) accounts.push(await openCountyAccount(sandboxUrl, CFG.tenantId, 1_000_000_000));
  const load = new Load(on.apps, merchant.merchantId, merchant.terminalId);
  load.setAccounts(accounts);
  // warm-up: waits until qr-payment has the merchant, then one payment per app (connections, caches)
  await waitUntilPayable(on.apps[0]!, merchant.merchantId, () =>
    on.apps[0]!.client.qrOrders.payWithPayerCode({ merchantId: merchant.merchantId, outTradeNo: `bench-warm-${uniq()}`, amountFen: CFG.amountFen, payerCode: wechatCode() }),
  );
  await Promise.all(on.apps.map((a) => a.client.qrOrders.payWithPayerCode({ merchantId: merchant.merchantId, outTradeNo: `bench-warm-${uniq()}`, amountFen: CFG.amountFen, payerCode: wechatCode() })));
  console.log(`  set up: merchant ${merchant.merchantId}, ${on.apps.length} apps, ${accounts.length} county bank accounts`);

  const histBefore = await postingDelayBuckets(settlementUrl);
  const deadline = Date.now() + CFG.maxSeconds * 1000;

  console.log(`\n== 1. fixed rate: ${CFG.rate}/s for ${CFG.durationS} s`);
  const t1 = performance.now();
  const fixed = await load.run(CFG.rate, CFG.durationS, `${CFG.rate}/s`, deadline);
  const fixedSeconds = (performance.now() - t1) / 1000;
  summary(`fixed ${CFG.rate}/s`, fixed, fixedSeconds);

  console.log(`\n== 2. step-up from ${CFG.stepStart}/s by ${CFG.step}/s every ${CFG.stepS} s (stop: p99 > ${CFG.p99LimitMs} ms or errors > ${CFG.errorLimit * 100}%)`);
  let sustained = 0;
  let sustainedStats: ReturnType<typeof stats> | undefined;
  let stopReason = `reached BENCH_MAX_RATE ${CFG.maxRate}/s`;
  for (let rate = CFG.stepStart; rate <= CFG.maxRate; rate += CFG.step) {
    if (Date.now() > deadline) {
      stopReason = `time bound (${CFG.maxSeconds} s)`;
      break;
    }
    if (load.sent >= CFG.maxRequests) {
      stopReason = `request bound (${CFG.maxRequests})`;
      break;
    }
    const t = performance.now();
    const step = await load.run(rate, CFG.stepS, `${rate}/s`, deadline);
    const s = stats(step);
    summary(`step ${rate}/s`, step, (performance.now() - t) / 1000);
    if (s.p99 > CFG.p99LimitMs || s.errorRate > CFG.errorLimit) {
      stopReason = `${rate}/s broke the bar (p99 ${ms(s.p99)}, errors ${(s.errorRate * 100).toFixed(2)}%)`;
      break;
    }
    sustained = rate;
    sustainedStats = s;
  }

  const all = load.samples;
  const ok = all.filter((s) => s.outcome === 'succeeded');
  console.log('\n== results');
  const fixedStats = stats(fixed);
  console.log(`  fixed rate ${CFG.rate}/s: ${(fixedStats.ok / fixedSeconds).toFixed(1)} successful payments/s (${fixedStats.ok} in ${fixedSeconds.toFixed(1)} s, stragglers included); API latency p50 ${ms(fixedStats.p50)}, p95 ${ms(fixedStats.p95)}, p99 ${ms(fixedStats.p99)}`);
  console.log(
    `  highest sustained rate: ${sustained ? `${sustained}/s (p50 ${ms(sustainedStats!.p50)}, p95 ${ms(sustainedStats!.p95)}, p99 ${ms(sustainedStats!.p99)}, errors ${(sustainedStats!.errorRate * 100).toFixed(2)}%)` : 'none of the steps'}; stopped: ${stopReason}`,
  );
  const allStats = stats(all);
  console.log(`  all load: ${allStats.n} requests, ${allStats.ok} succeeded, ${allStats.errors} errors; latency p50 ${ms(allStats.p50)}, p95 ${ms(allStats.p95)}, p99 ${ms(allStats.p99)}`);

  // payment-to-ledger delay: a sample through the API (postedAt − paidAt), and settlement's histogram
  const sample = ok.filter((_, i) => i % Math.max(1, Math.floor(ok.length / 40)) === 0).slice(0, 40);
  const delays: number[] = [];
  for (const s of sample) {
    const app = on.apps[s.appIndex]!;
    const [entry] = await waitForLedger(app.client, s.orderId!, 1, 60_000);
    if (entry && s.paidAt) delays.push(Date.parse(entry.postedAt) - Date.parse(s.paidAt));
  }
  delays.sort((a, b) => a - b);
  console.log(`  payment → ledger delay (sample of ${delays.length}, postedAt − paidAt): p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}, max ${ms(delays[delays.length - 1] ?? NaN)}`);
  const histAfter = await postingDelayBuckets(settlementUrl);
  if (histBefore && histAfter && histAfter.size > 0) {
    const q = histogramQuantile(histBefore, histAfter, 0.99);
    console.log(`  settlement ledger_posting_delay_seconds (payment.succeeded, during the bench): ${q.count} postings, p99 ≤ ${q.le} s`);
  } else console.log(`  settlement metrics not readable at ${settlementUrl}/metrics`);

  // exactly once: one ledger entry per succeeded order, none for the others
  const succeeded = new Set(ok.map((s) => s.orderId!));
  const notSucceeded = new Set(all.filter((s) => s.outcome !== 'succeeded' && s.orderId).map((s) => s.orderId!));
  let counts = new Map<string, number>();
  const checkDeadline = Date.now() + 90_000;
  for (;;) {
    counts = new Map();
    for (const app of on.apps) for (const e of await allEntries(app)) if (e.sourceType === 'payment.succeeded') counts.set(e.orderId, (counts.get(e.orderId) ?? 0) + 1);
    const missing = [...succeeded].filter((id) => !counts.has(id)).length;
    if (missing === 0 || Date.now() > checkDeadline) break;
    console.log(`  waiting for ${missing} posting(s)...`);
    await sleep(2000);
  }
  const missing = [...succeeded].filter((id) => !counts.has(id));
  const twice = [...succeeded].filter((id) => (counts.get(id) ?? 0) > 1);
  const unexpected = [...notSucceeded].filter((id) => counts.has(id));
  const exact = missing.length === 0 && twice.length === 0 && unexpected.length === 0;
  console.log(
    `  exactly-once check: ${succeeded.size} succeeded payments, ${[...succeeded].filter((id) => counts.get(id) === 1).length} posted exactly once, ` +
      `${missing.length} missing, ${twice.length} posted more than once, ${unexpected.length} posted without success → ${exact ? 'OK' : 'FAILED'}`,
  );
  await hooks.stop();
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
