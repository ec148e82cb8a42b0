import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { updatedRows } from '../common/sql';

export interface OperatorRow {
  operator_id: string;
  role: 'province' | 'county';
  tenant_id: string | null;
  name: string;
  status: 'active' | 'disabled';
  created_at: Date;
}

const COLUMNS = 'operator_id, role, tenant_id, name, status, created_at';

/** Operators are province-level rows: every query runs in the province scope. */
@Injectable()
export class OperatorsRepository {
  async findActiveByTokenHash(em: EntityManager, tokenHash: string): Promise<OperatorRow | undefined> {
    const rows: OperatorRow[] = await em.query(`select ${COLUMNS} from operators where token_hash = $1 and status = 'active'`, [tokenHash]);
    return rows[0];
  }

  async find(em: EntityManager, operatorId: string, forUpdate = false): Promise<OperatorRow | undefined> {
    const rows: OperatorRow[] = await em.query(`select ${COLUMNS} from operators where operator_id = $1${forUpdate ? ' for update' : ''}`, [operatorId]);
    return rows[0];
  }

  async insert(em: EntityManager, o: { operatorId: string; role: 'province' | 'county'; tenantId: string | null; name: string; tokenHash: string }): Promise<OperatorRow> {
    const rows: OperatorRow[] = await em.query(
      `insert into operators (operator_id, role, tenant_id, name, token_hash) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
      [o.operatorId, o.role, o.tenantId, o.name, o.tokenHash],
    );
    return rows[0] as OperatorRow;
  }

  /** The bootstrap province operator: one row, its token hash replaced when the configured token changes. */
  async upsertBootstrap(em: EntityManager, operatorId: string, tokenHash: string): Promise<void> {
    await em.query(
      `insert into operators (operator_id, role, tenant_id, name, token_hash, bootstrap) values ($1, 'province', null, 'bootstrap', $2, true)
       on conflict (bootstrap) where bootstrap
       do update set token_hash = excluded.token_hash, status = 'active', updated_at = now()
       where operators.token_hash is distinct from excluded.token_hash or operators.status <> 'active'`,
      [operatorId, tokenHash],
    );
  }

  async setStatus(em: EntityManager, operatorId: string, status: 'active' | 'disabled'): Promise<OperatorRow> {
    const res: unknown = await em.query(`update operators set status = $2, updated_at = now() where operator_id = $1 returning ${COLUMNS}`, [operatorId, status]);
    return updatedRows<OperatorRow>(res)[0] as OperatorRow;
  }

  async list(em: EntityManager, q: { tenantId?: string; after?: [string, string]; limit: number }): Promise<OperatorRow[]> {
    return em.query(
      `select ${COLUMNS} from operators
        where ($1::text is null or tenant_id = $1)
          and ($2::timestamptz is null or (date_trunc('milliseconds', created_at), operator_id) > ($2::timestamptz, $3::uuid))
        order by date_trunc('milliseconds', created_at), operator_id
        limit $4`,
      [q.tenantId ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
    );
  }

  async tenantExists(em: EntityManager, tenantId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`select 1 from tenants where tenant_id = $1`, [tenantId]);
    return rows.length > 0;
  }
}
