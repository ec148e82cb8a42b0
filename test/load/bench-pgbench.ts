// The bench's yardstick: what this machine's PostgreSQL does with pgbench's simple-update
// transaction (`pgbench -N`), measured in the same run, with fsync and synchronous commit checked
// on — the platform's target is a share of it (issue 14: 0.08 × the pgbench tps).
import { spawn } from 'node:child_process';
import pg from 'pg';
import { parsePgbenchOutput, type PgbenchResult } from './bench-math';

export const PGBENCH_DB = 'countypay_pgbench';

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * The admin URL of the PostgreSQL the platform uses, found the way deploy/local/postgres.mjs
 * finds it: DATABASE_URL when set, else a server on 127.0.0.1:5432 (user postgres), else the
 * embedded server (127.0.0.1:54329, or COUNTYPAY_EMBEDDED_PG_PORT). BENCH_PG_URL overrides all.
 */
export async function findPostgres(): Promise<string | undefined> {
  const candidates = [
    process.env.BENCH_PG_URL,
    process.env.DATABASE_URL,
    process.env.COUNTYPAY_FORCE_EMBEDDED_PG === '1' ? undefined : 'postgres://postgres@127.0.0.1:5432/postgres',
    `postgres://postgres:postgres@127.0.0.1:${process.env.COUNTYPAY_EMBEDDED_PG_PORT ?? 54329}/postgres`,
  ].filter((u): u is string => !!u);
  for (const url of candidates) if (await answers(url)) return url;
  return undefined;
}

export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432} (user ${decodeURIComponent(u.username) || 'default'})`;
}

export interface DurabilitySettings {
  fsync: string;
  synchronousCommit: string;
  /** per-database or per-role overrides of either setting (ALTER DATABASE/ROLE … SET) */
  overrides: string[];
  ok: boolean;
  /** not durability, but it shapes the figures: off, dead rows of the hot tables are never cleaned up */
  autovacuum: string;
}

/** fsync and synchronous_commit as the server runs them, and any database/role override that would turn them off for the platform. */
export async function durabilitySettings(adminUrl: string): Promise<DurabilitySettings> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const fsync = (await c.query<{ fsync: string }>('show fsync')).rows[0]!.fsync;
    const synchronousCommit = (await c.query<{ synchronous_commit: string }>('show synchronous_commit')).rows[0]!.synchronous_commit;
    const autovacuum = (await c.query<{ autovacuum: string }>('show autovacuum')).rows[0]!.autovacuum;
    const { rows } = await c.query<{ who: string; setting: string }>(
      `select coalesce(r.rolname, '*') || ' @ ' || coalesce(d.datname, '*') as who, s.setting
         from pg_db_role_setting x
         cross join lateral unnest(x.setconfig) as s(setting)
         left join pg_roles r on r.oid = x.setrole
         left join pg_database d on d.oid = x.setdatabase
        where s.setting ilike 'fsync=%' or s.setting ilike 'synchronous_commit=%'`,
    );
    const overrides = rows.map((r) => `${r.setting} for ${r.who}`);
    // synchronous_commit local / remote_write / remote_apply still wait for the local WAL flush: only off does not
    const offOverride = rows.some((r) => /^(fsync|synchronous_commit)\s*=\s*'?(off|false|no|0)'?$/i.test(r.setting));
    return { fsync, synchronousCommit, overrides, ok: fsync === 'on' && synchronousCommit !== 'off' && !offOverride, autovacuum };
  } finally {
    await c.end();
  }
}

function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username) || 'postgres',
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
    PGAPPNAME: 'countypay-bench-pgbench',
  };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

export interface PgbenchOptions {
  scale: number;
  clients: number;
  threads: number;
  seconds: number;
}

/**
 * Creates a scratch database, `pgbench -i -s <scale>` into it, runs `pgbench -N -c -j -T` and
 * drops the database again (also when anything fails). Throws when pgbench is missing or fails.
 */
export async function runPgbench(adminUrl: string, o: PgbenchOptions, log: (line: string) => void): Promise<PgbenchResult & { initSeconds: number }> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const env = pgEnv(adminUrl);
  try {
    await admin.query(`drop database if exists ${PGBENCH_DB} with (force)`);
    await admin.query(`create database ${PGBENCH_DB}`);
    const t0 = performance.now();
    let init: { code: number; out: string };
    try {
      init = await run('pgbench', ['-i', '-s', String(o.scale), '-q', PGBENCH_DB], env);
    } catch (err) {
      throw new Error(
        `pgbench could not be started (${err instanceof Error ? err.message : String(err)}): install PostgreSQL's client tools (Debian: apt-get install postgresql-client)`,
        { cause: err },
      );
    }
    if (init.code !== 0) throw new Error(`pgbench -i failed:\n${init.out.slice(-1000)}`);
    const initSeconds = (performance.now() - t0) / 1000;
    log(`  pgbench -i -s ${o.scale}: ${initSeconds.toFixed(1)} s; running pgbench -N -c ${o.clients} -j ${o.threads} -T ${o.seconds} …`);
    const r = await run('pgbench', ['-N', '-c', String(o.clients), '-j', String(o.threads), '-T', String(o.seconds), PGBENCH_DB], env);
    if (r.code !== 0) throw new Error(`pgbench -N failed:\n${r.out.slice(-1000)}`);
    return { ...parsePgbenchOutput(r.out), initSeconds };
  } finally {
    await admin.query(`drop database if exists ${PGBENCH_DB} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

/** VACUUM (ANALYZE) of `database` (every schema), as autovacuum would — for a server running without it. */
export async function vacuumAnalyze(adminUrl: string, database: string): Promise<void> {
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(database)}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query('vacuum (analyze)');
  } finally {
    await c.end();
  }
}
