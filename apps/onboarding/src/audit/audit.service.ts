import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { inScope, type Page } from '@countypay/persistence';
import { maskPersonalData } from '@countypay/security';
import { pageRequest, type Actor } from '@countypay/service-kit';
import { AuditRepository, type AuditRecord, type NewAuditEntry } from './audit.repository';
import type { AuditEntry, ListAuditEntriesQuery } from './dto/audit-entry.dto';

/** Who changed what, when: written in the same transaction as every administrative change. */
@Injectable()
export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AuditRepository,
  ) {}

  /** Records a change; personal data in before/after is masked before it is stored. */
  async record(em: EntityManager, entry: NewAuditEntry): Promise<void> {
    await this.repo.insert(em, { ...entry, before: auditMask(entry.entity, entry.before), after: auditMask(entry.entity, entry.after) });
  }

  /** Province: every entry; county: its own tenant's. */
  async list(actor: Actor, q: ListAuditEntriesQuery): Promise<Page<AuditEntry>> {
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    const page = await inScope(this.ds, scope, (em) => this.repo.list(em, { entity: q.entity, entityId: q.entityId }, pageRequest(q)));
    return { data: page.data.map(auditEntryView), nextCursor: page.nextCursor };
  }
}

/** Entities whose `name` is an organisation's or a thing's, not a person's: kept readable. */
const NAMED_THINGS = new Set(['tenant', 'partner', 'app', 'store', 'terminal']);

/**
 * Masks personal data (by field name) in an audit snapshot. A merchant's settlement account is
 * masked whole (its field name says it is an account); its type is not personal and is kept.
 */
export function auditMask(entity: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  let masked = maskPersonalData(value) as Record<string, unknown>;
  if (typeof value !== 'object') return masked;
  const original = value as { name?: unknown; settlementAccount?: { accountType?: unknown } };
  if (NAMED_THINGS.has(entity) && typeof original.name === 'string') masked = { ...masked, name: original.name };
  const accountType = original.settlementAccount?.accountType;
  if (typeof accountType === 'string' && typeof masked.settlementAccount === 'object' && masked.settlementAccount !== null) {
    masked = { ...masked, settlementAccount: { ...(masked.settlementAccount as object), accountType } };
  }
  return masked;
}

function auditEntryView(r: AuditRecord): AuditEntry {
  return {
    id: r.seq,
    tenantId: r.tenantId,
    actorType: r.actorType,
    actorId: r.actorId,
    action: r.action,
    entity: r.entity,
    entityId: r.entityId,
    before: r.before,
    after: r.after,
    requestId: r.requestId,
    createdAt: r.createdAt.toISOString(),
  };
}
