/**
 * Every cursor-paged list of onboarding, walked to its end through the HTTP API over more than
 * 10,000 rows inserted directly as admin (many sharing one created_at, so the id tie-break
 * decides; consecutive timestamps a microsecond apart, within one millisecond), and the audit
 * log across its bigint sequence's 999→1000 and 9999→10000 boundaries: pages must be strictly
 * ordered, disjoint and complete.
 */
import { randomUUID } from 'node:crypto';
import { COUNTIES } from '@countypay/contracts';
import { FieldCipher } from '@countypay/security';
import type { Actor } from '@countypay/service-kit';
import { assertKeysetPaging, testActors, type TestService } from '@countypay/testing';
import { PII_KEY_ID } from './config/onboarding.config';
import { startOnboarding, testOnboardingConfig } from './testing/onboarding-test-service';

const T1 = 't510121';
const T2 = 't510116';
const ROWS = 10_050;
const config = testOnboardingConfig();

/** 100 rows per timestamp, each timestamp one microsecond after the previous one. */
const CREATED_AT = (n: string): string => `timestamptz '2026-11-29 06:00:00.000100+00' + ((${n}) / 100) * interval '1 microsecond'`;
/** A timestamp as text that sorts like the timestamp, to the microsecond. */
const SORTABLE_TS = (column: string): string => `to_char(${column} at time zone 'UTC', 'YYYYMMDDHH24MISSUS')`;

let svc: TestService;
const province = testActors.province();

beforeAll(async () => {
  svc = await startOnboarding(config);
}, 90_000);

afterAll(async () => {
  await svc?.close();
});

interface Item {
  id: string;
}

