import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { col, inTenantTransaction, many, rowOf } from '@countypay/persistence';
import type { WindowCounts } from '../domain/rate-window';

const WINDOW = rowOf({ bucket: col.text(), current: col.int(), previous: col.int() });

/**
 * Rate-limit counters in PostgreSQL, shared by every gateway instance: one statement
 * increments the current one-minute window of each bucket (upsert) and returns it together
 * with the previous window's count (for the sliding estimate, see domain/rate-window.ts).
 */
@Injectable()
export class RateLimitRepository {
  constructor(private readonly ds: DataSource) {}

  async hit(tenantId: string, buckets: readonly string[], windowStartMs: number, windowMs: number): Promise<Map<string, WindowCounts>> {
    const rows = await inTenantTransaction(this.ds, tenantId, (em) =>
      many(
        em,
        WINDOW,
        `with up as (
           insert into rate_limit_windows (tenant_id, bucket, window_start, hits)
           select $1, b, to_timestamp($3::float8 / 1000), 1 from unnest($2::text[]) with ordinality as u(b, n) order by n
           on conflict (tenant_id, bucket, window_start) do update set hits = rate_limit_windows.hits + 1
           returning bucket, hits
         )
         select up.bucket, up.hits::int as current, coalesce(p.hits, 0)::int as previous
           from up left join rate_limit_windows p
             on p.tenant_id = $1 and p.bucket = up.bucket and p.window_start = to_timestamp($4::float8 / 1000)`,
        [tenantId, buckets, windowStartMs, windowStartMs - windowMs],
      ),
    );
    return new Map(rows.map((r) => [r.bucket, { current: r.current, previous: r.previous }]));
  }
}
