import {
  ZipfSampler,
  histogramDelta,
  histogramQuantile,
  histogramShareWithin,
  latencyDistribution,
  parseContextSwitches,
  parseHistogram,
  parseMachineStat,
  parsePgbenchOutput,
  parseProcStat,
  percentile,
  postgresBackendDatabase,
  seededRandom,
  topSelfTime,
  weightedPicker,
} from './bench-math';

describe('seededRandom', () => {
  it('repeats its sequence for a seed, differs between seeds, stays in [0, 1) and is roughly uniform', () => {
    const a = seededRandom(14);
    const b = seededRandom(14);
    const c = seededRandom(15);
    const xs = Array.from({ length: 50_000 }, () => a());
    expect(Array.from({ length: 50_000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c())).not.toEqual(xs.slice(0, 10));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const deciles = new Array<number>(10).fill(0);
    for (const x of xs) deciles[Math.floor(x * 10)]!++;
    for (const d of deciles) expect(Math.abs(d / xs.length - 0.1)).toBeLessThan(0.01);
  });
});

describe('ZipfSampler', () => {
  const N = 200_000;
  const draw = (n: number, s: number, seed: number): number[] => {
    const z = new ZipfSampler(n, s, seededRandom(seed));
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < N; i++) counts[z.sample()]!++;
    return counts;
  };

  it('has weights k^-s / H(n, s) that add up to 1', () => {
    const z = new ZipfSampler(99, 1.1, seededRandom(1));
    const h = Array.from({ length: 99 }, (_, k) => Math.pow(k + 1, -1.1)).reduce((a, b) => a + b, 0);
    expect(z.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(z.weights[0]).toBeCloseTo(1 / h, 12);
    expect(z.weights[0]! / z.weights[1]!).toBeCloseTo(Math.pow(2, 1.1), 12);
  });

  it('draws the 99 counties with Zipf frequencies (s = 1.1): a few busy ones, a long tail, every county some', () => {
    const counts = draw(99, 1.1, 14);
    const z = new ZipfSampler(99, 1.1, seededRandom(0));
    // every rank within 4 standard deviations of its expected count (binomial)
    for (let k = 0; k < 99; k++) {
      const p = z.weights[k]!;
      const sd = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(counts[k]! - N * p)).toBeLessThan(4 * sd + 1);
    }
    expect(counts.every((c) => c > 0)).toBe(true);
    // the shape the issue asks for: the busiest county about a fifth, the top 5 about half, the tail thin
    const top1 = counts[0]! / N;
    const top5 = counts.slice(0, 5).reduce((a, b) => a + b, 0) / N;
    expect(top1).toBeGreaterThan(0.18);
    expect(top1).toBeLessThan(0.24);
    expect(top5).toBeGreaterThan(0.45);
    expect(top5).toBeLessThan(0.55);
    expect(counts[98]! / N).toBeLessThan(0.002);
    // monotone (up to noise) from busy to quiet
    expect(counts[0]!).toBeGreaterThan(counts[1]!);
    expect(counts[1]!).toBeGreaterThan(counts[4]!);
    expect(counts[9]!).toBeGreaterThan(counts[49]!);
  });

  it('is deterministic for a seed (runs are comparable) and uniform for s = 0', () => {
    expect(draw(99, 1.1, 7)).toEqual(draw(99, 1.1, 7));
    const flat = draw(10, 0, 3);
    for (const c of flat) expect(Math.abs(c / N - 0.1)).toBeLessThan(0.005);
  });

  it('answers rank 0 for a single county and refuses nonsense', () => {
    const one = new ZipfSampler(1, 1.1, seededRandom(1));
    expect([one.sample(), one.sample()]).toEqual([0, 0]);
    expect(() => new ZipfSampler(0, 1.1, Math.random)).toThrow(RangeError);
    expect(() => new ZipfSampler(3, -1, Math.random)).toThrow(RangeError);
  });
});

