import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, Keyset, pageQuery, rowOf, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { AuditActorType, AuditEntity } from './dto/audit-entry.dto';

export interface NewAuditEntry {
  tenantId: string | null;
  actorType: AuditActorType;
  actorId: string;
  action: string;
  entity: AuditEntity;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId?: string;
}

const AUDIT = rowOf({
  seq: col.bigintText(),
  tenantId: col.text().nullable(),
  actorType: col.text<AuditActorType>(),
  actorId: col.text(),
  action: col.text(),
  entity: col.text<AuditEntity>(),
  entityId: col.text(),
  before: col.json<Record<string, unknown> | null>(),
  after: col.json<Record<string, unknown> | null>(),
  requestId: col.text().nullable(),
  createdAt: col.timestamp(),
});
export type AuditRecord = RowType<typeof AUDIT>;

/** The audit log, newest first: by its bigint sequence (compared as a number, never as text). */
export const AUDIT_NEWEST_FIRST = new Keyset('audit-log', [{ sql: 'a.seq', type: 'bigint' }], 'desc');

@Injectable()
export class AuditRepository {
  async insert(em: EntityManager, e: NewAuditEntry): Promise<void> {
    await execute(
      em,
      `insert into audit_log (tenant_id, actor_type, actor_id, action, entity, entity_id, before, after, request_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        e.tenantId,
        e.actorType,
        e.actorId,
        e.action,
        e.entity,
        e.entityId,
        e.before === undefined ? null : JSON.stringify(e.before),
        e.after === undefined ? null : JSON.stringify(e.after),
        e.requestId ?? null,
      ],
    );
  }

  /** RLS limits it to the transaction's tenant (or all, in the province scope). */
  async list(em: EntityManager, filter: { entity?: AuditEntity; entityId?: string }, page: PageRequest): Promise<Page<AuditRecord>> {
    const where = new Where().add('a.entity = ?', filter.entity).add('a.entity_id = ?', filter.entityId);
    return pageQuery(em, AUDIT, { from: 'audit_log a', where, keyset: AUDIT_NEWEST_FIRST, page });
  }
}
