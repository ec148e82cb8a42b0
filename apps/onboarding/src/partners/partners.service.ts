import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { OutboxRelay } from '@countypay/messaging';
import { inProvinceTransaction, type Page } from '@countypay/persistence';
import { auditActor, pageRequest, type Actor, type PageQuery } from '@countypay/service-kit';
import { AppsService } from '../apps/apps.service';
import { AuditService } from '../audit/audit.service';
import { ACTIVITY_TRANSITIONS, transition } from '../domain/state-machine';
import type { CreatePartnerRequest, Partner } from './dto/partner.dto';
import { PartnersRepository, type PartnerRecord } from './partners.repository';

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

  async create(actor: Actor, dto: CreatePartnerRequest, requestId?: string): Promise<Partner> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const created = await this.repo.insert(em, { partnerId: randomUUID(), name: dto.name, kind: dto.kind });
      await this.audit.record(em, {
        tenantId: null,
        ...auditActor(actor),
        action: 'partner.created',
        entity: 'partner',
        entityId: created.partnerId,
        before: null,
        after: partnerView(created),
        requestId,
      });
      return created;
    });
    return partnerView(row);
  }

  async get(partnerId: string): Promise<Partner> {
    const row = await inProvinceTransaction(this.ds, (em) => this.repo.find(em, partnerId));
    if (!row) throw notFound(partnerId);
    return partnerView(row);
  }

  async list(q: PageQuery): Promise<Page<Partner>> {
    const page = await inProvinceTransaction(this.ds, (em) => this.repo.list(em, pageRequest(q)));
    return { data: page.data.map(partnerView), nextCursor: page.nextCursor };
  }

  async setStatus(actor: Actor, partnerId: string, action: 'suspend' | 'resume', requestId?: string): Promise<Partner> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, partnerId, true);
      if (!before) throw notFound(partnerId);
      const after = await this.repo.setStatus(em, partnerId, transition(ACTIVITY_TRANSITIONS, 'partner', before.status, action));
      await this.apps.republishPartnerApps(em, partnerId);
      await this.audit.record(em, {
        tenantId: null,
        ...auditActor(actor),
        action: `partner.${action === 'suspend' ? 'suspended' : 'resumed'}`,
        entity: 'partner',
        entityId: partnerId,
        before: partnerView(before),
        after: partnerView(after),
        requestId,
      });
      return after;
    });
    this.relay.wake();
    return partnerView(row);
  }
}

function notFound(partnerId: string): ApiError {
  return new ApiError('not_found', `partner ${partnerId} does not exist`, 'partnerId');
}

function partnerView(r: PartnerRecord): Partner {
  return {
    partnerId: r.partnerId,
    name: r.name,
    kind: r.kind,
    status: r.status,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
