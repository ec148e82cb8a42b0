import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { defaultTenantConfig, type EventEnvelope, type TenantUpdatedData } from '@countypay/contracts';
import type { FeeRuleLike } from '../domain/posting-rules';
import { TenantConfigRepository } from './tenant-config.repository';

/** The tenant configuration settlement needs (its fee plan), from `onboarding.tenant-updated`; the default until one arrives. */
@Injectable()
export class TenantConfigService {
  constructor(private readonly repo: TenantConfigRepository) {}

  async onTenantUpdated(event: EventEnvelope<TenantUpdatedData>, em: EntityManager): Promise<void> {
    const d = event.data;
    if (d.tenantId !== event.tenantId) throw new Error(`tenant-updated event ${event.id} names tenant ${d.tenantId} but travels for ${event.tenantId}`);
    await this.repo.upsert(em, { tenantId: d.tenantId, name: d.name, status: d.status, config: d.config, version: d.version, sourceEventId: event.id });
  }

  /** The tenant's fee plan as of now (inside the caller's tenant transaction). */
  async feePlan(em: EntityManager, tenantId: string): Promise<readonly FeeRuleLike[]> {
    const row = await this.repo.find(em, tenantId);
    const plan = (row?.config as { feePlan?: FeeRuleLike[] } | undefined)?.feePlan;
    return Array.isArray(plan) ? plan : defaultTenantConfig().feePlan;
  }
}
