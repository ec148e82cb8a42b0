// Sends the OpenAPI fuzzer's cases (openapi-fuzzer.ts) to the platform the e2e tier boots, through
// the gateway, SIGNED where the route admits apps (a valid HMAC signature over the exact raw bytes,
// so the hostile input reaches the services instead of stopping at the signature check), with an
// operator's bearer token where it admits operators, and a share with no credentials at all. Checks
// every answer: never a 5xx; every 4xx in the documented error shape with a code the operation
// documents (`x-error-codes` of that status); an invalid request never accepted; and no writes: the
// database rows of the fuzz tenants are compared before and after each operation's cases.
//
// Used by test/fuzz/fuzz.e2e-spec.ts (`npm run test:fuzz`, ≥ 10,000 requests) and by the sampled
// slice in the e2e tier (test/e2e/security/fuzz-sample.e2e-spec.ts).
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { Client } from 'pg';
import { signedRequestHeaders } from '@countypay/security';
import { gatewayUrl, provinceToken } from '../e2e/support/platform';
import { ALL_SCOPES, activeMerchant, createPartner, eventually, merchantInput, onboardApp, province, type TestApp } from '../e2e/gateway/gateway-fixtures';
import { WebhookReceiver } from '../load/platform-setup';
import { type FuzzCase, type FuzzIds, type FuzzOperation, TemplateMatcher, describeOperations, documentErrorCodes, generateCases } from './openapi-fuzzer';

/** The fuzz tenant (every object the cases name), and the county whose state the tenant routes may change. */
export const FUZZ_TENANT = 't513433';
export const SACRIFICIAL_TENANT = 't513427';

const SCOPES = [...new Set([...ALL_SCOPES, 'acquiring:pay', 'credit:pay'])];
/** requests one app may send per rolling minute (the e2e profile allows 120) */
const APP_BUDGET_PER_MINUTE = 90;

// ---- the objects the cases name --------------------------------------------------------------

export interface FuzzWorld {
  ids: FuzzIds;
  owner: TestApp;
  countyToken: string;
  partnerId: string;
  receiver: WebhookReceiver;
}

/** Real objects of the fuzz tenant for every path parameter the document names, and sacrificial ones for state changes. */
export async function buildFuzzWorld(): Promise<FuzzWorld> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const partnerId = await createPartner('ecommerce_platform');
  const owner = await onboardApp({ tenantId: FUZZ_TENANT, partnerId, scopes: SCOPES, callbackUrls: [receiver.url] });
  receiver.secrets.set(owner.appId, owner.webhookSecret);
  const op = await province().request<{ token: string }>('POST', '/v1/admin/operators', {
    body: { role: 'county', tenantId: FUZZ_TENANT, name: 'fuzz county desk' },
  });
  const victimOperator = await province().request<{ operatorId: string }>('POST', '/v1/admin/operators', {
    body: { role: 'county', tenantId: FUZZ_TENANT, name: 'fuzz sacrificial operator' },
  });
  const victimPartner = await createPartner('county_market');
  const victimApp = await onboardApp({ tenantId: FUZZ_TENANT, partnerId: victimPartner, scopes: ['merchants:read'], wait: false });
  const m = await activeMerchant(owner);
  const pendingMerchant = await owner.client.merchants.create(merchantInput(FUZZ_TENANT));
  const merchantId = m.merchant.merchantId;
  const order = (outTradeNo: string) => owner.client.qrOrders.create({ merchantId, storeId: m.storeId, outTradeNo, amountFen: 1234, expiresInSeconds: 86_400 });
  const paid = await eventually(
    'the fuzz merchant to be payable',
    async () => {
      try {
        return await order(`fuzz-paid-${randomUUID().slice(0, 8)}`);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'not_found' || code === 'merchant_not_active') return undefined;
        throw err;
      }
    },
    90_000,
  );
  const open = await order(`fuzz-open-${randomUUID().slice(0, 8)}`);
  await owner.client.request('POST', `/v1/qr/orders/${paid.id}/pay`, { body: { channel: 'wechat', payerId: `wx_fuzz_${randomUUID().slice(0, 8)}` } });
  await eventually('the fuzz order to be paid', async () => ((await owner.client.qrOrders.get(paid.id)).status === 'succeeded' ? true : undefined), 60_000);
  const delivery = await eventually(
    'a webhook delivery of the fuzz app',
    async () => {
      const page = await owner.client.webhookDeliveries.list({ limit: 100 });
      return page.data.find((d) => d.status === 'delivered')?.id;
    },
    60_000,
  );
  const noSuchObject = randomUUID();
  const ids: FuzzIds = {
    path: {
      merchantId,
      storeId: m.storeId,
      id: paid.id,
      deliveryId: delivery,
      appId: victimApp.appId,
      partnerId: victimPartner,
      operatorId: victimOperator.operatorId,
      tenantId: FUZZ_TENANT,
      tenantCode: FUZZ_TENANT,
      // acquiring cards, refunds and orders by number, settlement batches, reconciliation cases: ids of no object yet (the
      // fuzzer checks the refusals' shape and codes; real objects are the harness's next step)
      agreementId: noSuchObject,
      orderId: noSuchObject,
      refundId: noSuchObject,
      receiverId: noSuchObject,
      splitId: noSuchObject,
      batchId: noSuchObject,
      caseId: noSuchObject,
      outTradeNo: 'FUZZ-NO-SUCH-ORDER',
    },
    sacrificial: { tenantId: SACRIFICIAL_TENANT, merchantId: pendingMerchant.merchantId, id: open.id },
    body: { merchantId, storeId: m.storeId, terminalId: m.terminalId, tenantId: FUZZ_TENANT },
  };
  return { ids, owner, countyToken: op.token, partnerId, receiver };
}

