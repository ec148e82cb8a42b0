import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, inTenantTransaction } from '@countypay/persistence';

/**
 * Remembered nonces live this long: longer than the ±300 s timestamp window on both sides,
 * so a request cannot be replayed while its timestamp is still accepted (docs/signing.md says 15 minutes; a test checks).
 */
export const NONCE_TTL_SECONDS = 15 * 60;

/**
 * The anti-replay store, in PostgreSQL so it survives restarts and is shared by every gateway
 * instance: the primary key `(tenant_id, app_id, nonce)` decides, atomically, which request
 * used a nonce first.
 */
@Injectable()
export class NonceRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Records a nonce; false when it was already used and is still remembered. A row that
   * expired but is not purged yet is taken over.
   */
  async remember(tenantId: string, appId: string, nonce: string, ttlSeconds = NONCE_TTL_SECONDS): Promise<boolean> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const taken = await execute(
        em,
        `insert into request_nonces (tenant_id, app_id, nonce, expires_at)
         values ($1, $2, $3, now() + make_interval(secs => $4))
         on conflict (tenant_id, app_id, nonce) do update set expires_at = excluded.expires_at
           where request_nonces.expires_at < now()`,
        [tenantId, appId, nonce, ttlSeconds],
      );
      return taken === 1;
    });
  }
}
