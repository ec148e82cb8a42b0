/**
 * Today's payments per county for the ops console, pure: the hourly rows the database groups
 * (per county and hour of the day in Beijing time) folded into each county's totals, success
 * rate, latency and a 24-slot series for the charts. Money stays integer fen.
 */
export interface HourRow {
  tenantId: string;
  hour: number;
  orders: number;
  succeeded: number;
  failed: number;
  amountFen: bigint;
  /** sum of (paid − created) over the succeeded orders with a paid time, in ms */
  latencySumMs: number;
  latencyCount: number;
}

export interface HourStats {
  hour: number;
  orders: number;
  succeeded: number;
  amountFen: number;
  /** mean order-to-paid time of the hour's succeeded orders, null when none */
  latencyMsAvg: number | null;
}

export interface CountyStats {
  tenantId: string;
  orders: number;
  succeeded: number;
  failed: number;
  amountFen: number;
  /** succeeded / final (succeeded + failed), 0..1, null before any final order */
  successRate: number | null;
  latencyMsAvg: number | null;
  latencyMsP95: number | null;
  hours: HourStats[];
}

function safeFen(fen: bigint): number {
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('a day of fen beyond 2^53');
  return Number(fen);
}

/** Folds hourly rows into per-county stats, counties in id order; `p95` gives each county's 95th percentile. */
export function foldCountyStats(rows: readonly HourRow[], p95: ReadonlyMap<string, number>): CountyStats[] {
  const byTenant = new Map<string, HourRow[]>();
  for (const r of rows) {
    if (r.hour < 0 || r.hour > 23 || !Number.isInteger(r.hour)) throw new RangeError(`hour ${r.hour} is not 0-23`);
    const list = byTenant.get(r.tenantId) ?? [];
    list.push(r);
    byTenant.set(r.tenantId, list);
  }
  return [...byTenant.keys()].sort().map((tenantId) => {
    const list = byTenant.get(tenantId)!;
    const hours: HourStats[] = Array.from({ length: 24 }, (_, hour) => ({ hour, orders: 0, succeeded: 0, amountFen: 0, latencyMsAvg: null }));
    let orders = 0;
    let succeeded = 0;
    let failed = 0;
    let amount = 0n;
    let latencySum = 0;
    let latencyCount = 0;
    for (const r of list) {
      const h = hours[r.hour]!;
      h.orders += r.orders;
      h.succeeded += r.succeeded;
      h.amountFen = safeFen(BigInt(h.amountFen) + r.amountFen);
      h.latencyMsAvg = r.latencyCount > 0 ? Math.round(r.latencySumMs / r.latencyCount) : h.latencyMsAvg;
      orders += r.orders;
      succeeded += r.succeeded;
      failed += r.failed;
      amount += r.amountFen;
      latencySum += r.latencySumMs;
      latencyCount += r.latencyCount;
    }
    const final = succeeded + failed;
    const p = p95.get(tenantId);
    return {
      tenantId,
      orders,
      succeeded,
      failed,
      amountFen: safeFen(amount),
      successRate: final > 0 ? Math.round((succeeded / final) * 10_000) / 10_000 : null,
      latencyMsAvg: latencyCount > 0 ? Math.round(latencySum / latencyCount) : null,
      latencyMsP95: p === undefined ? null : Math.round(p),
      hours,
    };
  });
}

/** The [start, end) instants of a Beijing-time calendar day ('YYYY-MM-DD'). */
export function beijingDay(day: string): { from: Date; to: Date } {
  const from = new Date(`${day}T00:00:00+08:00`);
  // the round trip refuses what Date accepts and moves (2026-02-30 is not 2026-03-02)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(from.getTime()) || beijingToday(from) !== day) throw new RangeError(`not a day: ${day}`);
  return { from, to: new Date(from.getTime() + 24 * 3600 * 1000) };
}

/** Today in Beijing time, 'YYYY-MM-DD'. */
export function beijingToday(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}