// ---- the database: what the fuzz tenants' rows are ---------------------------------------------

const SCHEMAS = ['onboarding', 'qr_payment', 'acquiring', 'credit', 'settlement', 'gateway', 'channel_sandbox'];
/** bookkeeping every request (or no request at all) writes: not the domain's state */
const NOT_STATE = /^(inbox|probe_receipts|schema_migrations|idempotency_keys|request_nonces|rate_limit_windows)$/;
/**
 * Read models and everything else consumers write from events — copies another service keeps of the
 * source tables compared here, the ledger, webhook deliveries and their retries: a write there starts
 * at its source service's outbox, which IS compared; updated from Kafka later (webhook retries run
 * on their own schedule for a day), they would charge one operation with an earlier one's write.
 */
const READ_MODELS = new Set([
  'gateway.webhook_deliveries',
  'gateway.webhook_attempts',
  'settlement.journal_entries',
  'settlement.postings',
  'settlement.outbox',
  'gateway.apps',
  'gateway.app_directory',
  'gateway.webhook_endpoints',
  'gateway.tenants',
  'qr_payment.merchants',
  'qr_payment.tenant_configs',
  'settlement.tenant_configs',
  'settlement.account_balances',
]);

export type Snapshot = Map<string, string>;

export class WriteWatch {
  private constructor(
    private readonly db: Client,
    private readonly tables: Array<{ name: string; tenant: boolean; countOnly: boolean }>,
  ) {}

  static async open(tenants: string[]): Promise<WriteWatch> {
    const url = process.env.COUNTYPAY_E2E_ADMIN_URL;
    if (!url) throw new Error('COUNTYPAY_E2E_ADMIN_URL is not set by the e2e global setup');
    const db = new Client({ connectionString: url });
    await db.connect();
    const r = await db.query<{ schema: string; name: string; tenant: boolean }>(
      `select n.nspname as schema, c.relname as name,
              exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped) as tenant
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = any($1) and c.relkind in ('r', 'p') and not c.relispartition
        order by 1, 2`,
      [SCHEMAS],
    );
    const tables = r.rows
      .filter((t) => !NOT_STATE.test(t.name) && !READ_MODELS.has(`${t.schema}.${t.name}`))
      .map((t) => ({ name: `${t.schema}.${t.name}`, tenant: t.tenant, countOnly: t.name === 'outbox' }));
    if (tables.length < 10) throw new Error(`expected the services' tables in ${SCHEMAS.join(', ')}, found ${tables.length}`);
    const w = new WriteWatch(db, tables);
    w.tenants = tenants;
    return w;
  }

