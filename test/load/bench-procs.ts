// Who burns the CPU during `npm run bench`: the platform's services (their pids from the run file
// `npm start` writes), the Kafka broker's JVM, every PostgreSQL process, and the bench itself —
// read from /proc (utime + stime, in clock ticks) before and after a phase.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseContextSwitches, parseMachineStat, parseProcStat, postgresBackendDatabase, type ProcStat } from './bench-math';

export interface PlatformApp {
  url: string;
  pid: number;
}

export interface Platform {
  runFile: string;
  /** service name → where it listens and its pid */
  apps: Record<string, PlatformApp>;
  /** the platform's database (PostgreSQL backends of other databases are someone else's load) */
  database: string;
}

/** milliseconds per clock tick (`getconf CLK_TCK`, usually 100 ticks per second) */
export const MS_PER_TICK = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const hz = Number(r.stdout?.trim());
  return 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
})();

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function procStat(pid: number): ProcStat | undefined {
  const t = readText(`/proc/${pid}/stat`);
  return t === undefined ? undefined : parseProcStat(t);
}

/** Context switches of every thread of the process (a process that sleeps without work barely has any). */
function contextSwitches(pid: number): number {
  let n = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    const s = readText(`/proc/${pid}/task/${tid}/status`);
    if (s) n += parseContextSwitches(s);
  }
  return n;
}

function runFiles(localDir: string): string[] {
  const files = [join(localDir, 'run', 'apps.json')];
  try {
    for (const d of readdirSync(localDir)) if (/^e2e-\d+$/.test(d)) files.push(join(localDir, d, 'run', 'apps.json'));
  } catch {
    // no .local yet
  }
  return files.filter((f) => existsSync(f));
}