describe('weightedPicker', () => {
  it('picks by weight', () => {
    const pick = weightedPicker(
      [
        ['a', 40],
        ['b', 25],
        ['c', 20],
        ['d', 15],
      ] as const,
      seededRandom(2),
    );
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, d: 0 };
    for (let i = 0; i < 100_000; i++) counts[pick()]!++;
    expect(counts.a! / 1e5).toBeCloseTo(0.4, 1);
    expect(counts.b! / 1e5).toBeCloseTo(0.25, 1);
    expect(counts.c! / 1e5).toBeCloseTo(0.2, 1);
    expect(counts.d! / 1e5).toBeCloseTo(0.15, 1);
  });
});

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 99.9)).toBe(100);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises a latency distribution: percentiles, max, mean and the share within each bound', () => {
    const values = [...Array.from({ length: 990 }, () => 10), ...Array.from({ length: 9 }, () => 300), 2000];
    const d = latencyDistribution(values.reverse());
    expect(d).toMatchObject({ n: 1000, p50: 10, p90: 10, p95: 10, p99: 10, p999: 300, max: 2000 });
    expect(d.mean).toBeCloseTo((990 * 10 + 9 * 300 + 2000) / 1000, 9);
    expect(Object.fromEntries(d.within)).toMatchObject({ 25: 0.99, 250: 0.99, 500: 0.999, 1000: 0.999, 2500: 1 });
    expect(latencyDistribution([]).p99).toBeNaN();
  });
});

describe('Prometheus histograms', () => {
  const scrape = (n: [number, number, number, number]): string =>
    [
      '# HELP ledger_posting_delay_seconds Delay',
      '# TYPE ledger_posting_delay_seconds histogram',
      `ledger_posting_delay_seconds_bucket{le="0.1",source_type="payment.succeeded",service="settlement"} ${n[0]}`,
      `ledger_posting_delay_seconds_bucket{le="0.25",source_type="payment.succeeded",service="settlement"} ${n[1]}`,
      `ledger_posting_delay_seconds_bucket{le="0.5",source_type="payment.succeeded",service="settlement"} ${n[2]}`,
      `ledger_posting_delay_seconds_bucket{le="+Inf",source_type="payment.succeeded",service="settlement"} ${n[3]}`,
      `ledger_posting_delay_seconds_bucket{le="0.1",source_type="refund.succeeded",service="settlement"} 999`,
      `ledger_posting_delay_seconds_bucket{le="+Inf",source_type="refund.succeeded",service="settlement"} 999`,
      `ledger_posting_delay_seconds_sum{source_type="payment.succeeded",service="settlement"} 12.5`,
      `ledger_posting_delay_seconds_count{source_type="payment.succeeded",service="settlement"} ${n[3]}`,
    ].join('\n');

  it('parses the buckets of one series and takes the difference of two scrapes', () => {
    const before = parseHistogram(scrape([10, 10, 10, 10]), 'ledger_posting_delay_seconds', 'source_type="payment.succeeded"');
    const after = parseHistogram(scrape([60, 100, 109, 110]), 'ledger_posting_delay_seconds', 'source_type="payment.succeeded"');
    expect(after.get('0.1')).toBe(60);
    expect(after.get('+Inf')).toBe(110);
    const d = histogramDelta(before, after);
    expect(d.count).toBe(100);
    expect(d.buckets).toEqual([
      [0.1, 50],
      [0.25, 90],
      [0.5, 99],
      [Infinity, 100],
    ]);
    // p50 at the top of the first bucket; p90 at the top of the second; p99 at 0.5; p99.5 beyond the last bound
    expect(histogramQuantile(d, 0.5)).toEqual({ value: 0.1, upperBound: 0.1 });
    expect(histogramQuantile(d, 0.7).value).toBeCloseTo(0.1 + 0.15 * (20 / 40), 12);
    expect(histogramQuantile(d, 0.7).upperBound).toBe(0.25);
    expect(histogramQuantile(d, 0.99).upperBound).toBe(0.5);
    expect(histogramQuantile(d, 0.995)).toEqual({ value: 0.5, upperBound: Infinity });
    expect(histogramShareWithin(d, 0.5)).toBeCloseTo(0.99, 12);
    expect(histogramQuantile(histogramDelta(after, after), 0.99).value).toBeNaN();
  });
});

