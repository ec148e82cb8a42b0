// The chaos suite's load and its checks (driven by test/chaos/run.mjs, built to dist/test/chaos):
// a steady, open-loop payer-code load through the gateway with the SDK (all three wallets and county
// bank codes, refunds mixed in, several counties), a webhook receiver that keeps every delivery's id,
// and the invariants read straight from the chaos platform's own database after each fault.
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { COUNTIES } from '@countypay/contracts';
import { CountypayApiError, CountypayClient, CountypayConnectionError, type FetchLike, verifyWebhook } from '@countypay/sdk';
import { createKafka } from '@countypay/messaging';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { keepAliveFetch } from '../load/bench-http';
import { ensureSetup, pool } from '../load/bench-setup';
import { sleep } from '../load/platform-setup';
import { type Sample, type ScenarioFigures, recoveredAt, scenarioFigures } from './chaos-math';

export { formatTable } from './chaos-math';
export type { ScenarioFigures } from './chaos-math';

type Wallet = 'wechat' | 'alipay' | 'unionpay' | 'county_bank';
const WALLETS: readonly Wallet[] = ['wechat', 'alipay', 'unionpay', 'wechat', 'alipay', 'unionpay', 'county_bank'];
const rand8 = (): string => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

function payerCode(wallet: Wallet, accounts: readonly string[]): string {
  switch (wallet) {
    case 'wechat':
      return `1${Math.floor(Math.random() * 6)}${rand8()}${rand8()}`;
    case 'alipay':
      return `28${rand8()}${rand8()}`;
    case 'unionpay':
      return `62${rand8()}${rand8()}${Math.floor(Math.random() * 10)}`;
    case 'county_bank':
      return `88${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${accounts[Math.floor(Math.random() * accounts.length)]!}`;
  }
}

interface Target {
  tenantId: string;
  client: CountypayClient;
  merchantId: string;
  terminalId: string;
  accounts: string[];
}

/** The partner's webhook endpoint: verifies each delivery and keeps, per event (type + subject), the ids it was delivered with. */
export class WebhookLog {
  private server?: Server;
  readonly secrets = new Map<string, string>();
  /** `${type}:${subject}` → { header ids, body ids, deliveries } */
  readonly events = new Map<string, { headerIds: Set<string>; bodyIds: Set<string>; deliveries: number }>();
  badSignature = 0;