  private tenants: string[] = [];

  /** count (and a digest of every row, except outboxes whose rows the relay marks sent) per table, of the fuzz tenants */
  async snapshot(): Promise<Snapshot> {
    const parts = this.tables.map((t, i) => {
      const where = t.tenant ? `where tenant_id is null or tenant_id = any($1)` : '';
      const digest = t.countOnly ? `''` : `coalesce(md5(string_agg(x::text, '|' order by x::text)), '')`;
      return `select ${i} as i, count(*)::text || ':' || ${digest} as v from ${t.name} x ${where}`;
    });
    const r = await this.db.query<{ i: number; v: string }>(parts.join(' union all '), [this.tenants]);
    return new Map(r.rows.map((row) => [this.tables[row.i]!.name, row.v]));
  }

  /** a snapshot that no longer changes (asynchronous effects of earlier requests have landed) */
  async settled(timeoutMs = 20_000): Promise<Snapshot> {
    let last = await this.snapshot();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await new Promise((r) => setTimeout(r, 300));
      const next = await this.snapshot();
      if (diff(last, next).length === 0 || Date.now() > deadline) return next;
      last = next;
    }
  }

  close(): Promise<void> {
    return this.db.end();
  }
}

/** Tables whose rows differ (counts as `before→after`). */
export function diff(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [t, v] of after) {
    const b = before.get(t);
    if (b !== v) out.push(`${t} (${b?.split(':')[0] ?? '?'}→${v.split(':')[0]} rows${b?.split(':')[0] === v.split(':')[0] ? ', changed' : ''})`);
  }
  return out;
}

// ---- sending ----------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One raw HTTP request to the gateway: the path and query exactly as given (no URL normalisation, unlike fetch). */
export function send(method: string, target: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  const url = new URL(gatewayUrl());
  return new Promise((resolve, reject) => {
    let answered: Answer | undefined;
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: target, headers, agent, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        answered = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
        resolve(answered);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (body && body.length > 0) req.end(body);
    else req.end();
  });
}

/** Apps of the fuzz tenant, each used for at most APP_BUDGET_PER_MINUTE requests a minute. */
class AppPool {
  private readonly sent = new Map<string, number[]>();
  constructor(
    readonly apps: TestApp[],
    private readonly partnerId: string,
  ) {
    for (const a of apps) this.sent.set(a.appId, []);
  }

  private recent(appId: string, now: number): number[] {
    const ts = (this.sent.get(appId) ?? []).filter((t) => now - t < 62_000);
    this.sent.set(appId, ts);
    return ts;
  }

  /** how many requests the pool can take in the next minute */
  headroom(): number {
    const now = Date.now();
    return this.apps.reduce((n, a) => n + Math.max(0, APP_BUDGET_PER_MINUTE - this.recent(a.appId, now).length), 0);
  }

  async grow(to: number): Promise<void> {
    const missing = Math.min(to, 80) - this.apps.length;
    const made = await Promise.all(
      Array.from({ length: Math.max(0, missing) }, () => onboardApp({ tenantId: FUZZ_TENANT, partnerId: this.partnerId, scopes: SCOPES })),
    );
    for (const a of made) {
      this.apps.push(a);
      this.sent.set(a.appId, []);
    }
  }