/** Walks `path` (a list route, maybe with a filter) as `actor`, `limit` per page (default: the list's). */
function walk<T>(path: string, actor: Actor, o: { limit?: number; id: (x: T) => string; compare: (a: T, b: T) => number; expectedIds: Iterable<string> }) {
  return assertKeysetPaging<T>({
    fetchPage: async (cursor) => {
      const q = new URLSearchParams();
      if (o.limit !== undefined) q.set('limit', String(o.limit));
      if (cursor !== undefined) q.set('cursor', cursor);
      const sep = path.includes('?') ? '&' : '?';
      const r = await svc.call('GET', `${path}${q.size ? sep + q.toString() : ''}`, { actor });
      if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    id: o.id,
    compare: o.compare,
    expectedIds: o.expectedIds,
  });
}

/** Newest first: by created_at (to the microsecond, from the database), then by id, both descending. */
async function newestFirst(table: string, idColumn: string, where = 'true'): Promise<{ ids: string[]; compare: (a: string, b: string) => number }> {
  const rows = await svc.schema.adminQuery<{ id: string; ts: string }>(
    `select ${idColumn}::text as id, ${SORTABLE_TS('created_at')} as ts from ${table} where ${where}`,
  );
  const ts = new Map(rows.map((r) => [r.id, r.ts]));
  const compare = (a: string, b: string): number => {
    const ta = ts.get(a)!;
    const tb = ts.get(b)!;
    if (ta !== tb) return ta > tb ? -1 : 1;
    return a === b ? 0 : a > b ? -1 : 1;
  };
  return { ids: rows.map((r) => r.id), compare };
}

async function createPartner(name: string, kind = 'ecommerce_platform'): Promise<string> {
  const r = await svc.call('POST', '/admin/partners', { actor: province, body: { name, kind } });
  expect(r.status).toBe(201);
  return r.body.partnerId as string;
}

describe('paged lists over real PostgreSQL', () => {
  it('tenants: the 99 counties by tenant id, in pages of 10 and of the default size', async () => {
    const ids = COUNTIES.map((c) => c.tenantId);
    expect(ids).toHaveLength(99);
    const compare = (a: { tenantId: string }, b: { tenantId: string }): number => (a.tenantId < b.tenantId ? -1 : 1);
    for (const limit of [10, undefined]) {
      const r = await walk<{ tenantId: string }>('/admin/tenants', province, { limit, id: (t) => t.tenantId, compare, expectedIds: ids });
      expect(r).toEqual({ pages: limit === 10 ? 10 : 5, items: 99 });
    }
    const first = await svc.call('GET', '/admin/tenants?limit=3', { actor: province });
    expect(first.body.data.map((t: { tenantId: string }) => t.tenantId)).toEqual([...ids].sort().slice(0, 3));
    const foreign = await svc.call('GET', `/admin/partners?cursor=${first.body.nextCursor}`, { actor: province });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
  });

  it('merchants: 10,050 of one county, newest first; the active ones in default-size pages; a partner app sees its own', async () => {
    const partner = await createPartner('成都天府商城');
    const pii = new FieldCipher({ keys: [{ id: PII_KEY_ID, key: config.COUNTYPAY_PII_KEY }], activeKeyId: PII_KEY_ID });
    const enc = (column: string, id: string, value: string): string => pii.encrypt(value, `merchants.${column}:${id}`);
    const cols: Record<string, string[]> = { id: [], uscc: [], rep: [], idNo: [], phone: [], acct: [], acctName: [] };
    for (let n = 1; n <= ROWS; n++) {
      const id = randomUUID();
      cols.id!.push(id);
      cols.uscc!.push(enc('uscc', id, '91510121MA6CJ8XK1K'));
      cols.rep!.push(enc('legal_rep_name', id, '欧阳明华'));
      cols.idNo!.push(enc('legal_rep_id_number', id, '510121198803150015'));
      cols.phone!.push(enc('phone', id, '13800138000'));
      cols.acct!.push(enc('settlement_account_no', id, '51050142610800000123'));
      cols.acctName!.push(enc('settlement_account_name', id, '金堂县城关便民超市有限公司'));
    }
    await svc.schema.adminQuery(
      `insert into merchants (merchant_id, tenant_id, partner_id, legal_name, uscc_ciphertext, uscc_index, legal_rep_name_ciphertext,
         legal_rep_id_number_ciphertext, phone_ciphertext, mcc, address, city, settlement_account_type, settlement_account_no_ciphertext,
         settlement_account_name_ciphertext, settlement_bank_name, status, created_at)
       select u.id, $1, case when u.n % 10 = 0 then $2::uuid end, '金堂县商户' || u.n, u.uscc, lpad(u.n::text, 64, '0'), u.rep, u.id_no, u.phone,
              '5411', '金堂县赵镇', '成都', 'corporate_account', u.acct, u.acct_name, '金堂农商银行',
              case when u.n % 7 = 0 then 'active' else 'pending_review' end, ${CREATED_AT('u.n')}
         from unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[]) with ordinality as u(id, uscc, rep, id_no, phone, acct, acct_name, n)`,
      [T1, partner, cols.id, cols.uscc, cols.rep, cols.idNo, cols.phone, cols.acct, cols.acctName],
    );
    const all = await newestFirst('merchants', 'merchant_id');
    expect(all.ids).toHaveLength(ROWS);
    const byId = (m: { merchantId: string }): string => m.merchantId;
    const compare = (a: { merchantId: string }, b: { merchantId: string }): number => all.compare(a.merchantId, b.merchantId);

    expect(await walk('/merchants', testActors.county(T1), { limit: 100, id: byId, compare, expectedIds: all.ids })).toEqual({ pages: 101, items: ROWS });
    const active = await newestFirst('merchants', 'merchant_id', `status = 'active'`);
    expect(await walk('/merchants?status=active', testActors.county(T1), { id: byId, compare, expectedIds: active.ids })).toEqual({
      pages: Math.ceil(active.ids.length / 20),
      items: active.ids.length,
    });
    const mine = await newestFirst('merchants', 'merchant_id', `partner_id = '${partner}'`);
    const app = testActors.app(T1, { partnerId: partner, scopes: ['merchants:read'] });
    expect(await walk('/merchants', app, { limit: 100, id: byId, compare, expectedIds: mine.ids })).toEqual({
      pages: Math.ceil(mine.ids.length / 100),
      items: mine.ids.length,
    });
    // a page shows the merchants masked, decrypted from what was stored
    const page = await svc.call('GET', '/merchants?limit=1', { actor: testActors.county(T1) });
    expect(page.body.data[0]).toMatchObject({
      phone: '138****8000',
      settlementAccount: { accountType: 'corporate_account', accountNo: '510501**********0123' },
    });
  }, 120_000);

  it('partners: 10,050, newest first', async () => {
    await svc.schema.adminQuery(
      `insert into partners (partner_id, name, kind, created_at) select gen_random_uuid(), '合作方' || g, 'regional_platform', ${CREATED_AT('g')} from generate_series(1, $1::int) g`,
      [ROWS],
    );
    const all = await newestFirst('partners', 'partner_id');
    expect(all.ids.length).toBeGreaterThan(ROWS);
    const r = await walk<{ partnerId: string }>('/admin/partners', province, {
      limit: 100,
      id: (p) => p.partnerId,
      compare: (a, b) => all.compare(a.partnerId, b.partnerId),
      expectedIds: all.ids,
    });
    expect(r.items).toBe(all.ids.length);
  }, 120_000);

  it("apps: 10,050 in two counties, newest first; one partner's in default-size pages; a county operator sees its own", async () => {
    const [p1, p2] = [await createPartner('成都天府商城二期'), await createPartner('金堂县农贸平台', 'regional_platform')];
    await svc.schema.adminQuery(
      `insert into apps (app_id, tenant_id, partner_id, name, scopes, callback_urls, webhook_secret_ciphertext, created_at)
       select 'app_' || lpad(g::text, 20, '0'), case when g % 2 = 0 then $2 else $3 end, case when g % 10 = 0 then $4::uuid else $5::uuid end,
              '应用' || g, '{qr:pay}', '{}', 'not-a-real-ciphertext', ${CREATED_AT('g')}
         from generate_series(1, $1::int) g`,
      [ROWS, T1, T2, p2, p1],
    );
    const byId = (a: { appId: string }): string => a.appId;
    const all = await newestFirst('apps', 'app_id');
    const compare = (a: { appId: string }, b: { appId: string }): number => all.compare(a.appId, b.appId);
    expect(await walk('/admin/apps', province, { limit: 100, id: byId, compare, expectedIds: all.ids })).toEqual({ pages: 101, items: ROWS });
    const ofP2 = await newestFirst('apps', 'app_id', `partner_id = '${p2}'`);
    expect(await walk(`/admin/apps?partnerId=${p2}`, province, { id: byId, compare, expectedIds: ofP2.ids })).toEqual({
      pages: Math.ceil(ofP2.ids.length / 20),
      items: ofP2.ids.length,
    });
    const ofT2 = await newestFirst('apps', 'app_id', `tenant_id = '${T2}'`);
    expect(await walk('/admin/apps', testActors.county(T2), { limit: 100, id: byId, compare, expectedIds: ofT2.ids })).toEqual({
      pages: Math.ceil(ofT2.ids.length / 100),
      items: ofT2.ids.length,
    });
  }, 120_000);

  it("operators: 10,050, newest first; one county's in default-size pages", async () => {
    await svc.schema.adminQuery(
      `insert into operators (operator_id, role, tenant_id, name, token_hash, created_at)
       select gen_random_uuid(), 'county', case when g % 10 = 0 then $2 else $3 end, '运营' || g, md5(g::text) || md5('t' || g), ${CREATED_AT('g')}
         from generate_series(1, $1::int) g`,
      [ROWS, T2, T1],
    );
    const byId = (o: { operatorId: string }): string => o.operatorId;
    const all = await newestFirst('operators', 'operator_id');
    const compare = (a: { operatorId: string }, b: { operatorId: string }): number => all.compare(a.operatorId, b.operatorId);
    expect(await walk('/admin/operators', province, { limit: 100, id: byId, compare, expectedIds: all.ids })).toEqual({ pages: 101, items: ROWS });
    const ofT2 = await newestFirst('operators', 'operator_id', `tenant_id = '${T2}'`);
    expect(await walk(`/admin/operators?tenantId=${T2}`, province, { id: byId, compare, expectedIds: ofT2.ids })).toEqual({
      pages: Math.ceil(ofT2.ids.length / 20),
      items: ofT2.ids.length,
    });
  }, 120_000);

  it('audit log: newest first by its sequence across 999→1000 and 9999→10000, over 10,000 entries; a county sees its own', async () => {
    const seq = `pg_get_serial_sequence('audit_log', 'seq')`;
    const changeConfig = async (i: number): Promise<void> => {
      const r = await svc.call('PATCH', `/admin/tenants/${T1}/config`, { actor: province, body: { cutoffTime: `22:${String(i).padStart(2, '0')}` } });
      expect(r.status).toBe(200);
    };
    // entries written by the real code path, their sequence numbers crossing the digit boundaries
    await svc.schema.adminQuery(`select setval(${seq}, 995)`);
    for (let i = 0; i < 10; i++) await changeConfig(i); // 996…1005
    await svc.schema.adminQuery(`select setval(${seq}, 9995)`);
    for (let i = 10; i < 20; i++) await changeConfig(i); // 9996…10005
    await svc.schema.adminQuery(
      `insert into audit_log (tenant_id, actor_type, actor_id, action, entity, entity_id, before, after, created_at)
       select case when g % 10 = 0 then $2 else $3 end, 'county', 'op-county', 'merchant.updated', 'merchant', gen_random_uuid()::text, null, '{}',
              ${CREATED_AT('g')}
         from generate_series(1, $1::int) g`,
      [ROWS, T1, T2],
    );
    const rows = await svc.schema.adminQuery<{ id: string; tenant: string | null; entity: string }>(
      `select seq::text as id, tenant_id as tenant, entity from audit_log`,
    );
    const seqs = rows.map((r) => BigInt(r.id));
    expect(seqs.some((s) => s === 999n) && seqs.some((s) => s === 1000n) && seqs.some((s) => s === 9999n) && seqs.some((s) => s === 10000n)).toBe(true);
    const byId = (e: Item): string => e.id;
    const compare = (a: Item, b: Item): number => (BigInt(a.id) > BigInt(b.id) ? -1 : 1);

    const all = await walk('/admin/audit', province, { limit: 100, id: byId, compare, expectedIds: rows.map((r) => r.id) });
    expect(all.items).toBe(rows.length);
    const ofT1 = rows.filter((r) => r.tenant === T1).map((r) => r.id);
    expect(await walk('/admin/audit', testActors.county(T1), { id: byId, compare, expectedIds: ofT1 })).toEqual({
      pages: Math.ceil(ofT1.length / 20),
      items: ofT1.length,
    });
    // the 20 config changes alone, 3 per page: every page boundary near the digit boundaries
    const configChanges = rows.filter((r) => r.tenant === T1 && r.entity === 'tenant').map((r) => r.id);
    expect(configChanges).toHaveLength(20);
    expect(await walk(`/admin/audit?entity=tenant&entityId=${T1}`, testActors.county(T1), { limit: 3, id: byId, compare, expectedIds: configChanges })).toEqual(
      { pages: 7, items: 20 },
    );
  }, 120_000);
});
