// What `npm run bench` pays with, set up once and reused (`.local/bench/state.json`, like the demo's
// `.local/demo.json`): one partner with one app per county (HMAC), in every county one approved
// merchant with a store and a POS terminal, and county bank deposit accounts in the sandbox's core
// banking (more for the busy counties). Everything through the gateway as a partner and the
// province operator would, except the sandbox accounts (the payer's bank, not the platform).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CountypayApiError, CountypayClient, CountypayOperatorClient, type FetchLike, type Merchant } from '@countypay/sdk';
import { randomUscc, sleep, uniq } from './platform-setup';

export interface BenchTenant {
  tenantId: string;
  appId: string;
  appSecret: string;
  webhookSecret: string;
  merchantId: string;
  storeId: string;
  terminalId: string;
  /** county bank deposit accounts in the sandbox (payer codes debit them) */
  accounts: string[];
}

export interface BenchState {
  version: 1;
  baseUrl: string;
  callbackUrl: string;
  partnerId: string;
  createdAt: string;
  tenants: BenchTenant[];
}

export const ACCOUNT_BALANCE_FEN = 10_000_000_000; // ¥100M: millions of bench payments

/** Runs `fn` over `items` with at most `limit` at a time; answers the results in order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export function readState(file: string): BenchState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as BenchState;
    return s.version === 1 ? s : undefined;
  } catch {
    return undefined;
  }
}

async function openAccount(sandboxUrl: string, tenantId: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const accountNo = `6${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`;
    const res = await fetch(`${sandboxUrl}/core/${tenantId}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ accountNo, holderName: '基准测试付款人', balanceFen: ACCOUNT_BALANCE_FEN }),
    });
    if (res.status === 201) return accountNo;
    if (attempt >= 3) throw new Error(`opening a sandbox account in ${tenantId} failed: ${res.status} ${await res.text()}`);
  }
}

export interface SetupOptions {
  baseUrl: string;
  sandboxUrl: string;
  operatorToken: () => string;
  callbackUrl: string;
  tenantIds: readonly string[];
  accountsFor: (tenantId: string) => number;
  file: string;
  fetch: FetchLike;
  log: (line: string) => void;
  /** the apps' scopes (default: paying and merchants; the chaos suite adds refunds:write) */
  scopes?: readonly string[];
}

export interface Setup {
  state: BenchState;
  /** counties the bench cannot pay in (tenant id → why), e.g. a county the gateway holds suspended */
  excluded: Map<string, string>;
}

type Check = { ok: true } | { ok: false; suspended: boolean; why: string };

class SuspendedTenant extends Error {}

/** Whether a county of a saved state still works: its merchant answers active to its app. */
async function checkTenant(baseUrl: string, t: BenchTenant, fetchImpl: FetchLike): Promise<Check> {
  try {
    const client = new CountypayClient({ baseUrl, appId: t.appId, alg: 'HMAC-SHA256', secret: t.appSecret, fetch: fetchImpl });
    const m = await client.merchants.get(t.merchantId);
    return m.status === 'active' ? { ok: true } : { ok: false, suspended: false, why: `its merchant is ${m.status}` };
  } catch (err) {
    if (err instanceof CountypayApiError && err.code === 'tenant_suspended') return { ok: false, suspended: true, why: `tenant_suspended: ${err.message}` };
    return { ok: false, suspended: false, why: err instanceof Error ? err.message : String(err) };
  }
}