describe('parsePgbenchOutput', () => {
  it('reads PostgreSQL 15 output', () => {
    const out = [
      'pgbench (15.8 (Debian 15.8-0+deb12u1))',
      'starting vacuum...end.',
      'transaction type: <builtin: simple update>',
      'scaling factor: 10',
      'query mode: simple',
      'number of clients: 8',
      'number of threads: 2',
      'maximum number of tries: 1',
      'duration: 15 s',
      'number of transactions actually processed: 93612',
      'number of failed transactions: 0 (0.000%)',
      'latency average = 1.281 ms',
      'initial connection time = 14.263 ms',
      'tps = 6244.371021 (without initial connection time)',
    ].join('\n');
    expect(parsePgbenchOutput(out)).toEqual({
      tps: 6244.371021,
      transactions: 93612,
      failed: 0,
      latencyAvgMs: 1.281,
      clients: 8,
      threads: 2,
      durationS: 15,
      scale: 10,
    });
  });

  it('reads the older wording and prefers the tps without connection time', () => {
    const out = ['number of clients: 8', 'tps = 590.1 (including connections establishing)', 'tps = 600.5 (excluding connections establishing)'].join('\n');
    expect(parsePgbenchOutput(out).tps).toBe(600.5);
  });

  it('refuses output without a tps line', () => {
    expect(() => parsePgbenchOutput('pgbench: error: connection to server failed')).toThrow(/no "tps = …" line/);
  });
});

describe('/proc parsing', () => {
  it('reads utime, stime, the waited-for children and the start time of /proc/<pid>/stat, whatever the command name', () => {
    const line =
      '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1234 567 89 10 20 0 11 0 987654 1100000000 30000 18446744073709551615 1 1 0 0 0 0 0 16781312 17928 0 0 0 17 1 0 0 0 0 0\n';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      comm: 'node (x) y',
      state: 'S',
      ppid: 1,
      utime: 1234,
      stime: 567,
      cutime: 89,
      cstime: 10,
      starttime: 987654,
    });
    expect(() => parseProcStat('garbage')).toThrow();
  });

  it('reads the machine CPU line of /proc/stat (busy = all but idle and iowait)', () => {
    const text = 'cpu  100 5 50 1000 20 3 2 1 0 0\ncpu0 50 2 25 500 10 1 1 0 0 0\nintr 1 2 3\n';
    expect(parseMachineStat(text)).toEqual({ busy: 161, total: 1181 });
  });

  it('reads context switches of a task status', () => {
    expect(parseContextSwitches('Name:\tnode\nvoluntary_ctxt_switches:\t120\nnonvoluntary_ctxt_switches:\t7\n')).toBe(127);
  });

  it('tells a PostgreSQL backend database from the server processes', () => {
    const cmd = (s: string): string => `${s}\0`;
    expect(postgresBackendDatabase(cmd('postgres: 15/main: cp_gateway_app countypay 127.0.0.1(60946) idle'))).toBe('countypay');
    expect(postgresBackendDatabase(cmd('postgres: cp_settlement_app countypay_e2e_4100 127.0.0.1(42156) idle in transaction'))).toBe('countypay_e2e_4100');
    expect(postgresBackendDatabase(cmd('postgres: 15/main: postgres postgres [local] idle'))).toBe('postgres');
    expect(postgresBackendDatabase(cmd('postgres: 15/main: checkpointer '))).toBeUndefined();
    expect(postgresBackendDatabase(cmd('postgres: 15/main: logical replication launcher '))).toBeUndefined();
    expect(postgresBackendDatabase(cmd('postgres: 15/main: autovacuum launcher '))).toBeUndefined();
    expect(postgresBackendDatabase('/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0')).toBeUndefined();
  });
});

describe('topSelfTime', () => {
  it('ranks functions by sampled self time, leaving idle out, with shares of the busy time', () => {
    const frame = (functionName: string, url = '', lineNumber = 0): { functionName: string; url: string; lineNumber: number } => ({
      functionName,
      url,
      lineNumber,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('sign', 'file:///work/main/dist/libs/sdk/src/signing/hmac.js', 9) },
        { id: 4, callFrame: frame('query', 'file:///work/main/node_modules/pg/lib/client.js', 99) },
        { id: 5, callFrame: frame('(garbage collector)') },
      ],
      // each sample's time is the next delta
      samples: [2, 3, 3, 4, 2, 5, 3],
      timeDeltas: [0, 1000, 1000, 1000, 1000, 50_000, 1000],
    };
    const r = topSelfTime(profile, 2);
    expect(r.busyMs).toBeCloseTo((1000 + 1000 + 1000 + 1000) / 1000, 9); // sign 2 ms, query 1 ms, gc 1 ms; idle 50 ms out; the last sample has no next delta
    expect(r.top).toEqual([
      { name: 'sign libs/sdk/src/signing/hmac.js:10', ms: 2, share: 0.5 },
      { name: 'query pg/lib/client.js:100', ms: 1, share: 0.25 },
    ]);
  });
});
