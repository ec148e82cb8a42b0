import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface AuditEntry {
  tenantId: string | null;
  actorType: 'province' | 'county' | 'app' | 'system';
  actorId: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId?: string;
}

export interface AuditRow {
  seq: string;
  tenant_id: string | null;
  actor_type: string;
  actor_id: string;
  action: string;
  entity: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  created_at: Date;
}

@Injectable()
export class AuditRepository {
  async insert(em: EntityManager, e: AuditEntry): Promise<void> {
    await em.query(
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

  /** Newest first; RLS limits it to the transaction's tenant (or all, in the province scope). */
  async list(em: EntityManager, q: { entity?: string; entityId?: string; beforeSeq?: string; limit: number }): Promise<AuditRow[]> {
    return em.query(
      `select seq::text as seq, tenant_id, actor_type, actor_id, action, entity, entity_id, before, after, request_id, created_at
         from audit_log
        where ($1::text is null or entity = $1)
          and ($2::text is null or entity_id = $2)
          and ($3::bigint is null or audit_log.seq < $3::bigint)
        order by audit_log.seq desc
        limit $4`,
      [q.entity ?? null, q.entityId ?? null, q.beforeSeq ?? null, q.limit],
    );
  }
}
