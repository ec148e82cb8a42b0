// Issue 14 (tpprune): what naming the tenant saves settlement's reads of the partitioned ledger.
//   node tools/ledger-plans.mjs plans <database> <tenant> [connections]
//     planning and execution ms (EXPLAIN (ANALYZE, SUMMARY)) of each read before and after naming the tenant,
//     as the app role in a tenant transaction, parameters bound as the app binds them (unnamed statements:
//     custom plans); 5 statements a connection: the first on a new connection (it also loads the
//     partitions' metadata), the median of the 4 others; the partitions scanned + pruned at execution start.
//     The statements are copies of the repositories' (as of this commit), each before and after.
//   node tools/ledger-plans.mjs api <tenant> [calls]
//     GET /v1/ledger/entries?limit=100 through the gateway of the platform at COUNTYPAY_URL, signed as the
//     bench's app of the county (.local/bench/state.json: run the bench once first), sequential calls.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './swc-config.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const [mode, ...args] = process.argv.slice(2);
const pgHost = process.env.PGHOST ?? '127.0.0.1';
const pgUser = process.env.PGUSER ?? 'postgres';

const ENTRY = `j.id as "id", j.source_event_id as "sourceEventId", j.source_type as "sourceType", j.order_id as "orderId", j.refund_id as "refundId",
  j.merchant_id as "merchantId", j.product as "product", j.channel as "channel", j.amount_fen as "amountFen", j.fee_fen as "feeFen",
  j.fee_rate_bp as "feeRateBp", j.occurred_at as "occurredAt", j.posted_at as "postedAt"`;
const POSTING = `p.entry_id as "entryId", p.line_no as "lineNo", p.account as "account", p.direction as "direction", p.amount_fen as "amountFen"`;
const moves = (entries, tenant) => `select j.id as entry_id, j.source_type, j.product, j.channel, j.amount_fen, j.fee_fen,
   substr(p.account, strpos(p.account, ':') + 1)::uuid as merchant_id,
   coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end) filter (where p.account like 'merchant_payable:%'), 0) as move,
   coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end) filter (where p.account like 'merchant_escrow:%'), 0) as escrow
  from ${entries} x
  join journal_entries j on ${tenant ? `j.tenant_id = ${tenant} and ` : ''}j.id = x.entry_id
  join postings p on p.tenant_id = j.tenant_id${tenant ? ` and p.tenant_id = ${tenant}` : ''} and p.entry_id = j.id
       and (p.account like 'merchant_payable:%' or (p.account like 'merchant_escrow:%' and j.source_type in ('payment.succeeded', 'refund.succeeded')))
  group by j.id, j.source_type, j.product, j.channel, j.amount_fen, j.fee_fen, substr(p.account, strpos(p.account, ':') + 1)`;