  /** an app with budget left (waits for one), its use recorded */
  async take(except?: string): Promise<TestApp> {
    for (;;) {
      const now = Date.now();
      const free = this.apps.filter((a) => a.appId !== except && this.recent(a.appId, now).length < APP_BUDGET_PER_MINUTE);
      if (free.length > 0) {
        const a = free.reduce((best, x) => (this.recent(x.appId, now).length < this.recent(best.appId, now).length ? x : best));
        this.sent.get(a.appId)!.push(now);
        return a;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

// ---- checking ---------------------------------------------------------------------------------

export interface Finding {
  kind: '5xx' | 'undocumented code' | 'bad error shape' | 'invalid input accepted' | 'writes' | 'no answer';
  operationId: string;
  caseKey?: string;
  detail: string;
}

export interface OperationStats {
  operationId: string;
  requests: number;
  byCode: Map<string, number>;
  ok2xx: number;
  fivexx: number;
  writes: string[];
}

export interface FuzzReport {
  seed: number;
  requests: number;
  operations: OperationStats[];
  findings: Finding[];
  /** request counts per sender */
  senders: Record<string, number>;
  seconds: number;
}

const ERROR_TYPES = new Set([
  'invalid_request_error',
  'not_found_error',
  'conflict_error',
  'authentication_error',
  'permission_error',
  'rate_limit_error',
  'api_error',
]);

function describeCase(c: FuzzCase): string {
  const q = c.query ? `?${c.query}` : '';
  const target = `${c.path}${q}`;
  return `${c.key} [${c.sender}] ${c.method} ${target.length > 160 ? `${target.slice(0, 160)}…(${target.length})` : target} — ${c.variant}${c.invalid ? '' : ' (schema-valid hostile text)'}`;
}

/**
 * What is wrong with an error answer: not the documented error shape (`{ error: { type, code,
 * message, param?, requestId } }`, the request id also in X-Request-Id), a code the document does not
 * have with this status, or one the operation reached does not list in its `x-error-codes` for this
 * status (a path that reaches no operation may only answer route_not_found / method_not_allowed).
 */
export function errorAnswerProblems(
  a: Answer,
  reached: FuzzOperation | 'route_not_found' | 'method_not_allowed',
  codes: Map<string, number>,
): { code: string; shape: string[]; undocumented: string[] } {
  let body: { error?: { type?: unknown; code?: unknown; message?: unknown; requestId?: unknown; param?: unknown } };
  try {
    body = JSON.parse(a.body.toString('utf8')) as typeof body;
  } catch {
    return {
      code: '(no error body)',
      shape: [`${a.status} is not JSON (${String(a.headers['content-type'])}): ${a.body.toString('utf8').slice(0, 200)}`],
      undocumented: [],
    };
  }
  const e = body.error;
  const code = typeof e?.code === 'string' ? e.code : '?';
  const shapeOk =
    !!e &&
    typeof e.type === 'string' &&
    ERROR_TYPES.has(e.type) &&
    typeof e.code === 'string' &&
    typeof e.message === 'string' &&
    typeof e.requestId === 'string' &&
    e.requestId.length > 0 &&
    (e.param === undefined || typeof e.param === 'string') &&
    Object.keys(e).every((k) => ['type', 'code', 'message', 'requestId', 'param'].includes(k)) &&
    a.headers['x-request-id'] === e.requestId;
  const shape = shapeOk
    ? []
    : [`${a.status} ${JSON.stringify(body).slice(0, 200)} is not the documented error shape (with X-Request-Id ${String(a.headers['x-request-id'])})`];
  const undocumented: string[] = [];
  if (codes.get(code) !== a.status)
    undocumented.push(`${a.status} ${code}: the document's error list has ${codes.has(code) ? `it with status ${codes.get(code)}` : 'no such code'}`);
  if (typeof reached === 'string') {
    if (code !== reached) undocumented.push(`${a.status} ${code} where the path reaches no operation (${reached} expected)`);
  } else {
    const documented = reached.errors.get(a.status) ?? [];
    if (!documented.includes(code))
      undocumented.push(
        `${reached.operationId} answered ${a.status} ${code}, which its x-error-codes for ${a.status} (${documented.join(', ') || 'none'}) do not list`,
      );
  }
  return { code, shape, undocumented };
}

function check(
  c: FuzzCase,
  a: Answer,
  reached: FuzzOperation | 'route_not_found' | 'method_not_allowed',
  codes: Map<string, number>,
  findings: Finding[],
): string {
  const opId = c.operationId;
  if (a.status >= 500)
    findings.push({ kind: '5xx', operationId: opId, caseKey: c.key, detail: `${a.status} for ${describeCase(c)}: ${a.body.toString('utf8').slice(0, 300)}` });
  if (a.status < 400) {
    if (c.invalid && c.method !== 'GET')
      findings.push({
        kind: 'invalid input accepted',
        operationId: opId,
        caseKey: c.key,
        detail: `${a.status} for ${describeCase(c)}: ${a.body.toString('utf8').slice(0, 200)}`,
      });
    return String(a.status);
  }
  const p = errorAnswerProblems(a, reached, codes);
  for (const d of p.shape) findings.push({ kind: 'bad error shape', operationId: opId, caseKey: c.key, detail: `${d}: ${describeCase(c)}` });
  for (const d of p.undocumented)
    findings.push({
      kind: 'undocumented code',
      operationId: typeof reached === 'string' ? opId : reached.operationId,
      caseKey: c.key,
      detail: `${d}: ${describeCase(c)}`,
    });
  return p.code;
}

// ---- running ----------------------------------------------------------------------------------

export interface RunOptions {
  seed: number;
  count: number;
  sample: boolean;
  concurrency?: number;
  log?: (line: string) => void;
}

/** Generates the cases, sends them operation by operation, and reports. */
export async function runFuzz(world: FuzzWorld, opts: RunOptions): Promise<FuzzReport> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const started = Date.now();
  const ops = describeOperations();
  const matcher = new TemplateMatcher(ops);
  const codes = documentErrorCodes();
  const cases = generateCases({ seed: opts.seed, count: opts.count, ids: world.ids, sample: opts.sample, ops });
  log(`fuzz: seed ${opts.seed}, ${cases.length} cases over ${ops.length} operations (reproduce: COUNTYPAY_FUZZ_SEED=${opts.seed})`);
  const pool = new AppPool([world.owner], world.partnerId);
  const watch = await WriteWatch.open([FUZZ_TENANT, SACRIFICIAL_TENANT]);
  const findings: Finding[] = [];
  const senders: Record<string, number> = {};
  const stats = new Map<string, OperationStats>(
    ops.map((o) => [o.operationId, { operationId: o.operationId, requests: 0, byCode: new Map(), ok2xx: 0, fivexx: 0, writes: [] }]),
  );
  let sent = 0;
  let nextProgress = 1000;

  const sendCase = async (c: FuzzCase): Promise<void> => {
    const reached = matcher.match(c.method, c.path);
    const target = `${c.path}${c.query ? `?${c.query}` : ''}`;
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 8 && !answer; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (c.contentType !== undefined) headers['content-type'] = c.contentType;
      if (c.method === 'POST') headers['idempotency-key'] = randomUUID();
      if (c.sender === 'province') Object.assign(headers, { authorization: `Bearer ${provinceToken()}`, 'x-cp-tenant-id': FUZZ_TENANT });
      if (c.sender === 'county') headers.authorization = `Bearer ${world.countyToken}`;
      let app: TestApp | undefined;
      if (c.sender === 'app') {
        app = await pool.take();
        try {
          Object.assign(
            headers,
            signedRequestHeaders({ alg: app.alg, appId: app.appId, key: app.signingKey, method: c.method, path: c.path, query: c.query, body: c.body }),
          );
        } catch {
          // a query the signing scheme cannot canonicalise (malformed percent-encoding): sent with a signature over nothing sensible
          Object.assign(
            headers,
            signedRequestHeaders({ alg: app.alg, appId: app.appId, key: app.signingKey, method: c.method, path: c.path, query: '', body: c.body }),
          );
        }
      }
      try {
        const a = await send(c.method, target, headers, c.body);
        const rateLimited = a.status === 429 && a.body.toString('utf8').includes('"rate_limited"');
        if (rateLimited && c.sender === 'app') continue; // another app, not an outcome of the case
        answer = a;
      } catch (err) {
        if (attempt >= 1) {
          findings.push({ kind: 'no answer', operationId: c.operationId, caseKey: c.key, detail: `${String(err)} for ${describeCase(c)}` });
          return;
        }
      }
    }
    if (!answer) {
      findings.push({ kind: 'no answer', operationId: c.operationId, caseKey: c.key, detail: `still rate limited after 8 tries: ${describeCase(c)}` });
      return;
    }
    const s = stats.get(c.operationId)!;
    s.requests++;
    senders[c.sender] = (senders[c.sender] ?? 0) + 1;
    const outcome = check(c, answer, reached, codes, findings);
    if (answer.status >= 500) s.fivexx++;
    else if (answer.status < 400) s.ok2xx++;
    else s.byCode.set(`${answer.status} ${outcome}`, (s.byCode.get(`${answer.status} ${outcome}`) ?? 0) + 1);
    sent++;
    if (sent >= nextProgress) {
      log(`fuzz: ${sent} requests, ${findings.length} finding(s), ${Math.round((Date.now() - started) / 1000)} s`);
      nextProgress += 1000;
    }
  };

  const concurrency = opts.concurrency ?? 8;
  const runAll = async (list: FuzzCase[]): Promise<void> => {
    let i = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (i < list.length) await sendCase(list[i++]!);
      }),
    );
  };

  try {
    // invalid input, one operation at a time, with the fuzz tenants' rows compared around each
    const invalid = cases.filter((c) => c.invalid);
    let last: Snapshot | undefined;
    for (const op of ops) {
      const mine = invalid.filter((c) => c.operationId === op.operationId);
      if (mine.length === 0) continue;
      const appCases = mine.filter((c) => c.sender === 'app').length;
      if (appCases > pool.headroom()) {
        await pool.grow(pool.apps.length + Math.ceil((appCases - pool.headroom()) / APP_BUDGET_PER_MINUTE));
        await new Promise((r) => setTimeout(r, 2000)); // the new apps' own rows land before the snapshot
        last = undefined;
      }
      // the settled state after one operation is the state before the next
      const before = last ?? (await watch.settled());
      await runAll(mine);
      const after = await watch.settled();
      last = after;
      const changed = diff(before, after);
      if (changed.length > 0) {
        stats.get(op.operationId)!.writes = changed;
        findings.push({ kind: 'writes', operationId: op.operationId, detail: `invalid requests to ${op.operationId} wrote: ${changed.join(', ')}` });
      }
    }
    // the few hostile-but-schema-valid ones last: they may be accepted (and write)
    await runAll(cases.filter((c) => !c.invalid));
  } finally {
    await watch.close();
  }
  return { seed: opts.seed, requests: sent, operations: [...stats.values()], findings, senders, seconds: Math.round((Date.now() - started) / 1000) };
}

