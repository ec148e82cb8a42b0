import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, one, pageQuery, query, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { OperatorRole, OperatorStatus } from './dto/operator.dto';

const OPERATOR = rowOf({
  operatorId: col.uuid(),
  role: col.text<OperatorRole>(),
  tenantId: col.text().nullable(),
  name: col.text(),
  status: col.text<OperatorStatus>(),
  createdAt: col.timestamp(),
});
export type OperatorRecord = RowType<typeof OPERATOR>;

export const OPERATORS_NEWEST_FIRST = new Keyset(
  'operators',
  [
    { sql: 'o.created_at', type: 'timestamp' },
    { sql: 'o.operator_id', type: 'uuid' },
  ],
  'desc',
);

/** Operators are province-level rows: every query runs in the province scope. */
@Injectable()
export class OperatorsRepository {
  findActiveByTokenHash(em: EntityManager, tokenHash: string): Promise<OperatorRecord | undefined> {
    return one(em, OPERATOR, `select ${OPERATOR.columns('o')} from operators o where o.token_hash = $1 and o.status = 'active'`, [tokenHash]);
  }

  find(em: EntityManager, operatorId: string, forUpdate = false): Promise<OperatorRecord | undefined> {
    return one(em, OPERATOR, `select ${OPERATOR.columns('o')} from operators o where o.operator_id = $1${forUpdate ? ' for update' : ''}`, [operatorId]);
  }

  async insert(
    em: EntityManager,
    o: { operatorId: string; role: OperatorRole; tenantId: string | null; name: string; tokenHash: string },
  ): Promise<OperatorRecord> {
    const [row] = await updateReturning(
      em,
      OPERATOR,
      `insert into operators (operator_id, role, tenant_id, name, token_hash) values ($1, $2, $3, $4, $5) returning ${OPERATOR.columns()}`,
      [o.operatorId, o.role, o.tenantId, o.name, o.tokenHash],
    );
    return row!;
  }

  /** The bootstrap province operator: one row, its token hash replaced when the configured token changes. */
  async upsertBootstrap(em: EntityManager, operatorId: string, tokenHash: string): Promise<void> {
    await execute(
      em,
      `insert into operators (operator_id, role, tenant_id, name, token_hash, bootstrap) values ($1, 'province', null, 'bootstrap', $2, true)
       on conflict (bootstrap) where bootstrap
       do update set token_hash = excluded.token_hash, status = 'active', updated_at = now()
       where operators.token_hash is distinct from excluded.token_hash or operators.status <> 'active'`,
      [operatorId, tokenHash],
    );
  }

  /** Sets the status of a row the caller has locked. */
  async setStatus(em: EntityManager, operatorId: string, status: OperatorStatus): Promise<OperatorRecord> {
    const [row] = await updateReturning(
      em,
      OPERATOR,
      `update operators o set status = $2, updated_at = now() where o.operator_id = $1 returning ${OPERATOR.columns('o')}`,
      [operatorId, status],
    );
    return row!;
  }

  list(em: EntityManager, filter: { tenantId?: string }, page: PageRequest): Promise<Page<OperatorRecord>> {
    const where = new Where().add('o.tenant_id = ?', filter.tenantId);
    return pageQuery(em, OPERATOR, { from: 'operators o', where, keyset: OPERATORS_NEWEST_FIRST, page });
  }

  async tenantExists(em: EntityManager, tenantId: string): Promise<boolean> {
    return (await query(em, `select 1 from tenants t where t.tenant_id = $1`, [tenantId])).rows.length > 0;
  }
}
