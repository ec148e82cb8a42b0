// A local trace server: Zipkin's server (the `exec` jar of io.zipkin:zipkin-server from Maven
// Central, fetched once with Maven into .local/zipkin/jars), in-memory storage, started detached
// on COUNTYPAY_ZIPKIN_PORT (default 9411). Every app exports its spans to it unless an external
// collector is configured (COUNTYPAY_TRACE_EXPORTER set by the user).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fail, hasCommand, localDir, log, pidAlive, portOpen, sleep, withProgress } from './util.mjs';

export const ZIPKIN_VERSION = '3.5.1';
export const ZIPKIN_PORT = Number(process.env.COUNTYPAY_ZIPKIN_PORT ?? 9411);
const dir = join(localDir, 'zipkin');
const jarsDir = join(dir, 'jars', ZIPKIN_VERSION);
const jar = join(jarsDir, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
const pidFile = join(dir, 'zipkin.pid');
export const zipkinLogFile = join(dir, 'logs', 'zipkin.log');

/** The base URL of the local Zipkin (UI under /zipkin, API under /api/v2). */
export const zipkinUrl = (port = ZIPKIN_PORT) => `http://127.0.0.1:${port}`;

async function fetchJar() {
  if (existsSync(jar) && statSync(jar).size > 1_000_000) return;
  if (!hasCommand('mvn')) fail('Maven not found: install Apache Maven (Debian: apt-get install maven)');
  mkdirSync(jarsDir, { recursive: true });
  log(`zipkin: fetching io.zipkin:zipkin-server:${ZIPKIN_VERSION}:exec from Maven Central (first run only, ~130 MB)`);
  const mvn = spawn(
    'mvn',
    ['-B', 'dependency:copy', `-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`, `-DoutputDirectory=${jarsDir}`, '-Dmdep.overWriteReleases=true'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail = [];
  let lastShown = 0;
  for (const stream of [mvn.stdout, mvn.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const done = /Downloaded from \S+: (\S+) \(([^)]+)\)/.exec(line);
      if (done) log(`  ${done[1].split('/').pop()} (${done[2]})`);
      // Maven prints "Progress (1): 12/80 MB" while a big file comes down: show it every ~10 MB
      const progress = /Progress \(\d+\): ([\d.]+)\/([\d.]+) (MB|kB)/.exec(line);
      if (progress && progress[3] === 'MB' && Number(progress[1]) - lastShown >= 10) {
        lastShown = Number(progress[1]);
        log(`  zipkin-server-${ZIPKIN_VERSION}-exec.jar ${progress[1]}/${progress[2]} MB`);
      }
    });
  }
  const code = await new Promise((r) => mvn.on('close', r));
  if (code !== 0 || !existsSync(jar)) {
    process.stderr.write(tail.join('\n') + '\n');
    fail(`zipkin: Maven could not fetch the Zipkin server jar (exit ${code}); see the lines above`);
  }
  log(`zipkin: cached ${jar}`);
}

function readPid() {
  try {
    return Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return 0;
  }
}

async function answers(port) {
  try {
    const res = await fetch(`${zipkinUrl(port)}/health`, { signal: AbortSignal.timeout(2000) });
    return res.status === 200 && /UP/.test(await res.text());
  } catch {
    return false;
  }
}

/** Starts (or reuses) the local Zipkin; returns its base URL. */
export async function zipkinUp() {
  const url = zipkinUrl();
  if (await answers(ZIPKIN_PORT)) {
    const pid = readPid();
    log(`zipkin: already running${pidAlive(pid) ? ` (pid ${pid})` : ''} on ${url}, reusing it`);
    return { url, started: false };
  }
  if (await portOpen(ZIPKIN_PORT)) fail(`zipkin: port ${ZIPKIN_PORT} is taken by something that is not Zipkin; set COUNTYPAY_ZIPKIN_PORT`);
  if (!hasCommand('java')) fail('Java not found: install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)');
  await fetchJar();
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const out = openSync(zipkinLogFile, 'a');
  const child = spawn(
    'java',
    [
      '-Xms64m',
      '-Xmx768m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      '-jar',
      jar,
      `--server.port=${ZIPKIN_PORT}`,
      '--server.address=127.0.0.1',
    ],
    // in-memory storage, bounded to what the heap holds (a bench run of ~70,000 spans exhausted 384 MB
    // with 500,000 allowed: Zipkin then answered every query with `Java heap space`); no self-tracing, no collectors other than HTTP
    { detached: true, stdio: ['ignore', out, out], env: { ...process.env, STORAGE_TYPE: 'mem', MEM_MAX_SPANS: '200000', SELF_TRACING_ENABLED: 'false' } },
  );
  writeFileSync(pidFile, String(child.pid));
  child.unref();
  await withProgress(`zipkin: starting Zipkin ${ZIPKIN_VERSION} (in-memory) on ${url}, pid ${child.pid}`, async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (!pidAlive(child.pid)) fail(`zipkin: the server exited during start; see ${zipkinLogFile}`);
      if (await answers(ZIPKIN_PORT)) return;
      await sleep(500);
    }
    fail(`zipkin: the server did not answer within 120 s; see ${zipkinLogFile}`);
  });
  return { url, started: true };
}

export async function zipkinDown() {
  const pid = readPid();
  if (!pidAlive(pid)) {
    rmSync(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGTERM');
  await withProgress(`zipkin: stopping (pid ${pid})`, async () => {
    const deadline = Date.now() + 30_000;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(300);
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  rmSync(pidFile, { force: true });
}
