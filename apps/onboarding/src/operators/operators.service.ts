import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inProvinceTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { OnboardingConfig } from '../config/onboarding.config';
import { generateOperatorToken, hashOperatorToken, OPERATOR_TOKEN_PATTERN } from '../domain/operator-token';
import { OperatorsRepository, type OperatorRow } from './operators.repository';

export interface OperatorView {
  operatorId: string;
  role: 'province' | 'county';
  tenantId: string | null;
  name: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface AuthenticatedOperator {
  operatorId: string;
  role: 'province' | 'county';
  tenantId?: string;
}

/** A fixed id for the bootstrap province operator (one row, its token from the environment). */
export const BOOTSTRAP_OPERATOR_ID = '00000000-0000-4000-8000-000000000001';

@Injectable()
export class OperatorsService implements OnApplicationBootstrap {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: OperatorsRepository,
    private readonly audit: AuditService,
    private readonly config: OnboardingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Upserts the bootstrap province operator from COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN, if set. */
  async onApplicationBootstrap(): Promise<void> {
    const token = this.config.COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN;
    if (!token) return;
    await inProvinceTransaction(this.ds, (em) => this.repo.upsertBootstrap(em, BOOTSTRAP_OPERATOR_ID, hashOperatorToken(token)));
    this.logger.info({ operatorId: BOOTSTRAP_OPERATOR_ID }, 'bootstrap province operator ready');
  }

  async authenticate(token: string): Promise<AuthenticatedOperator> {
    const invalid = new ApiError('invalid_operator_token', 'the operator token is not valid');
    if (!OPERATOR_TOKEN_PATTERN.test(token)) throw invalid;
    const row = await inProvinceTransaction(this.ds, (em) => this.repo.findActiveByTokenHash(em, hashOperatorToken(token)));
    if (!row) throw invalid;
    return { operatorId: row.operator_id, role: row.role, ...(row.tenant_id ? { tenantId: row.tenant_id } : {}) };
  }

  /** Creates an operator; its token is in this answer only (only its SHA-256 is stored). */
  async create(actor: Actor, dto: { role: 'province' | 'county'; tenantId?: string; name: string }, requestId?: string): Promise<OperatorView & { token: string }> {
    if (dto.role === 'province' && dto.tenantId !== undefined) throw new ApiError('invalid_request', 'a province operator has no tenant', 'tenantId');
    const tenantId = dto.role === 'county' ? (dto.tenantId ?? null) : null;
    const token = generateOperatorToken();
    const row = await inProvinceTransaction(this.ds, async (em) => {
      if (tenantId && !(await this.repo.tenantExists(em, tenantId))) throw new ApiError('not_found', `tenant ${tenantId} does not exist`, 'tenantId');
      const created = await this.repo.insert(em, { operatorId: randomUUID(), role: dto.role, tenantId, name: dto.name, tokenHash: hashOperatorToken(token) });
      await this.audit.record(em, { tenantId, ...auditActor(actor), action: 'operator.created', entity: 'operator', entityId: created.operator_id, before: null, after: view(created), requestId });
      return created;
    });
    return { ...view(row), token };
  }

  async disable(actor: Actor, operatorId: string, requestId?: string): Promise<OperatorView> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, operatorId, true);
      if (!before) throw new ApiError('not_found', `operator ${operatorId} does not exist`, 'operatorId');
      if (before.status === 'disabled') throw new ApiError('invalid_state_transition', 'the operator is already disabled');
      const after = await this.repo.setStatus(em, operatorId, 'disabled');
      await this.audit.record(em, { tenantId: after.tenant_id, ...auditActor(actor), action: 'operator.disabled', entity: 'operator', entityId: operatorId, before: view(before), after: view(after), requestId });
      return after;
    });
    return view(row);
  }

  async list(q: { tenantId?: string; limit?: number; cursor?: string }): Promise<Page<OperatorView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, ['time', 'uuid']) as [string, string] | undefined;
    const rows = await inProvinceTransaction(this.ds, (em) => this.repo.list(em, { tenantId: q.tenantId, after, limit: limit + 1 }));
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.operator_id], view);
  }
}

function view(r: OperatorRow): OperatorView {
  return { operatorId: r.operator_id, role: r.role, tenantId: r.tenant_id, name: r.name, status: r.status, createdAt: r.created_at.toISOString() };
}
