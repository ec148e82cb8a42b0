import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, inProvinceTransaction } from '@countypay/persistence';

/** Deletes expired request state of every tenant (province scope, the only cross-tenant access). */
@Injectable()
export class PurgeRepository {
  constructor(private readonly ds: DataSource) {}

  async purgeExpired(): Promise<{ nonces: number; idempotencyKeys: number; windows: number }> {
    return inProvinceTransaction(this.ds, async (em) => {
      return {
        nonces: await execute(em, `delete from request_nonces where expires_at < now()`),
        idempotencyKeys: await execute(em, `delete from idempotency_keys where expires_at < now()`),
        windows: await execute(em, `delete from rate_limit_windows where window_start < now() - interval '5 minutes'`),
      };
    });
  }
}