async function plans(db, T, RUNS) {
  const c0 = new Client({ host: pgHost, user: pgUser, database: db });
  await c0.connect();
  const s = (
    await c0.query(
      `select order_id, merchant_id, partner_app_id, source_event_id, source_type, source_ref from settlement.journal_entries
      where tenant_id = $1 and partner_app_id is not null order by seq desc limit 1`,
      [T],
    )
  ).rows[0];
  const ids = (await c0.query(`select id from settlement.journal_entries where tenant_id = $1 order by seq desc limit 100`, [T])).rows.map((r) => r.id);
  const batch =
    (await c0.query(`select id from settlement.settlement_batches where tenant_id = $1 order by seq desc limit 1`, [T])).rows[0]?.id ??
    '00000000-0000-4000-8000-000000000000';
  await c0.end();
  const Q = [
    [
      'ledger list: findEntries (limit 101)',
      [`select ${ENTRY}, j.seq::text as _page_key_0 from journal_entries j order by j.seq desc limit $1`, [101]],
      [`select ${ENTRY}, j.seq::text as _page_key_0 from journal_entries j where j.tenant_id = $1 order by j.seq desc limit $2`, [T, 101]],
    ],
    [
      'ledger list: findPostings (100 entries)',
      [`select ${POSTING} from postings p where p.entry_id = any($1::uuid[]) order by p.entry_id, p.line_no`, [ids]],
      [`select ${POSTING} from postings p where p.tenant_id = $1 and p.entry_id = any($2::uuid[]) order by p.entry_id, p.line_no`, [T, ids]],
    ],
    [
      'merchant balance: merchantHasAppEntries',
      [`select 1 from journal_entries j where j.merchant_id = $1 and j.partner_app_id = $2 limit 1`, [s.merchant_id, s.partner_app_id]],
      [`select 1 from journal_entries j where j.tenant_id = $1 and j.merchant_id = $2 and j.partner_app_id = $3 limit 1`, [T, s.merchant_id, s.partner_app_id]],
    ],
    [
      'payouts: merchantPartnerApp',
      [
        `select j.partner_app_id from journal_entries j where j.merchant_id = $1 and j.partner_app_id is not null and j.source_type = 'payment.succeeded' order by j.seq desc limit 1`,
        [s.merchant_id],
      ],
      [
        `select j.partner_app_id from journal_entries j where j.tenant_id = $1 and j.merchant_id = $2 and j.partner_app_id is not null and j.source_type = 'payment.succeeded' order by j.seq desc limit 1`,
        [T, s.merchant_id],
      ],
    ],
    [
      'refund: orderFees',
      [
        `select (sum(j.amount_fen) filter (where j.source_type = 'payment.succeeded'))::text as payment from journal_entries j where j.order_id = $1`,
        [s.order_id],
      ],
      [
        `select (sum(j.amount_fen) filter (where j.source_type = 'payment.succeeded'))::text as payment from journal_entries j where j.tenant_id = $1 and j.order_id = $2`,
        [T, s.order_id],
      ],
    ],
    [
      'duplicate: findBySource',
      [
        `select j.id as "id", j.source_event_id as "sourceEventId" from journal_entries j where j.source_event_id = $1 or (j.source_type = $2 and j.source_ref = $3) limit 1`,
        [s.source_event_id, s.source_type, s.source_ref],
      ],
      [
        `select j.id as "id", j.source_event_id as "sourceEventId" from journal_entries j where j.tenant_id = $1 and (j.source_event_id = $2 or (j.source_type = $3 and j.source_ref = $4)) limit 1`,
        [T, s.source_event_id, s.source_type, s.source_ref],
      ],
    ],
    [
      'tests: sumPostings',
      [`select p.account, count(*) from postings p group by p.account order by p.account`, []],
      [`select p.account, count(*) from postings p where p.tenant_id = $1 group by p.account order by p.account`, [T]],
    ],
    [
      'cut-off: clearingFromLedger',
      [
        `select (select coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end), 0) from settlement_batch_entries e join postings p on p.tenant_id = e.tenant_id and p.entry_id = e.entry_id where e.batch_id = $1 and (p.account like 'merchant_payable:%' or p.account = 'fee_income'))::text as clearing, (select count(*) from settlement_batch_entries e where e.batch_id = $1)::int as n`,
        [batch],
      ],
      [
        `select (select coalesce(sum(case when p.direction = 'credit' then p.amount_fen else -p.amount_fen end), 0) from settlement_batch_entries e join postings p on p.tenant_id = e.tenant_id and p.entry_id = e.entry_id where e.batch_id = $1 and p.tenant_id = $2 and (p.account like 'merchant_payable:%' or p.account = 'fee_income'))::text as clearing, (select count(*) from settlement_batch_entries e where e.batch_id = $1)::int as n`,
        [batch, T],
      ],
    ],
    [
      'report: lines',
      [
        `with m as (${moves('(select e.entry_id from settlement_batch_entries e where e.batch_id = $1)')}) select m.product, m.channel, count(*) from m group by m.product, m.channel`,
        [batch],
      ],
      [
        `with m as (${moves('(select e.entry_id from settlement_batch_entries e where e.batch_id = $1)', '$2')}) select m.product, m.channel, count(*) from m group by m.product, m.channel`,
        [batch, T],
      ],
    ],
    [
      'report: ledger',
      [
        `select coalesce(sum(p.amount_fen) filter (where p.account = 'fee_income'), 0) from settlement_batch_entries e join postings p on p.entry_id = e.entry_id where e.batch_id = $1`,
        [batch],
      ],
      [
        `select coalesce(sum(p.amount_fen) filter (where p.account = 'fee_income'), 0) from settlement_batch_entries e join postings p on p.tenant_id = e.tenant_id and p.entry_id = e.entry_id where e.batch_id = $1 and p.tenant_id = $2`,
        [batch, T],
      ],
    ],
    [
      'report: paidOut',
      [
        `select coalesce(sum(p.amount_fen), 0) from settlement_payouts s join postings p on p.entry_id = s.ledger_entry_id where s.batch_id = $1 and p.account = 'bank_clearing' and p.direction = 'credit'`,
        [batch],
      ],
      [
        `select coalesce(sum(p.amount_fen), 0) from settlement_payouts s join postings p on p.tenant_id = s.tenant_id and p.entry_id = s.ledger_entry_id where s.batch_id = $1 and p.tenant_id = $2 and p.account = 'bank_clearing' and p.direction = 'credit'`,
        [batch, T],
      ],
    ],
    [
      'cut-off: claimEntries (rolled back)',
      [
        `with claimed as (insert into settlement_batch_entries (tenant_id, entry_id, batch_id) select $1, j.id, $2 from journal_entries j where j.occurred_at < $3 and j.source_type <> 'payout.succeeded' and exists (select 1 from postings p where p.tenant_id = j.tenant_id and p.entry_id = j.id and (p.account like 'merchant_payable:%' or (p.account like 'merchant_escrow:%' and j.source_type in ('payment.succeeded', 'refund.succeeded')))) and not exists (select 1 from settlement_batch_entries e where e.entry_id = j.id) on conflict do nothing returning entry_id), m as (${moves('claimed')}) select m.merchant_id, count(*) from m group by m.merchant_id order by m.merchant_id`,
        'claim',
      ],
      [
        `with claimed as (insert into settlement_batch_entries (tenant_id, entry_id, batch_id) select $1, j.id, $2 from journal_entries j where j.tenant_id = $1 and j.occurred_at < $3 and j.source_type <> 'payout.succeeded' and exists (select 1 from postings p where p.tenant_id = j.tenant_id and p.tenant_id = $1 and p.entry_id = j.id and (p.account like 'merchant_payable:%' or (p.account like 'merchant_escrow:%' and j.source_type in ('payment.succeeded', 'refund.succeeded')))) and not exists (select 1 from settlement_batch_entries e where e.entry_id = j.id) on conflict do nothing returning entry_id), m as (${moves('claimed', '$1')}) select m.merchant_id, count(*) from m group by m.merchant_id order by m.merchant_id`,
        'claim',
      ],
    ],
  ];
  const only = process.env.ONLY;
  const out = [];
  for (const [name, before, after] of Q) {
    if (only && !name.includes(only)) continue;
    const row = { name };
    for (const [label, [sql, params]] of [
      ['before', before],
      ['after', after],
    ]) {
      const plan = [],
        exec = [],
        coldPlan = [];
      let parts = 0;
      for (let r = 0; r < RUNS; r++) {
        // a new connection every 5th run: the first statement on it also loads the partitions' metadata
        const c = new Client({ host: pgHost, user: pgUser, database: db, options: '-c search_path=settlement' });
        await c.connect();
        await c.query('set role cp_settlement_app');
        for (let k = 0; k < 5; k++) {
          await c.query(`start transaction; select set_config('app.tenant_id', '${T}', true)`);
          let p = params;
          if (params === 'claim') {
            const b = (
              await c.query(
                `insert into settlement_batches (tenant_id, id, business_date, cycle, settlement_date, cutoff_time, window_end, status, reserve_bp, approval_threshold_fen, created_by)
              values ($1, gen_random_uuid(), '2099-01-01', 'T1', '2099-01-02', '23:00', now(), 'open', 0, 0, 'plans') returning id`,
                [T],
              )
            ).rows[0].id;
            p = [T, b, new Date()];
          }
          const res = await c.query(`explain (analyze, summary, format json) ${sql}`, p);
          await c.query('rollback');
          const j = res.rows[0]['QUERY PLAN'][0];
          const rels = new Set();
          let removed = 0;
          (function walk(n) {
            if (n['Relation Name'] && /^(journal_entries|postings)/.test(n['Relation Name'])) rels.add(n['Relation Name']);
            removed += n['Subplans Removed'] ?? 0;
            for (const x of n.Plans ?? []) walk(x);
          })(j.Plan);
          parts = `${rels.size}+${removed}`;
          if (k === 0) coldPlan.push(j['Planning Time']);
          else {
            plan.push(j['Planning Time']);
            exec.push(j['Execution Time']);
          }
        }
        await c.end();
      }
      const med = (a) => {
        const b = [...a].sort((x, y) => x - y);
        return b[Math.floor(b.length / 2)];
      };
      row[label] = { partitions: parts, planNewConn: +med(coldPlan).toFixed(2), plan: +med(plan).toFixed(2), exec: +med(exec).toFixed(2) };
    }
    out.push(row);
    console.log(
      `${name.padEnd(42)} before: ${row.before.partitions} partitions scanned+pruned at start, plan ${row.before.plan} ms (new connection ${row.before.planNewConn}), exec ${row.before.exec} ms | after: ${row.after.partitions} partitions scanned+pruned at start, plan ${row.after.plan} ms (new connection ${row.after.planNewConn}), exec ${row.after.exec} ms`,
    );
  }
}

