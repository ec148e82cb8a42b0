import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instanceToPlain } from 'class-transformer';
import { ApiError, TenantUpdatedData, TenantUpdatedV1, type TenantConfig } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { inProvinceTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { AuditService } from '../audit/audit.service';
import { actorSeesTenant, auditActor, type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { bindTenant, inScope } from '../common/scope';
import { applyTenantConfigPatch, effectiveTenantConfig } from '../domain/tenant-config';
import { ACTIVITY_TRANSITIONS, transition } from '../domain/state-machine';
import { TenantsRepository, type TenantRow } from './tenants.repository';

export interface TenantView {
  tenantId: string;
  code: string;
  name: string;
  shortName: string;
  nameEn: string;
  kind: string;
  county: string;
  prefecture: string;
  prefectureCode: string;
  province: string;
  timezone: string;
  status: 'active' | 'suspended';
  config: TenantConfig;
  /** true while the tenant has never been configured (the default config applies) */
  defaultConfig: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

@Injectable()
export class TenantsService implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: TenantsRepository,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Announces tenants whose current version was never published (the seeded counties). */
  async onApplicationBootstrap(): Promise<void> {
    const n = await inProvinceTransaction(this.ds, async (em) => {
      const rows = await this.repo.unpublished(em);
      for (const row of rows) {
        await this.publish(em, row);
        await this.repo.markPublished(em, row.tenant_id, row.version);
      }
      return rows.length;
    });
    if (n > 0) {
      this.logger.info({ tenants: n }, 'announced unpublished tenants');
      this.relay.wake();
    }
  }

  async list(actor: Actor, q: { limit?: number; cursor?: string }): Promise<Page<TenantView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const [afterId] = decodeCursor(q.cursor, ['id']) ?? [];
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    const rows = await inScope(this.ds, scope, (em) => this.repo.list(em, { afterId, limit: limit + 1 }));
    return toPage(rows, limit, (r) => [r.tenant_id], view);
  }

  async get(actor: Actor, tenantId: string): Promise<TenantView> {
    if (!actorSeesTenant(actor, tenantId)) throw notFound(tenantId);
    const row = await inScope(this.ds, actor.type === 'province' ? 'province' : { tenantId }, (em) => this.repo.find(em, tenantId));
    if (!row) throw notFound(tenantId);
    return view(row);
  }

  /** For the gateway: is the tenant open for business? */
  async status(tenantId: string): Promise<{ tenantId: string; status: 'active' | 'suspended'; version: number }> {
    const row = await inProvinceTransaction(this.ds, (em) => this.repo.find(em, tenantId));
    if (!row) throw notFound(tenantId);
    return { tenantId: row.tenant_id, status: row.status, version: row.version };
  }

  async patchConfig(actor: Actor, tenantId: string, patch: unknown, requestId?: string): Promise<TenantView> {
    return this.change(actor, tenantId, 'tenant.config_updated', requestId, (row) => ({
      config: instanceToPlain(applyTenantConfigPatch(effectiveTenantConfig(row.config), patch)),
    }));
  }

  async setStatus(actor: Actor, tenantId: string, action: 'suspend' | 'resume', requestId?: string): Promise<TenantView> {
    return this.change(actor, tenantId, action === 'suspend' ? 'tenant.suspended' : 'tenant.resumed', requestId, (row) => ({
      status: transition(ACTIVITY_TRANSITIONS, 'tenant', row.status, action),
    }));
  }

  /** One change: lock, apply, version+1, audit and TenantUpdatedV1 in one transaction. */
  private async change(
    actor: Actor,
    tenantId: string,
    action: string,
    requestId: string | undefined,
    apply: (row: TenantRow) => { status?: 'active' | 'suspended'; config?: object },
  ): Promise<TenantView> {
    const after = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, tenantId, true);
      if (!before) throw notFound(tenantId);
      const updated = await this.repo.update(em, tenantId, apply(before));
      await this.publish(em, updated);
      await this.audit.record(em, { tenantId, ...auditActor(actor), action, entity: 'tenant', entityId: tenantId, before: auditView(before), after: auditView(updated), requestId });
      return updated;
    });
    this.relay.wake();
    return view(after);
  }

  private async publish(em: EntityManager, row: TenantRow): Promise<void> {
    await bindTenant(em, row.tenant_id);
    const data = Object.assign(new TenantUpdatedData(), { tenantId: row.tenant_id, name: row.name, status: row.status, config: effectiveTenantConfig(row.config), version: row.version });
    await addToOutbox(em, TenantUpdatedV1, data, { tenantId: row.tenant_id });
  }
}

function notFound(tenantId: string): ApiError {
  return new ApiError('not_found', `tenant ${tenantId} does not exist`, 'tenantId');
}

function auditView(r: TenantRow): object {
  return { status: r.status, config: r.config, version: r.version };
}

function view(r: TenantRow): TenantView {
  return {
    tenantId: r.tenant_id,
    code: r.code,
    name: r.name,
    shortName: r.short_name,
    nameEn: r.name_en,
    kind: r.kind,
    county: r.county,
    prefecture: r.prefecture,
    prefectureCode: r.prefecture_code,
    province: r.province,
    timezone: r.timezone,
    status: r.status,
    config: instanceToPlain(effectiveTenantConfig(r.config)) as TenantConfig,
    defaultConfig: Object.keys(r.config).length === 0,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
