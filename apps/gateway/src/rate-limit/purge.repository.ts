import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inProvinceTransaction } from '@countypay/persistence';

/** Deletes expired request state of every tenant (province scope, the only cross-tenant access). */
@Injectable()
export class PurgeRepository {
  constructor(private readonly ds: DataSource) {}

  async purgeExpired(): Promise<{ nonces: number; idempotencyKeys: number; windows: number }> {
    return inProvinceTransaction(this.ds, async (em) => {
      const count = async (sql: string): Promise<number> => {
        const rows: unknown[] = await em.query(`with d as (${sql} returning 1) select count(*)::int as n from d`);
        return (rows[0] as { n: number }).n;
      };
      return {
        nonces: await count(`delete from request_nonces where expires_at < now()`),
        idempotencyKeys: await count(`delete from idempotency_keys where expires_at < now()`),
        windows: await count(`delete from rate_limit_windows where window_start < now() - interval '5 minutes'`),
      };
    });
  }
}
