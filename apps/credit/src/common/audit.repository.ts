import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { auditActor, type Actor } from '@countypay/service-kit';
import { col, execute, many, rowOf, type RowType } from '@countypay/persistence';

const AUDIT = rowOf({
  actorType: col.text(),
  actorId: col.text(),
  action: col.text(),
  subjectId: col.uuid(),
  detail: col.json<Record<string, unknown>>(),
  at: col.timestamp(),
});
export type AuditRecord = RowType<typeof AUDIT>;

/** The audit trail of operator decisions (products, settings, approvals), written in the decision's transaction. */
@Injectable()
export class AuditRepository {
  async record(em: EntityManager, tenantId: string, actor: Actor, action: string, subjectId: string, detail: Record<string, unknown>): Promise<void> {
    const a = auditActor(actor);
    await execute(em, `insert into credit_audit (id, tenant_id, actor_type, actor_id, action, subject_id, detail) values ($1, $2, $3, $4, $5, $6, $7)`, [
      randomUUID(),
      tenantId,
      a.actorType,
      a.actorId,
      action,
      subjectId,
      JSON.stringify(detail),
    ]);
  }

  of(em: EntityManager, subjectId: string): Promise<AuditRecord[]> {
    return many(em, AUDIT, `select ${AUDIT.columns('a')} from credit_audit a where a.subject_id = $1 order by a.at, a.id`, [subjectId]);
  }
}
