// Small helpers shared by the local infrastructure scripts (plain Node, no build step).
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const localDir = process.env.COUNTYPAY_LOCAL_DIR ?? join(repoRoot, '.local');

export function log(msg) {
  process.stdout.write(`${msg}\n`);
}

export function fail(msg) {
  process.stderr.write(`error: ${msg}\n`);
  process.exit(1);
}

export function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = createConnection({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export function pidAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Prints a dot every couple of seconds while `fn` runs, so a person sees it is alive. */
export async function withProgress(label, fn) {
  process.stdout.write(`${label} `);
  const t = setInterval(() => process.stdout.write('.'), 2000);
  const started = Date.now();
  try {
    const r = await fn();
    process.stdout.write(` ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return r;
  } catch (e) {
    process.stdout.write(' failed\n');
    throw e;
  } finally {
    clearInterval(t);
  }
}
