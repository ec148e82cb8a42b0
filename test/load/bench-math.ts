// The arithmetic of `npm run bench`, kept pure so its unit spec can check it without a platform:
// a seeded PRNG and a Zipf sampler (which county pays), percentiles of latencies, quantiles of a
// Prometheus histogram's difference, and the parsing of pgbench's output, /proc/<pid>/stat,
// /proc/stat and PostgreSQL backends' process titles.

/** mulberry32: a tiny, fast, seeded PRNG (uniform in [0, 1)); the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Zipf's law over ranks 1…n with exponent `s`: P(rank k) = k^-s / H(n, s). `sample()` answers a
 * 0-based rank (0 is the busiest) by a binary search of the cumulative weights.
 */
export class ZipfSampler {
  /** P(rank k), 0-based */
  readonly weights: readonly number[];
  private readonly cumulative: Float64Array;

  constructor(
    readonly n: number,
    readonly s: number,
    private readonly random: () => number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
    if (!(s >= 0)) throw new RangeError(`s must be ≥ 0, got ${s}`);
    const raw = Array.from({ length: n }, (_, k) => Math.pow(k + 1, -s));
    const h = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / h);
    this.cumulative = new Float64Array(n);
    let acc = 0;
    for (let k = 0; k < n; k++) this.cumulative[k] = acc += this.weights[k]!;
    this.cumulative[n - 1] = 1;
  }

  sample(): number {
    const u = this.random();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** Picks one of `items` by integer weights with `random` (uniform in [0, 1)). */
export function weightedPicker<T>(items: ReadonlyArray<readonly [T, number]>, random: () => number): () => T {
  const total = items.reduce((a, [, w]) => a + w, 0);
  if (!(total > 0)) throw new RangeError('the weights must add up to more than 0');
  const bounds = items.map(([, w]) => w);
  return () => {
    let u = random() * total;
    for (let i = 0; i < items.length; i++) {
      u -= bounds[i]!;
      if (u < 0) return items[i]![0];
    }
    return items[items.length - 1]![0];
  };
}

/** The nearest-rank percentile (`p` in 0–100) of ascending `sorted` values; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  // the rank rounded to 1e-9 first: 99.9 % of 1000 is 999, not 999.0000000000001
  const rank = Math.ceil(Math.round((p / 100) * sorted.length * 1e9) / 1e9);
  const i = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[i]!;
}

export interface LatencyDistribution {
  n: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** share of the values at or under each bound (ms), cumulative */
  within: ReadonlyArray<readonly [number, number]>;
}

export const LATENCY_BOUNDS_MS = [25, 50, 100, 250, 500, 1000, 2500];

/** Percentiles (nearest rank), mean, max and the share within each bound of `LATENCY_BOUNDS_MS`. */
export function latencyDistribution(values: readonly number[]): LatencyDistribution {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (const v of sorted) sum += v;
  const within = LATENCY_BOUNDS_MS.map((b) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! <= b) lo = mid + 1;
      else hi = mid;
    }
    return [b, n ? lo / n : NaN] as const;
  });
  return {
    n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: n ? sorted[n - 1]! : NaN,
    mean: n ? sum / n : NaN,
    within,
  };
}

// ---- Prometheus histograms ---------------------------------------------------------------------

/** Cumulative bucket counts of one histogram (summed over the series whose labels include `labelFilter`), by `le`. */
export function parseHistogram(exposition: string, name: string, labelFilter = ''): Map<string, number> {
  const buckets = new Map<string, number>();
  const prefix = `${name}_bucket{`;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const labels = line.slice(prefix.length, close);
    if (labelFilter && !labels.includes(labelFilter)) continue;
    const le = /(?:^|,)le="([^"]+)"/.exec(labels)?.[1];
    if (le === undefined) continue;
    buckets.set(
      le,
      (buckets.get(le) ?? 0) +
        Number(
          line
            .slice(close + 1)
            .trim()
            .split(' ')[0],
        ),
    );
  }
  return buckets;
}

export interface HistogramDelta {
  count: number;
  /** ascending upper bounds (seconds; the last is Infinity) and the cumulative counts of the difference */
  buckets: ReadonlyArray<readonly [number, number]>;
}

/** The histogram of what happened between two scrapes (`after − before`). */
export function histogramDelta(before: ReadonlyMap<string, number> | undefined, after: ReadonlyMap<string, number>): HistogramDelta {
  const les = [...after.keys()].map((le) => [le, le === '+Inf' ? Infinity : Number(le)] as const).sort((a, b) => a[1] - b[1]);
  const buckets = les.map(([le, bound]) => [bound, (after.get(le) ?? 0) - (before?.get(le) ?? 0)] as const);
  return { count: buckets.length ? buckets[buckets.length - 1]![1] : 0, buckets };
}

/**
 * The q-quantile (0–1) of a histogram difference, interpolated linearly inside its bucket as
 * PromQL's histogram_quantile does, and the bucket's upper bound (what the data can prove).
 */
