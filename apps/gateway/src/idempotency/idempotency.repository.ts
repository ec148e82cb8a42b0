import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { col, execute, inProvinceTransaction, inTenantTransaction, one, rowOf } from '@countypay/persistence';
import type { EntityManager } from 'typeorm';
import { assertTenantId } from '@countypay/tenancy';
import { IDEMPOTENCY_TTL_SECONDS } from '../domain/idempotency-fingerprint';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'replay'; response: StoredResponse } | { outcome: 'mismatch' } | { outcome: 'in_progress' };

/** Scope of a key used by a province operator outside any tenant (province RLS scope). */
export const PROVINCE_SCOPE = 'province';

export interface IdempotencyScope {
  /** the tenant, or PROVINCE_SCOPE for a province operator outside any tenant */
  tenantId: string;
  /** the app id, or the operator id */
  appId: string;
  key: string;
}

const KEY = rowOf({
  fingerprint: col.text(),
  status: col.text<'in_progress' | 'completed'>(),
  responseStatus: col.int().nullable(),
  responseHeaders: col.json<Record<string, string>>().nullable(),
  responseBody: col.bytes().nullable(),
});

/** What a key another request holds means for this request (same fingerprint: replay or wait; another: mismatch). */
export function heldKey(
  row:
    | {
        fingerprint: string;
        status: 'in_progress' | 'completed';
        responseStatus: number | null;
        responseHeaders: Record<string, string> | null;
        responseBody: Buffer | null;
      }
    | undefined,
  fingerprint: string,
): Exclude<ClaimResult, { outcome: 'claimed' }> {
  // gone between the two statements (released by its claimer): the caller may simply retry
  if (!row) return { outcome: 'in_progress' };
  if (row.fingerprint !== fingerprint) return { outcome: 'mismatch' };
  if (row.status === 'in_progress' || row.responseStatus === null) return { outcome: 'in_progress' };
  return { outcome: 'replay', response: { status: row.responseStatus, headers: row.responseHeaders ?? {}, body: row.responseBody ?? Buffer.alloc(0) } };
}

/**
 * Idempotency keys in PostgreSQL, per (tenant, app, key). A request claims its key by
 * inserting an `in_progress` row (the primary key makes exactly one claimer win, across
 * instances); the first response is stored on the row when the upstream answers. A claim
 * whose lock ran out (the instance died mid-request) may be taken over by the same request.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly ds: DataSource) {}

  private inScope<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return tenantId === PROVINCE_SCOPE ? inProvinceTransaction(this.ds, fn) : inTenantTransaction(this.ds, tenantId, fn);
  }

  async claim(scope: IdempotencyScope, fingerprint: string, lockSeconds: number, ttlSeconds = IDEMPOTENCY_TTL_SECONDS): Promise<ClaimResult> {
    return this.inScope(scope.tenantId, async (em) => {
      const claimed = await execute(
        em,
        `insert into idempotency_keys (tenant_id, app_id, idempotency_key, fingerprint, status, locked_until, expires_at)
         values ($1, $2, $3, $4, 'in_progress', now() + make_interval(secs => $5), now() + make_interval(secs => $6))
         on conflict (tenant_id, app_id, idempotency_key) do update set
           fingerprint = excluded.fingerprint, status = 'in_progress', response_status = null, response_headers = null,
           response_body = null, created_at = now(), locked_until = excluded.locked_until, expires_at = excluded.expires_at
         where idempotency_keys.expires_at < now()
            or (idempotency_keys.status = 'in_progress' and idempotency_keys.locked_until < now()
                and idempotency_keys.fingerprint = excluded.fingerprint)`,
        [scope.tenantId, scope.appId, scope.key, fingerprint, lockSeconds, ttlSeconds],
      );
      if (claimed === 1) return { outcome: 'claimed' };
      const row = await one(em, KEY, `select ${KEY.columns()} from idempotency_keys where tenant_id = $1 and app_id = $2 and idempotency_key = $3`, [
        scope.tenantId,
        scope.appId,
        scope.key,
      ]);
      return heldKey(row, fingerprint);
    });
  }

  /**
   * Stores the first response of a claimed key. A tenant's key: one statement, its own transaction
   * (`gateway_idempotency_complete`, migration 1768300000000); a province operator's: a province transaction.
   */
  async complete(scope: IdempotencyScope, fingerprint: string, response: StoredResponse): Promise<void> {
    if (scope.tenantId !== PROVINCE_SCOPE) {
      await execute(this.ds.manager, `select gateway_idempotency_complete($1, $2, $3, $4, $5, $6::jsonb, $7)`, [
        assertTenantId(scope.tenantId),
        scope.appId,
        scope.key,
        fingerprint,
        response.status,
        JSON.stringify(response.headers),
        response.body,
      ]);
      return;
    }
    await this.inScope(scope.tenantId, (em) =>
      execute(
        em,
        `update idempotency_keys set status = 'completed', response_status = $5, response_headers = $6::jsonb, response_body = $7
          where tenant_id = $1 and app_id = $2 and idempotency_key = $3 and fingerprint = $4 and status = 'in_progress'`,
        [scope.tenantId, scope.appId, scope.key, fingerprint, response.status, JSON.stringify(response.headers), response.body],
      ),
    );
  }

  /** Gives a claimed key back (the request never reached the service): a retry runs it again. */
  async release(scope: IdempotencyScope, fingerprint: string): Promise<void> {
    await this.inScope(scope.tenantId, (em) =>
      execute(
        em,
        `delete from idempotency_keys where tenant_id = $1 and app_id = $2 and idempotency_key = $3 and fingerprint = $4 and status = 'in_progress'`,
        [scope.tenantId, scope.appId, scope.key, fingerprint],
      ),
    );
  }
}
