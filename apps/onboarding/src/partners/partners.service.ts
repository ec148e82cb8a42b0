import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError, type PartnerKind } from '@countypay/contracts';
import { OutboxRelay } from '@countypay/messaging';
import { inProvinceTransaction } from '@countypay/persistence';
import { AppsService } from '../apps/apps.service';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { ACTIVITY_TRANSITIONS, transition } from '../domain/state-machine';
import { PartnersRepository, type PartnerRow } from './partners.repository';

export interface PartnerView {
  partnerId: string;
  name: string;
  kind: PartnerKind;
  status: 'active' | 'suspended';
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Partners are province-level (a partner may have apps in many counties). PartnerUpdatedV1 is
 * not published: its envelope needs a tenant and a partner has none. What other services need
 * of a partner — may its apps call? — travels in AppUpdatedV1: when a partner is suspended or
 * resumed, each of its apps is re-announced (status `suspended` while the partner is).
 */
@Injectable()
export class PartnersService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: PartnersRepository,
    private readonly apps: AppsService,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
  ) {}

  async create(actor: Actor, dto: { name: string; kind: PartnerKind }, requestId?: string): Promise<PartnerView> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const created = await this.repo.insert(em, { partnerId: randomUUID(), name: dto.name, kind: dto.kind });
      await this.audit.record(em, { tenantId: null, ...auditActor(actor), action: 'partner.created', entity: 'partner', entityId: created.partner_id, before: null, after: view(created), requestId });
      return created;
    });
    return view(row);
  }

  async get(partnerId: string): Promise<PartnerView> {
    const row = await inProvinceTransaction(this.ds, (em) => this.repo.find(em, partnerId));
    if (!row) throw notFound(partnerId);
    return view(row);
  }

  async list(q: { limit?: number; cursor?: string }): Promise<Page<PartnerView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, ['time', 'uuid']) as [string, string] | undefined;
    const rows = await inProvinceTransaction(this.ds, (em) => this.repo.list(em, { after, limit: limit + 1 }));
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.partner_id], view);
  }

  async setStatus(actor: Actor, partnerId: string, action: 'suspend' | 'resume', requestId?: string): Promise<PartnerView> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, partnerId, true);
      if (!before) throw notFound(partnerId);
      const after = await this.repo.setStatus(em, partnerId, transition(ACTIVITY_TRANSITIONS, 'partner', before.status, action));
      await this.apps.republishPartnerApps(em, partnerId);
      await this.audit.record(em, { tenantId: null, ...auditActor(actor), action: `partner.${action === 'suspend' ? 'suspended' : 'resumed'}`, entity: 'partner', entityId: partnerId, before: view(before), after: view(after), requestId });
      return after;
    });
    this.relay.wake();
    return view(row);
  }
}

function notFound(partnerId: string): ApiError {
  return new ApiError('not_found', `partner ${partnerId} does not exist`, 'partnerId');
}

function view(r: PartnerRow): PartnerView {
  return { partnerId: r.partner_id, name: r.name, kind: r.kind, status: r.status, version: r.version, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString() };
}