  async start(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let ev: { id?: string; type?: string; data?: { partnerAppId?: string; orderId?: string; refundId?: string } };
        try {
          ev = JSON.parse(raw) as typeof ev;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const secret = this.secrets.get(ev.data?.partnerAppId ?? '');
        if (secret !== undefined && !verifyWebhook(req.headers as IncomingHttpHeaders, raw, secret)) {
          this.badSignature++;
          res.writeHead(401).end();
          return;
        }
        const key = `${ev.type ?? '?'}:${ev.data?.refundId ?? ev.data?.orderId ?? '?'}`;
        const e = this.events.get(key) ?? { headerIds: new Set<string>(), bodyIds: new Set<string>(), deliveries: 0 };
        const hid = req.headers['webhook-id'];
        if (typeof hid === 'string') e.headerIds.add(hid);
        if (ev.id) e.bodyIds.add(ev.id);
        e.deliveries++;
        this.events.set(key, e);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${port}/countypay/webhooks`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
  }
}

export interface ChaosOptions {
  baseUrl: string;
  sandboxUrl: string;
  adminUrl: string;
  kafkaBrokers: string;
  operatorToken: string;
  stateFile: string;
  webhookPort: number;
  tenants: number;
  rate: number;
  amountFen: number;
  /** one payment in `refundEvery` that succeeded is refunded in full at once */
  refundEvery: number;
  /** qr-payment's payer-code confirmation deadline (ms): an order non-final past it (plus a grace) is stale */
  orderDeadlineMs: number;
  log: (line: string) => void;
}

/** Everything one chaos run holds: the targets, the load, the receiver and the database for the checks. */
export class ChaosDriver {
  readonly samples: Sample[] = [];
  /** refund id → order id, for every refund the API answered */
  readonly refunds = new Map<string, string>();
  /** refund requests that did not answer, by code */
  readonly refundErrors = new Map<string, number>();
  private targets: Target[] = [];
  private readonly hooks = new WebhookLog();
  private readonly http = keepAliveFetch({ maxSockets: 200, timeoutMs: 15_000 });
  private db!: pg.Pool;
  private running = false;
  private loop?: Promise<void>;
  private inFlight = 0;
  private seq = 0;
  private readonly runId = Date.now().toString(36);

  constructor(private readonly o: ChaosOptions) {}

  async setup(): Promise<void> {
    this.db = new pg.Pool({ connectionString: this.o.adminUrl, max: 4 });
    this.db.on('error', () => undefined); // the chaos restarts PostgreSQL: idle clients die, the pool makes new ones
    const callbackUrl = await this.hooks.start(this.o.webhookPort);
    const tenantIds = COUNTIES.slice(0, this.o.tenants).map((c) => c.tenantId);
    const fetchImpl: FetchLike = this.http.fetch;
    const { state, excluded } = await ensureSetup({
      baseUrl: this.o.baseUrl,
      sandboxUrl: this.o.sandboxUrl,
      operatorToken: () => this.o.operatorToken,
      callbackUrl,
      tenantIds,
      accountsFor: () => 3,
      scopes: ['qr:pay', 'refunds:write', 'merchants:read', 'merchants:write'],
      file: this.o.stateFile,
      fetch: fetchImpl,
      log: this.o.log,
    });
    if (excluded.size) throw new Error(`counties left out of the set-up: ${[...excluded.keys()].join(', ')}`);
    this.targets = state.tenants
      .filter((t) => tenantIds.includes(t.tenantId))
      .map((t) => {
        this.hooks.secrets.set(t.appId, t.webhookSecret);
        return {
          tenantId: t.tenantId,
          client: new CountypayClient({ baseUrl: this.o.baseUrl, appId: t.appId, alg: 'HMAC-SHA256', secret: t.appSecret, fetch: fetchImpl }),
          merchantId: t.merchantId,
          terminalId: t.terminalId,
          accounts: t.accounts,
        };
      });
    // qr-payment learns the merchants from onboarding's events: wait until every county pays
    const deadline = Date.now() + 120_000;
    await pool(this.targets, 5, async (t) => {
      for (;;) {
        const s = await this.one(t, 'wechat', false);
        if (s.outcome === 'succeeded') return;
        if (Date.now() > deadline) throw new Error(`the warm-up payment in ${t.tenantId} does not succeed: ${s.code}`);
        await sleep(1000);
      }
    });
    this.o.log(`set-up: ${this.targets.length} counties pay (${this.targets.map((t) => t.tenantId).join(', ')}), webhooks to ${callbackUrl}`);
  }

  private async one(t: Target, wallet: Wallet, record = true): Promise<Sample> {
    const seq = this.seq++;
    const t0 = Date.now();
    let s: Sample;
    try {
      const o = await t.client.qrOrders.payWithPayerCode({
        merchantId: t.merchantId,
        terminalId: t.terminalId,
        outTradeNo: `c${this.runId}-${seq}`,
        amountFen: this.o.amountFen,
        payerCode: payerCode(wallet, t.accounts),
      });
      s = {
        t0,
        t1: Date.now(),
        outcome: o.status === 'succeeded' ? 'succeeded' : 'not_succeeded',
        code: o.status,
        orderId: o.id,
        tenantId: t.tenantId,
        wallet,
      };
    } catch (err) {
      const code =
        err instanceof CountypayApiError
          ? err.code
          : err instanceof CountypayConnectionError
            ? 'connection_error'
            : err instanceof Error && err.name === 'CountypaySignatureError'
              ? `unverified_response (${err.message.replace(/^response signature check failed: /, '')})`
              : err instanceof Error
                ? err.name
                : 'error';
      s = { t0, t1: Date.now(), outcome: 'error', code, tenantId: t.tenantId, wallet };
    }
    if (record) this.samples.push(s);
    if (record && s.outcome === 'succeeded' && seq % this.o.refundEvery === 0) await this.refund(t, s.orderId!);
    return s;
  }

  private async refund(t: Target, orderId: string): Promise<void> {
    try {
      const r = await t.client.qrOrders.refund(orderId, { outRefundNo: `r-${orderId.slice(0, 8)}`, amountFen: this.o.amountFen });
      this.refunds.set(r.id, orderId);
    } catch (err) {
      const code = err instanceof CountypayApiError ? err.code : err instanceof Error ? err.name : 'error';
      this.refundErrors.set(code, (this.refundErrors.get(code) ?? 0) + 1);
    }
  }

  /** Starts the steady open-loop load (rate/s over the counties, round robin; wallets in turn). */
  start(): void {
    this.running = true;
    this.loop = (async () => {
      const start = Date.now();
      let started = 0;
      while (this.running) {
        const due = Math.floor(((Date.now() - start) * this.o.rate) / 1000) + 1;
        while (started < due) {
          const t = this.targets[started % this.targets.length]!;
          const wallet = WALLETS[Math.floor(started / this.targets.length) % WALLETS.length]!;
          started++;
          this.inFlight++;
          void this.one(t, wallet).finally(() => this.inFlight--);
        }
        await sleep(Math.max(5, start + (started * 1000) / this.o.rate - Date.now()));
      }
    })();
  }

  /** Stops the load and waits for the requests in flight (each times out within 15 s). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    while (this.inFlight > 0) await sleep(20);
  }

  /** One progress line over the last `windowMs`. */
  progress(windowMs = 5000): string {
    const now = Date.now();
    const recent = this.samples.filter((s) => s.t1 > now - windowMs);
    const ok = recent.filter((s) => s.outcome === 'succeeded').length;
    const codes = new Map<string, number>();
    for (const s of recent) if (s.outcome !== 'succeeded') codes.set(s.code ?? s.outcome, (codes.get(s.code ?? s.outcome) ?? 0) + 1);
    return `${ok} ok${codes.size ? `, ${[...codes].map(([c, n]) => `${c} ${n}`).join(', ')}` : ''} in the last ${windowMs / 1000} s; in flight ${this.inFlight}`;
  }

  private async postedCounts(orderIds: readonly string[]): Promise<Map<string, number>> {
    const m = new Map<string, number>();
    if (orderIds.length === 0) return m;
    const r = await this.db.query<{ order_id: string; n: string }>(
      `select order_id, count(*) n from settlement.journal_entries where source_type = 'payment.succeeded' and order_id = any($1::uuid[]) group by order_id`,
      [orderIds],
    );
    for (const row of r.rows) m.set(row.order_id, Number(row.n));
    return m;
  }

  /**
   * After the fault is healed at `healedAt`: polls (every 500 ms, at most `maxMs`) until a payment
   * started after the heal succeeded and every payment that succeeded more than a second ago is in
   * the ledger; answers the seconds from the heal, or undefined past `maxMs`.
   */
  async timeToRecover(healedAt: number, maxMs: number): Promise<number | undefined> {
    let caughtUpSince: number | undefined;
    for (;;) {
      const now = Date.now();
      try {
        const ok = this.samples.filter((s) => s.outcome === 'succeeded' && s.t1 <= now - 1000).map((s) => s.orderId!);
        const posted = await this.postedCounts(ok);
        if (ok.every((id) => posted.has(id))) caughtUpSince ??= now;
        else caughtUpSince = undefined;
      } catch {
        caughtUpSince = undefined; // the database may be the fault: try again
      }
      const at = recoveredAt(this.samples, healedAt, caughtUpSince);
      if (at !== undefined) return (at - healedAt) / 1000;
      if (now - healedAt > maxMs) return undefined;
      await sleep(500);
    }
  }

  /** Waits (bounded) for the scenario's succeeded payments to be posted and their webhooks delivered, then checks every invariant. */
  async check(scenario: string, from: number, timing: { recoverS?: number; readyS?: number }, settleMs = 60_000): Promise<ScenarioFigures> {
    const mine = this.samples.filter((s) => s.t0 >= from);
    const ok = mine.filter((s) => s.outcome === 'succeeded').map((s) => s.orderId!);
    const settleBy = Date.now() + settleMs;
    let posted = await this.postedCounts(ok);
    while (ok.some((id) => !posted.has(id) || !this.hooks.events.has(`payment.succeeded:${id}`)) && Date.now() < settleBy) {
      await sleep(1000);
      posted = await this.postedCounts(ok);
    }
    const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => (await this.db.query<T>(sql, params)).rows;
    // nothing succeeded that the channel did not take: every posted payment (of this scenario) is a succeeded channel payment
    const fromIso = new Date(from).toISOString();
    const notTaken = await q<{ order_id: string }>(
      `select je.order_id from settlement.journal_entries je
        where je.source_type = 'payment.succeeded' and je.posted_at >= $1
          and not exists (select 1 from channel_sandbox.channel_payments cp where cp.order_id = je.order_id and cp.status in ('succeeded'))`,
      [fromIso],
    );
    const apiOkNotTaken = await q<{ id: string }>(
      `select o from unnest($1::uuid[]) o where not exists (select 1 from channel_sandbox.channel_payments cp where cp.order_id = o and cp.status = 'succeeded')`,
      [ok],
    );
    const unbalanced = await q<{ tenant_id: string; d: string; c: string }>(
      `select tenant_id, sum(debits_fen)::text d, sum(credits_fen)::text c from settlement.account_balances group by tenant_id having sum(debits_fen) <> sum(credits_fen)`,
    );
    const stale = await q<{ n: string }>(
      `select count(*) n from qr_payment.payment_orders
        where state in ('created', 'paying') and coalesce(expires_at, created_at + ($1::int * interval '1 millisecond')) < now() - interval '60 seconds'`,
      [this.o.orderDeadlineMs],
    );
    const lag = await q<{ p50: number | null; p99: number | null; max: number | null }>(
      `select percentile_cont(0.5) within group (order by extract(epoch from posted_at - occurred_at)) p50,
              percentile_cont(0.99) within group (order by extract(epoch from posted_at - occurred_at)) p99,
              max(extract(epoch from posted_at - occurred_at)) max
         from settlement.journal_entries where source_type = 'payment.succeeded' and order_id = any($1::uuid[])`,
      [ok],
    );
    // refunds of this scenario: those that ended succeeded are posted exactly once
    const refundIds = [...this.refunds.keys()];
    const refundRows = refundIds.length
      ? await q<{ id: string; state: string; n: string }>(
          `select r.id, r.state, (select count(*) from settlement.journal_entries je where je.source_type = 'refund.succeeded' and je.refund_id = r.id)::text n
             from qr_payment.refunds r where r.id = any($1::uuid[]) and r.created_at >= $2`,
          [refundIds, fromIso],
        )
      : [];
    const failedHooks = await q<{ n: string }>(`select count(*) n from gateway.webhook_deliveries where status = 'failed' and created_at >= $1`, [
      fromIso,
    ]).catch(() => [{ n: '?' }]);
    return scenarioFigures({
      scenario,
      samples: mine,
      posted,
      hooks: this.hooks.events,
      notTaken: notTaken.length + apiOkNotTaken.length,
      unbalancedTenants: unbalanced.map((u) => `${u.tenant_id} (debits ${u.d} ≠ credits ${u.c})`),
      staleOrders: Number(stale[0]?.n ?? 0),
      ledgerLag: { p50: lag[0]?.p50 ?? NaN, p99: lag[0]?.p99 ?? NaN, max: lag[0]?.max ?? NaN },
      refunds: refundRows.map((r) => ({ state: r.state, postings: Number(r.n) })),
      failedWebhookDeliveries: failedHooks[0]?.n ?? '?',
      deadLetters: await this.deadLetters(),
      ...timing,
    });
  }

  /** Every dead-letter topic with messages in it: `topic.dlq n` (the offsets, without joining a group). */
  async deadLetters(): Promise<string[]> {
    const topics = JSON.parse(readFileSync(join(__dirname, '..', '..', 'libs', 'shared', 'contracts', 'src', 'topics.json'), 'utf8')) as { name: string }[];
    const admin = createKafka({ brokers: this.o.kafkaBrokers, clientId: 'countypay-chaos' }).admin();
    const out: string[] = [];
    try {
      await admin.connect();
      for (const t of topics) {
        const offsets = await admin.fetchTopicOffsets(`${t.name}.dlq`);
        const n = offsets.reduce((a, o) => a + (Number(o.high) - Number(o.low)), 0);
        if (n > 0) out.push(`${t.name}.dlq ${n}`);
      }
    } catch (err) {
      out.push(`(not readable: ${err instanceof Error ? err.message : String(err)})`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.hooks.stop();
    this.http.agent.destroy();
    await this.db?.end().catch(() => undefined);
  }
}
