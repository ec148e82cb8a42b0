import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inProvinceTransaction, type Page } from '@countypay/persistence';
import { auditActor, LOGGER, pageRequest, type Actor } from '@countypay/service-kit';
import type { Logger } from '@countypay/observability';
import { AuditService } from '../audit/audit.service';
import { OnboardingConfig } from '../config/onboarding.config';
import { generateOperatorToken, hashOperatorToken, OPERATOR_TOKEN_PATTERN } from '../domain/operator-token';
import type { CreatedOperator, CreateOperatorRequest, ListOperatorsQuery, Operator, OperatorRole } from './dto/operator.dto';
import { OperatorsRepository, type OperatorRecord } from './operators.repository';

/** What the gateway learns from a bearer token. */
export interface AuthenticatedOperator {
  operatorId: string;
  role: OperatorRole;
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
    return { operatorId: row.operatorId, role: row.role, ...(row.tenantId ? { tenantId: row.tenantId } : {}) };
  }

  /** Creates an operator; its token is in this answer only (only its SHA-256 is stored). */
  async create(actor: Actor, dto: CreateOperatorRequest, requestId?: string): Promise<CreatedOperator> {
    if (dto.role === 'province' && dto.tenantId !== undefined) throw new ApiError('invalid_request', 'a province operator has no tenant', 'tenantId');
    const tenantId = dto.role === 'county' ? (dto.tenantId ?? null) : null;
    const token = generateOperatorToken();
    const row = await inProvinceTransaction(this.ds, async (em) => {
      if (tenantId && !(await this.repo.tenantExists(em, tenantId))) throw new ApiError('not_found', `tenant ${tenantId} does not exist`, 'tenantId');
      const created = await this.repo.insert(em, { operatorId: randomUUID(), role: dto.role, tenantId, name: dto.name, tokenHash: hashOperatorToken(token) });
      await this.audit.record(em, {
        tenantId,
        ...auditActor(actor),
        action: 'operator.created',
        entity: 'operator',
        entityId: created.operatorId,
        before: null,
        after: operatorView(created),
        requestId,
      });
      return created;
    });
    return { ...operatorView(row), token };
  }

  async disable(actor: Actor, operatorId: string, requestId?: string): Promise<Operator> {
    const row = await inProvinceTransaction(this.ds, async (em) => {
      const before = await this.repo.find(em, operatorId, true);
      if (!before) throw new ApiError('not_found', `operator ${operatorId} does not exist`, 'operatorId');
      if (before.status === 'disabled') throw new ApiError('invalid_state_transition', 'the operator is already disabled');
      const after = await this.repo.setStatus(em, operatorId, 'disabled');
      await this.audit.record(em, {
        tenantId: after.tenantId,
        ...auditActor(actor),
        action: 'operator.disabled',
        entity: 'operator',
        entityId: operatorId,
        before: operatorView(before),
        after: operatorView(after),
        requestId,
      });
      return after;
    });
    return operatorView(row);
  }

  async list(q: ListOperatorsQuery): Promise<Page<Operator>> {
    const page = await inProvinceTransaction(this.ds, (em) => this.repo.list(em, { tenantId: q.tenantId }, pageRequest(q)));
    return { data: page.data.map(operatorView), nextCursor: page.nextCursor };
  }
}

function operatorView(r: OperatorRecord): Operator {
  return { operatorId: r.operatorId, role: r.role, tenantId: r.tenantId, name: r.name, status: r.status, createdAt: r.createdAt.toISOString() };
}