/** The final table: operation, requests, 4xx by code, 5xx, writes. */
export function formatReport(r: FuzzReport): string {
  const rows = r.operations.map((o) => {
    const codes = [...o.byCode.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(' ');
    return `${o.operationId.padEnd(26)} ${String(o.requests).padStart(6)} ${String(o.fivexx).padStart(4)} ${String(o.ok2xx).padStart(4)} ${(o.writes.length ? o.writes.join('; ') : '0').padEnd(6)} ${codes}`;
  });
  const totals = new Map<string, number>();
  for (const o of r.operations) for (const [k, n] of o.byCode) totals.set(k, (totals.get(k) ?? 0) + n);
  const byKind = new Map<string, number>();
  for (const f of r.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  return [
    `fuzz: seed ${r.seed}: ${r.requests} requests over ${r.operations.filter((o) => o.requests > 0).length} operations in ${r.seconds} s (senders: ${Object.entries(
      r.senders,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    `${'operation'.padEnd(26)} ${'reqs'.padStart(6)} ${'5xx'.padStart(4)} ${'2xx'.padStart(4)} ${'writes'.padEnd(6)} 4xx by code`,
    ...rows,
    `4xx by code, all operations: ${[...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(' ')}`,
    `5xx: ${r.operations.reduce((n, o) => n + o.fivexx, 0)}; operations with writes from invalid input: ${r.operations.filter((o) => o.writes.length).length}; findings: ${[...byKind.entries()].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
  ].join('\n');
}

/** The findings, one line each, grouped so that one bug does not print a thousand lines. */
export function formatFindings(findings: Finding[], perKind = 25): string {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.kind} ${f.operationId}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const lines: string[] = [];
  for (const [key, fs] of groups) {
    lines.push(`${key}: ${fs.length}`);
    for (const f of fs.slice(0, perKind)) lines.push(`  ${f.detail}`);
  }
  return lines.join('\n');
}
