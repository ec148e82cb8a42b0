import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, many, rowOf } from '@countypay/persistence';
import type { HourRow } from './payment-stats';

const HOUR = rowOf({
  tenantId: col.text(),
  hour: col.int(),
  orders: col.int(),
  succeeded: col.int(),
  failed: col.int(),
  amountFen: col.bigint(),
  latencySumMs: col.float(),
  latencyCount: col.int(),
});

const P95 = rowOf({ tenantId: col.text(), p95: col.float() });

/** The day's orders grouped by county and Beijing hour; RLS decides which counties the transaction sees. */
@Injectable()
export class PaymentStatsRepository {
  async hourly(em: EntityManager, from: Date, to: Date): Promise<HourRow[]> {
    return many(
      em,
      HOUR,
      `select o.tenant_id,
              extract(hour from o.created_at at time zone 'Asia/Shanghai')::int as hour,
              count(*)::int as orders,
              (count(*) filter (where o.state = 'succeeded'))::int as succeeded,
              (count(*) filter (where o.state = 'failed'))::int as failed,
              coalesce(sum(o.amount_fen) filter (where o.state = 'succeeded'), 0)::bigint as amount_fen,
              coalesce(sum(extract(epoch from (o.paid_at - o.created_at)) * 1000) filter (where o.state = 'succeeded' and o.paid_at is not null), 0)::float8 as latency_sum_ms,
              (count(*) filter (where o.state = 'succeeded' and o.paid_at is not null))::int as latency_count
         from payment_orders o
        where o.created_at >= $1 and o.created_at < $2
        group by 1, 2`,
      [from, to],
    );
  }

  async p95(em: EntityManager, from: Date, to: Date): Promise<Map<string, number>> {
    const rows = await many(
      em,
      P95,
      `select o.tenant_id,
              (percentile_cont(0.95) within group (order by extract(epoch from (o.paid_at - o.created_at)) * 1000))::float8 as p95
         from payment_orders o
        where o.created_at >= $1 and o.created_at < $2 and o.state = 'succeeded' and o.paid_at is not null
        group by 1`,
      [from, to],
    );
    return new Map(rows.map((r) => [r.tenantId, r.p95]));
  }
}