function readRunFile(file: string): Record<string, PlatformApp> | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { apps: Record<string, PlatformApp> }).apps;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}/stat`);
}

/**
 * The platform whose gateway is `baseUrl`, from the run files of `npm start` (`.local/run/apps.json`)
 * and of the e2e platforms (`.local/e2e-<port>/run/apps.json`); BENCH_RUN_FILE names one directly.
 * Also answers the other platforms running on this machine (they share its CPU, PostgreSQL and Kafka).
 */
export function findPlatform(localDir: string, baseUrl: string, runFileOverride?: string): { platform?: Platform; others: string[] } {
  const origin = new URL(baseUrl).origin;
  const candidates = runFileOverride ? [runFileOverride] : runFiles(localDir);
  let platform: Platform | undefined;
  const others: string[] = [];
  for (const file of candidates) {
    const apps = readRunFile(file);
    if (!apps?.gateway) continue;
    if (!platform && new URL(apps.gateway.url).origin === origin) {
      const e2e = /e2e-(\d+)[/\\]run[/\\]apps\.json$/.exec(file);
      platform = { runFile: file, apps, database: e2e ? `countypay_e2e_${e2e[1]}` : (process.env.COUNTYPAY_DB_NAME ?? 'countypay') };
    }
  }
  for (const file of runFiles(localDir)) {
    if (file === platform?.runFile) continue;
    const apps = readRunFile(file);
    const alive = Object.values(apps ?? {}).filter((a) => pidAlive(a.pid)).length;
    if (alive > 0) others.push(`${file.slice(localDir.length + 1)} (${alive} apps alive)`);
  }
  return { platform, others };
}

/** The Kafka broker's JVM: the pid file of the local broker, else a process running kafka.Kafka. */
export function findKafkaPid(localDir: string): number | undefined {
  const fromFile = Number(readText(join(localDir, 'kafka', 'broker.pid'))?.trim());
  if (fromFile && pidAlive(fromFile)) return fromFile;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = readText(`/proc/${d}/cmdline`);
    if (cmd?.includes('\0kafka.Kafka\0')) return Number(d);
  }
  return undefined;
}

export interface CpuReading {
  /** ticks of utime + stime (for PostgreSQL: of every postgres process, plus the backends that ended meanwhile) */
  ticks: number;
  ctxSwitches: number;
  /** for a group of processes (PostgreSQL): context switches by process (pid@starttime), so processes that end or start between readings do not count */
  ctxByProcess?: Map<string, number>;
  /** identifies the process (pid + start time): a restart between readings makes the difference meaningless */
  identity: string;
  processes: number;
}

export interface CpuSnapshot {
  at: number;
  readings: Map<string, CpuReading>;
  /** PostgreSQL ticks of each backend connected to another database than the platform's (other people's load), by pid@starttime */
  postgresOtherDb: Map<string, number>;
  machine: { busy: number; total: number };
}

export interface Watched {
  /** label → pid, in table order */
  pids: Array<[string, number]>;
  kafkaPid?: number;
  /** the platform's database, to tell its PostgreSQL backends from other databases' */
  database?: string;
}

function postgresReading(database: string | undefined): { reading: CpuReading; otherDb: Map<string, number> } {
  let ticks = 0;
  const ctxByProcess = new Map<string, number>();
  const otherDb = new Map<string, number>();
  const stats: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const t = readText(`/proc/${d}/stat`);
    if (!t || !t.includes('(postgres)')) continue;
    const s = parseProcStat(t);
    if (s.comm === 'postgres') stats.push(s);
  }
  const pids = new Set(stats.map((s) => s.pid));
  const identity: string[] = [];
  for (const s of stats) {
    const key = `${s.pid}@${s.starttime}`;
    ticks += s.utime + s.stime;
    ctxByProcess.set(key, contextSwitches(s.pid));
    // the postmaster (its parent is not a postgres process) has waited for every backend that ended: their CPU is its children's
    if (!pids.has(s.ppid)) {
      ticks += s.cutime + s.cstime;
      identity.push(key);
    } else if (database) {
      const db = postgresBackendDatabase(readText(`/proc/${s.pid}/cmdline`) ?? '');
      if (db !== undefined && db !== database) otherDb.set(key, s.utime + s.stime);
    }
  }
  const ctxSwitches = [...ctxByProcess.values()].reduce((a, b) => a + b, 0);
  return { reading: { ticks, ctxSwitches, ctxByProcess, identity: identity.sort().join(','), processes: stats.length }, otherDb };
}

function processReading(pid: number): CpuReading | undefined {
  const s = procStat(pid);
  if (!s) return undefined;
  return { ticks: s.utime + s.stime, ctxSwitches: contextSwitches(pid), identity: `${pid}@${s.starttime}`, processes: 1 };
}

export function cpuSnapshot(w: Watched): CpuSnapshot {
  const readings = new Map<string, CpuReading>();
  for (const [label, pid] of w.pids) {
    const r = processReading(pid);
    if (r) readings.set(label, r);
  }
  if (w.kafkaPid) {
    const r = processReading(w.kafkaPid);
    if (r) readings.set('kafka', r);
  }
  const pg = postgresReading(w.database);
  if (pg.reading.processes > 0) readings.set('postgres', pg.reading);
  const self = processReading(process.pid);
  if (self) readings.set('bench', self);
  return { at: performance.now(), readings, postgresOtherDb: pg.otherDb, machine: parseMachineStat(readFileSync('/proc/stat', 'utf8')) };
}

export interface CpuRow {
  label: string;
  /** CPU milliseconds used between the snapshots */
  ms: number;
  ctxSwitches: number;
  processes: number;
  /** restarted (or vanished) between the snapshots */
  unreliable: boolean;
}

export interface CpuDelta {
  seconds: number;
  rows: CpuRow[];
  postgresOtherDbMs: number;
  /** all CPUs of the machine: busy milliseconds and the share of all its CPU time */
  machineBusyMs: number;
  machineBusyShare: number;
}

/** The growth of the values present in both maps (processes alive at both readings). */
function commonDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): number {
  let d = 0;
  for (const [key, v] of after) {
    const b = before.get(key);
    // a counter never goes down: a smaller reading is a process that ended while it was read (0)
    if (b !== undefined && v >= b) d += v - b;
  }
  return d;
}

export function cpuDelta(before: CpuSnapshot, after: CpuSnapshot): CpuDelta {
  const rows: CpuRow[] = [];
  for (const [label, a] of after.readings) {
    const b = before.readings.get(label);
    const unreliable = !b || b.identity !== a.identity;
    rows.push({
      label,
      ms: b ? Math.max(0, (a.ticks - b.ticks) * MS_PER_TICK) : NaN,
      ctxSwitches: !b ? NaN : a.ctxByProcess && b.ctxByProcess ? commonDelta(b.ctxByProcess, a.ctxByProcess) : a.ctxSwitches - b.ctxSwitches,
      processes: a.processes,
      unreliable,
    });
  }
  for (const label of before.readings.keys()) if (!after.readings.has(label)) rows.push({ label, ms: NaN, ctxSwitches: NaN, processes: 0, unreliable: true });
  const busy = after.machine.busy - before.machine.busy;
  const total = after.machine.total - before.machine.total;
  return {
    seconds: (after.at - before.at) / 1000,
    rows,
    // a backend that started meanwhile counts whole; one that ended is lost (its CPU went to the postmaster's children)
    postgresOtherDbMs: [...after.postgresOtherDb].reduce((sum, [key, t]) => sum + (t - (before.postgresOtherDb.get(key) ?? 0)), 0) * MS_PER_TICK,
    machineBusyMs: busy * MS_PER_TICK,
    machineBusyShare: total > 0 ? busy / total : NaN,
  };
}

export function rowMs(d: CpuDelta, label: string): number {
  return d.rows.find((r) => r.label === label)?.ms ?? NaN;
}

/** CPU of the platform: services, Kafka and PostgreSQL (not the bench). */
export function platformMs(d: CpuDelta): number {
  return d.rows.filter((r) => r.label !== 'bench' && !Number.isNaN(r.ms)).reduce((a, r) => a + r.ms, 0);
}

/**
 * A window's CPU as shares of the whole machine (`cpuCount` CPUs): the platform's processes, less
 * other databases' PostgreSQL backends, and everything else but the bench — another session's
 * build, a second platform, the kernel — so that a slow window that lines up with someone else's
 * load says so in the bench's progress lines.
 */
export function machineShares(d: CpuDelta, cpuCount: number): { platform: number; others: number } {
  const capacity = d.seconds * 1000 * cpuCount;
  if (!(capacity > 0)) return { platform: NaN, others: NaN };
  const platform = platformMs(d) - d.postgresOtherDbMs;
  const others = d.machineBusyMs - platform - (rowMs(d, 'bench') || 0);
  return { platform: platform / capacity, others: Math.max(0, others) / capacity };
}

/** The machine's busy share since `since` (for progress lines). */
export function machineBusySince(since: { busy: number; total: number }): { share: number; now: { busy: number; total: number } } {
  const now = parseMachineStat(readFileSync('/proc/stat', 'utf8'));
  const total = now.total - since.total;
  return { share: total > 0 ? (now.busy - since.busy) / total : NaN, now };
}

export function machineStat(): { busy: number; total: number } {
  return parseMachineStat(readFileSync('/proc/stat', 'utf8'));
}
