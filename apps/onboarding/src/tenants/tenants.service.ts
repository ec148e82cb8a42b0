import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instanceToPlain } from 'class-transformer';
import { ApiError, TenantUpdatedData, TenantUpdatedV1, type TenantConfig } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { bindTenant, inProvinceTransaction, inScope, type Page } from '@countypay/persistence';
import { actorSeesTenant, auditActor, LOGGER, pageRequest, type Actor, type PageQuery } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { AuditService } from '../audit/audit.service';
import { applyTenantConfigPatch, effectiveTenantConfig } from '../domain/tenant-config';
import { ACTIVITY_TRANSITIONS, transition, type ActivityStatus } from '../domain/state-machine';
import type { Tenant, TenantStatus, UpdateTenantConfigRequest } from './dto/tenant.dto';
import { TenantsRepository, type TenantRecord } from './tenants.repository';

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
        await this.repo.markPublished(em, row.tenantId, row.version);
      }
      return rows.length;
    });
    if (n > 0) {
      this.logger.info({ tenants: n }, 'announced unpublished tenants');
      this.relay.wake();
    }
  }

  /** Province: all 99, by tenant id; a county operator: its own. */
  async list(actor: Actor, q: PageQuery): Promise<Page<Tenant>> {
    const scope = actor.type === 'province' ? 'province' : { tenantId: actor.tenantId };
    const page = await inScope(this.ds, scope, (em) => this.repo.list(em, pageRequest(q)));
    return { data: page.data.map(tenantView), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, tenantId: string): Promise<Tenant> {
    if (!actorSeesTenant(actor, tenantId)) throw notFound(tenantId);
    const row = await inScope(this.ds, actor.type === 'province' ? 'province' : { tenantId }, (em) => this.repo.find(em, tenantId));
    if (!row) throw notFound(tenantId);
    return tenantView(row);
  }

  /** For the gateway: is the tenant open for business? */
  async status(tenantId: string): Promise<TenantStatus> {
    const row = await inProvinceTransaction(this.ds, (em) => this.repo.find(em, tenantId));
    if (!row) throw notFound(tenantId);
    return { tenantId: row.tenantId, status: row.status, version: row.version };
  }

  async updateConfig(actor: Actor, tenantId: string, dto: UpdateTenantConfigRequest, requestId?: string): Promise<Tenant> {
    // the fields given, as plain JSON (nested fee rules, limits and accounts included)
    const patch = Object.fromEntries(Object.entries(instanceToPlain(dto)).filter(([, v]) => v !== undefined));
    return this.change(actor, tenantId, 'tenant.config_updated', requestId, (row) => ({
      config: instanceToPlain(applyTenantConfigPatch(effectiveTenantConfig(row.config), patch)),
    }));
  }

  async setStatus(actor: Actor, tenantId: string, action: 'suspend' | 'resume', requestId?: string): Promise<Tenant> {
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
    apply: (row: TenantRecord) => { status?: ActivityStatus; config?: object },
  ): Promise<Tenant> {
    const after = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, tenantId, true);
      if (!before) throw notFound(tenantId);
      const updated = await this.repo.update(em, tenantId, apply(before));
      await this.publish(em, updated);
      await this.audit.record(em, {
        tenantId,
        ...auditActor(actor),
        action,
        entity: 'tenant',
        entityId: tenantId,
        before: auditView(before),
        after: auditView(updated),
        requestId,
      });
      return updated;
    });
    this.relay.wake();
    return tenantView(after);
  }

  private async publish(em: EntityManager, row: TenantRecord): Promise<void> {
    await bindTenant(em, row.tenantId);
    const data = Object.assign(new TenantUpdatedData(), {
      tenantId: row.tenantId,
      name: row.name,
      status: row.status,
      config: effectiveTenantConfig(row.config),
      version: row.version,
    });
    await addToOutbox(em, TenantUpdatedV1, data, { tenantId: row.tenantId });
  }
}

function notFound(tenantId: string): ApiError {
  return new ApiError('not_found', `tenant ${tenantId} does not exist`, 'tenantId');
}

function auditView(r: TenantRecord): object {
  return { status: r.status, config: r.config, version: r.version };
}

function tenantView(r: TenantRecord): Tenant {
  return {
    tenantId: r.tenantId,
    code: r.code,
    name: r.name,
    shortName: r.shortName,
    nameEn: r.nameEn,
    kind: r.kind,
    county: r.county,
    prefecture: r.prefecture,
    prefectureCode: r.prefectureCode,
    province: r.province,
    timezone: r.timezone,
    status: r.status,
    config: instanceToPlain(effectiveTenantConfig(r.config)) as TenantConfig,
    defaultConfig: Object.keys(r.config).length === 0,
    version: r.version,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