export function histogramQuantile(h: HistogramDelta, q: number): { value: number; upperBound: number } {
  if (h.count <= 0) return { value: NaN, upperBound: NaN };
  const rank = q * h.count;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of h.buckets) {
    if (count >= rank) {
      if (bound === Infinity) return { value: prevBound, upperBound: Infinity };
      const inBucket = count - prevCount;
      const value = inBucket > 0 ? prevBound + ((bound - prevBound) * (rank - prevCount)) / inBucket : bound;
      return { value, upperBound: bound };
    }
    prevBound = bound;
    prevCount = count;
  }
  return { value: prevBound, upperBound: Infinity };
}

/** The share of the observations at or under `bound` (a bucket bound of the histogram), NaN when unknown. */
export function histogramShareWithin(h: HistogramDelta, bound: number): number {
  const b = h.buckets.find(([le]) => le === bound);
  return b && h.count > 0 ? b[1] / h.count : NaN;
}

// ---- pgbench -----------------------------------------------------------------------------------

export interface PgbenchResult {
  tps: number;
  transactions?: number;
  failed?: number;
  latencyAvgMs?: number;
  clients?: number;
  threads?: number;
  durationS?: number;
  scale?: number;
}

/** Reads pgbench's summary (PostgreSQL 10–17 wordings); throws when it has no tps line. */
export function parsePgbenchOutput(text: string): PgbenchResult {
  const tpsLines = [...text.matchAll(/^tps = ([\d.]+) \(([^)]*)\)/gm)];
  // prefer the figure without connection time (what pgbench ≥ 14 prints; "excluding connections establishing" before)
  const best = tpsLines.find((m) => /without initial connection|excluding connections/.test(m[2]!)) ?? tpsLines[0];
  if (!best) throw new Error(`no "tps = …" line in pgbench's output:\n${text.slice(-500)}`);
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const r: PgbenchResult = { tps: Number(best[1]) };
  const fields: Array<[keyof PgbenchResult, RegExp]> = [
    ['transactions', /^number of transactions actually processed: (\d+)/m],
    ['failed', /^number of failed transactions: (\d+)/m],
    ['latencyAvgMs', /^latency average = ([\d.]+) ms/m],
    ['clients', /^number of clients: (\d+)/m],
    ['threads', /^number of threads: (\d+)/m],
    ['durationS', /^duration: (\d+) s/m],
    ['scale', /^scaling factor: (\d+)/m],
  ];
  for (const [key, re] of fields) {
    const v = num(re);
    if (v !== undefined) (r as unknown as Record<string, number>)[key] = v;
  }
  return r;
}

// ---- /proc -------------------------------------------------------------------------------------

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** clock ticks in user mode / kernel mode (all threads of the process) */
  utime: number;
  stime: number;
  /** ticks of the children the process has waited for */
  cutime: number;
  cstime: number;
  /** start time in ticks since boot: with the pid, identifies the process (pids are reused) */
  starttime: number;
}

/** Parses /proc/<pid>/stat (proc(5)); the command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state); field n is rest[n - 3]
  const f = (n: number): number => Number(rest[n - 3]);
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0]!,
    ppid: f(4),
    utime: f(14),
    stime: f(15),
    cutime: f(16),
    cstime: f(17),
    starttime: f(22),
  };
}

/** The first line of /proc/stat: ticks of all CPUs, busy (everything but idle and iowait) and total. */
export function parseMachineStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no "cpu " line in /proc/stat');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice (guest time is already in user)
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** Voluntary + involuntary context switches from a /proc/<pid>/task/<tid>/status text. */
export function parseContextSwitches(status: string): number {
  const v = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
  const n = /^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status);
  return Number(v?.[1] ?? 0) + Number(n?.[1] ?? 0);
}

/**
 * The database of a PostgreSQL backend from its process title (`postgres: [cluster: ]user db
 * host(port) state`, /proc/<pid>/cmdline); undefined for the server's own processes
 * (checkpointer, walwriter, autovacuum launcher, logical replication launcher…).
 */
export function postgresBackendDatabase(cmdline: string): string | undefined {
  const title = cmdline.replace(/\0+$/, '').replace(/\0/g, ' ');
  const m = /^postgres: (?:[^:\s]+: )?(\S+) (\S+) (\[local\]|\S+\(\d+\)|\d[\d.:a-f]*)(?: |$)/.exec(title);
  return m ? m[2] : undefined;
}

// ---- CPU profiles ------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/**
 * The functions a `.cpuprofile` spent the most self time in (sampled time, by function, file and
 * line), as shares of the profile's busy time (everything but `(idle)`).
 */
export function topSelfTime(
  profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] },
  n: number,
): { busyMs: number; top: Array<{ name: string; ms: number; share: number }> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let busy = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i]!);
    // a sample's time is the delta to the next sample (Chrome DevTools' convention)
    const us = Math.max(0, deltas[i + 1] ?? 0);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url
          .replace(/^file:\/\//, '')
          .replace(/^.*\/node_modules\//, '')
          .replace(/^.*\/dist\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
    busy += us;
  }
  const top = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: busy > 0 ? us / busy : NaN }));
  return { busyMs: busy / 1000, top };
}