async function api(T, n) {
  const { CountypayClient } = require(join(root, 'dist/libs/sdk/src/index.js'));
  const state = JSON.parse(readFileSync(join(root, '.local/bench/state.json'), 'utf8'));
  const t = state.tenants.find((x) => x.tenantId === T);
  if (!t) throw new Error(`no bench app for ${T} in .local/bench/state.json`);
  const client = new CountypayClient({ baseUrl: process.env.COUNTYPAY_URL ?? state.baseUrl, appId: t.appId, alg: 'HMAC-SHA256', secret: t.appSecret });
  const ms = [];
  let rows = 0;
  for (let i = 0; i < n + 2; i++) {
    const t0 = process.hrtime.bigint();
    const r = await client.request('GET', '/v1/ledger/entries', { query: { limit: 100 } });
    const d = Number(process.hrtime.bigint() - t0) / 1e6;
    rows = r.data.length;
    if (i >= 2) ms.push(d); // two warm-up calls
  }
  ms.sort((a, b) => a - b);
  const p = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
  console.log(
    `${T}: ${ms.length} calls, ${rows} entries a page: p50 ${p(0.5)} ms, p90 ${p(0.9)} ms, min ${ms[0].toFixed(1)}, max ${ms[ms.length - 1].toFixed(1)}`,
  );
}

const run =
  mode === 'plans'
    ? plans(args[0], args[1], Number(args[2] ?? 9))
    : mode === 'api'
      ? api(args[0], Number(args[1] ?? 20))
      : Promise.reject(new Error('usage: ledger-plans.mjs plans <db> <tenant> [connections] | api <tenant> [calls]'));
run.catch((e) => {
  console.error(e);
  process.exit(1);
});