/** An app, a merchant (store, terminal; approved by the province operator) and sandbox accounts in one county. */
async function onboardTenant(o: SetupOptions, province: CountypayOperatorClient, partnerId: string, tenantId: string): Promise<BenchTenant> {
  const app = await province.request<{ appId: string; appSecret: string; webhookSecret: string }>('POST', `/v1/admin/partners/${partnerId}/apps`, {
    body: {
      tenantId,
      name: `Bench app ${tenantId}`,
      scopes: [...(o.scopes ?? ['qr:pay', 'merchants:read', 'merchants:write'])],
      callbackUrls: [o.callbackUrl],
      credential: { alg: 'HMAC-SHA256' },
    },
  });
  const client = new CountypayClient({ baseUrl: o.baseUrl, appId: app.appId, alg: 'HMAC-SHA256', secret: app.appSecret, fetch: o.fetch });
  const legalName = `基准测试商户${tenantId.slice(1)}${uniq().slice(-4)}`;
  const uscc = randomUscc(tenantId.slice(1));
  // the gateway may not know the new app yet (it asks onboarding on a miss): retry for a minute; a suspended county fails at once
  let merchant: Merchant | undefined;
  for (const deadline = Date.now() + 60_000; !merchant;) {
    try {
      merchant = await client.merchants.create({
        legalName,
        uscc,
        legalRepName: '张三',
        legalRepIdNumber: '11010519491231002X',
        phone: '13800138000',
        mcc: '5411',
        address: '城关镇1号',
        city: '成都',
        settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000123', accountName: legalName, bankName: '农商银行' },
      });
    } catch (err) {
      if (err instanceof CountypayApiError && err.code === 'tenant_suspended') throw new SuspendedTenant(err.message);
      if (Date.now() > deadline)
        throw new Error(`the merchant of ${tenantId} could not be created: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      await sleep(500);
    }
  }
  const store = await client.stores.create(merchant.merchantId, { name: `${legalName} 门店` });
  const terminal = await client.terminals.create(store.storeId, { serialNo: `BENCH-${uniq()}` });
  await province.merchants.approve(merchant.merchantId, 'bench: KYC checked');
  const accounts: string[] = [];
  for (let i = 0; i < o.accountsFor(tenantId); i++) accounts.push(await openAccount(o.sandboxUrl, tenantId));
  return {
    tenantId,
    appId: app.appId,
    appSecret: app.appSecret,
    webhookSecret: app.webhookSecret,
    merchantId: merchant.merchantId,
    storeId: store.storeId,
    terminalId: terminal.terminalId,
    accounts,
  };
}

/**
 * The bench's partner, apps, merchants and accounts: the saved state where it still works, the
 * missing or broken counties onboarded anew (everything anew — a new partner — when nothing of
 * the saved state works), more sandbox accounts where `accountsFor` asks for more. A county the
 * gateway refuses as suspended is left out and named, not fatal.
 */
export async function ensureSetup(o: SetupOptions): Promise<Setup> {
  const excluded = new Map<string, string>();
  let state = readState(o.file);
  let why = state ? '' : 'there is none';
  if (state && state.baseUrl !== o.baseUrl) [state, why] = [undefined, `it was made for ${state.baseUrl}`];
  if (state && state.callbackUrl !== o.callbackUrl) [state, why] = [undefined, `its webhooks go to ${state.callbackUrl}`];
  const redo = new Set<string>();
  if (state) {
    const byTenant = new Map(state.tenants.map((t) => [t.tenantId, t]));
    const present = o.tenantIds.filter((id) => byTenant.has(id));
    const checks = await pool(present, 8, (id) => checkTenant(o.baseUrl, byTenant.get(id)!, o.fetch));
    const broken = checks.filter((c) => !c.ok && !c.suspended);
    if (present.length > 0 && broken.length === present.length) [state, why] = [undefined, (broken[0] as { why: string }).why];
    else {
      present.forEach((id, i) => {
        const c = checks[i]!;
        if (c.ok) return;
        if (c.suspended) excluded.set(id, c.why);
        else redo.add(id);
      });
      for (const id of o.tenantIds) if (!byTenant.has(id)) redo.add(id);
    }
  }
  // the operator client is only made when the set-up onboards something (its token is checked when made)
  let operator: CountypayOperatorClient | undefined;
  const provinceClient = (): CountypayOperatorClient => (operator ??= new CountypayOperatorClient({ baseUrl: o.baseUrl, token: o.operatorToken() }));
  if (!state) {
    o.log(`  onboarding ${o.tenantIds.length} counties (no usable saved state: ${why}) …`);
    const partner = await provinceClient().request<{ partnerId: string }>('POST', '/v1/admin/partners', {
      body: { name: `Bench partner ${uniq()}`, kind: 'ecommerce_platform' },
    });
    state = { version: 1, baseUrl: o.baseUrl, callbackUrl: o.callbackUrl, partnerId: partner.partnerId, createdAt: new Date().toISOString(), tenants: [] };
    for (const id of o.tenantIds) redo.add(id);
  } else o.log(`  reusing ${o.file} (partner ${state.partnerId})${redo.size ? `; onboarding ${redo.size} count(y/ies) anew` : ''}`);
  if (redo.size) {
    const list = [...redo];
    const partnerId = state.partnerId;
    let done = 0;
    const started = performance.now();
    const made = await pool(list, 6, async (id) => {
      try {
        return await onboardTenant(o, provinceClient(), partnerId, id);
      } catch (err) {
        if (!(err instanceof SuspendedTenant)) throw err;
        excluded.set(id, `tenant_suspended: ${err.message}`);
        return undefined;
      } finally {
        if (++done % 20 === 0 || done === list.length)
          o.log(`  onboarded ${done}/${list.length} counties (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    });
    const fresh = made.filter((t): t is BenchTenant => t !== undefined);
    state.tenants = [...state.tenants.filter((t) => !redo.has(t.tenantId)), ...fresh];
  }
  let opened = 0;
  const usable = state.tenants.filter((t) => o.tenantIds.includes(t.tenantId) && !excluded.has(t.tenantId));
  await pool(usable, 6, async (t) => {
    while (t.accounts.length < o.accountsFor(t.tenantId)) {
      t.accounts.push(await openAccount(o.sandboxUrl, t.tenantId));
      opened++;
    }
  });
  if (opened) o.log(`  opened ${opened} more sandbox accounts`);
  mkdirSync(dirname(o.file), { recursive: true });
  writeFileSync(o.file, JSON.stringify(state, null, 2), { mode: 0o600 });
  return { state, excluded };
}
