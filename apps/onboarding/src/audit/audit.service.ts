import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { maskPersonalData } from '@countypay/security';
import { type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { inScope } from '../common/scope';
import { AuditRepository, type AuditEntry, type AuditRow } from './audit.repository';

export interface AuditView {
  id: string;
  tenantId: string | null;
  actorType: string;
  actorId: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
  createdAt: string;
}

/** Who changed what, when: written in the same transaction as every administrative change. */
@Injectable()
export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AuditRepository,
  ) {}

  /** Records a change; personal data in before/after is masked before it is stored. */
  async record(em: EntityManager, entry: AuditEntry): Promise<void> {
    await this.repo.insert(em, { ...entry, before: auditMask(entry.entity, entry.before), after: auditMask(entry.entity, entry.after) });
  }

  async list(actor: Actor, q: { entity?: string; entityId?: string; limit?: number; cursor?: string }): Promise<Page<AuditView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const [beforeSeq] = decodeCursor(q.cursor, ['seq']) ?? [];
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    const rows = await inScope(this.ds, scope, (em) => this.repo.list(em, { entity: q.entity, entityId: q.entityId, beforeSeq, limit: limit + 1 }));
    return toPage(rows, limit, (r) => [r.seq], view);
  }
}

/** Entities whose `name` is an organisation's or a thing's, not a person's: kept readable. */
const NAMED_THINGS = new Set(['tenant', 'partner', 'app', 'store', 'terminal']);

/** Masks personal data (by field name) in an audit snapshot. */
export function auditMask(entity: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const masked = maskPersonalData(value);
  if (NAMED_THINGS.has(entity) && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string') {
    return { ...(masked as object), name: (value as { name: string }).name };
  }
  return masked;
}

function view(r: AuditRow): AuditView {
  return {
    id: r.seq,
    tenantId: r.tenant_id,
    actorType: r.actor_type,
    actorId: r.actor_id,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
    requestId: r.request_id,
    createdAt: r.created_at.toISOString(),
  };
}
