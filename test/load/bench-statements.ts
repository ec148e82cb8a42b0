// Database work per payment, from PostgreSQL's own statistics: how many statements and
// transactions each service (each has its own role) runs per successful payment, and their
// execution time. Unlike CPU and latency these counts do not depend on what else the machine does,
// so they are the bench's most stable figure (docs/perf/throughput.md, "How to measure").
//
// Needs the pg_stat_statements module loaded (`shared_preload_libraries = 'pg_stat_statements'`,
// a PostgreSQL restart); without it the bench says how to enable it and goes on. The bench diffs two
// snapshots of the view and never resets it (others' counters stay as they are).
import pg from 'pg';

export interface StatementRow {
  role: string;
  query: string;
  calls: number;
  execMs: number;
}

export interface StatementSnapshot {
  /** keyed by role and query id */
  rows: Map<string, StatementRow>;
  /** transactions committed in the whole database (pg_stat_database.xact_commit) */
  commits: number;
}

/** undefined when pg_stat_statements can be read; else why not, as one line for the operator. */
export async function statementStatsUnavailable(adminUrl: string): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: adminUrl });
  try {
    await c.connect();
    const libs = (await c.query<{ s: string }>(`select current_setting('shared_preload_libraries') as s`)).rows[0]!.s;
    if (!/\bpg_stat_statements\b/.test(libs))
      return `pg_stat_statements is not loaded (shared_preload_libraries = '${libs}'): ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', restart PostgreSQL`;
    await c.query('create extension if not exists pg_stat_statements');
    return undefined;
  } catch (err) {
    return `pg_stat_statements cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function statementSnapshot(adminUrl: string, database: string): Promise<StatementSnapshot> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ key: string; role: string; query: string; calls: string; exec_ms: number }>(
      `select s.userid::text || ':' || s.queryid::text as key, r.rolname as role, s.query, s.calls::text as calls, s.total_exec_time as exec_ms
         from pg_stat_statements s join pg_roles r on r.oid = s.userid
        where s.dbid = (select oid from pg_database where datname = $1)`,
      [database],
    );
    const commits = (await c.query<{ n: string }>(`select xact_commit::text as n from pg_stat_database where datname = $1`, [database])).rows[0]?.n;
    return {
      rows: new Map(rows.map((r) => [r.key, { role: r.role, query: r.query, calls: Number(r.calls), execMs: r.exec_ms }])),
      commits: Number(commits ?? 0),
    };
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface RoleWork {
  role: string;
  /** every statement, `begin`/`commit`/`set_config` included (each is work for the server) */
  statements: number;
  /** `commit`s: the role's transactions */
  transactions: number;
  execMs: number;
}

export interface StatementWork {
  payments: number;
  roles: RoleWork[];
  total: RoleWork;
  /** the whole database's commits (pollers of idle services and the bench's own reads included) */
  databaseCommits: number;
  /** the statements with the most execution time, per payment */
  top: Array<StatementRow & { callsPerPayment: number; execMsPerPayment: number }>;
}

const isCommit = (q: string): boolean => /^\s*(commit|end)\s*;?\s*$/i.test(q);

/** The work between two snapshots, per payment. A statement evicted meanwhile counts from zero. */
export function statementWork(before: StatementSnapshot, after: StatementSnapshot, payments: number, topN = 8): StatementWork {
  const n = Math.max(payments, 1);
  const byRole = new Map<string, RoleWork>();
  const diffs: StatementRow[] = [];
  for (const [key, a] of after.rows) {
    const b = before.rows.get(key);
    const calls = a.calls - (b && b.calls <= a.calls ? b.calls : 0);
    const execMs = a.execMs - (b && b.calls <= a.calls ? b.execMs : 0);
    if (calls <= 0) continue;
    diffs.push({ role: a.role, query: a.query, calls, execMs });
    const r = byRole.get(a.role) ?? { role: a.role, statements: 0, transactions: 0, execMs: 0 };
    r.statements += calls;
    if (isCommit(a.query)) r.transactions += calls;
    r.execMs += execMs;
    byRole.set(a.role, r);
  }
  const per = (r: RoleWork): RoleWork => ({ role: r.role, statements: r.statements / n, transactions: r.transactions / n, execMs: r.execMs / n });
  const roles = [...byRole.values()].map(per).sort((x, y) => y.statements - x.statements);
  const total = roles.reduce(
    (t, r) => ({ role: 'total', statements: t.statements + r.statements, transactions: t.transactions + r.transactions, execMs: t.execMs + r.execMs }),
    { role: 'total', statements: 0, transactions: 0, execMs: 0 },
  );
  const top = diffs
    .sort((x, y) => y.execMs - x.execMs)
    .slice(0, topN)
    .map((d) => ({ ...d, callsPerPayment: d.calls / n, execMsPerPayment: d.execMs / n }));
  return { payments, roles, total, databaseCommits: (after.commits - before.commits) / n, top };
}

const pad = (s: string, w: number): string => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number): string => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

/** The table the bench prints. */
export function statementLines(w: StatementWork): string[] {
  const row = (r: RoleWork): string =>
    `  ${pad(r.role, 28)}${lpad(r.statements.toFixed(1), 12)}${lpad(r.transactions.toFixed(2), 14)}${lpad(r.execMs.toFixed(2), 10)}`;
  const oneLine = (q: string): string => {
    const s = q.replace(/\s+/g, ' ').trim();
    return s.length > 110 ? `${s.slice(0, 109)}…` : s;
  };
  return [
    `  ${pad('role (one per service)', 28)}${lpad('statements', 12)}${lpad('transactions', 14)}${lpad('exec ms', 10)}`,
    ...w.roles.map(row),
    row(w.total),
    `  commits of the whole database: ${w.databaseCommits.toFixed(2)} per payment`,
    `  most execution time per payment (ms · calls per payment · role · statement):`,
    ...w.top.map((t) => `    ${lpad(t.execMsPerPayment.toFixed(2), 6)} · ${lpad(t.callsPerPayment.toFixed(2), 5)} · ${t.role} · ${oneLine(t.query)}`),
  ];
}
