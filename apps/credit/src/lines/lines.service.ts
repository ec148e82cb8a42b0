import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { ApiError, CreditLineChangedV1, CreditLineData, CreditLineOpenedV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { maskName, maskPhone } from '@countypay/security';
import { LOGGER, type Actor } from '@countypay/service-kit';
import { AuditRepository } from '../common/audit.repository';
import { CreditPii } from '../common/pii';
import { ruleError } from '../common/credit-errors';
import { availableFen, checkLimit, sameRegion } from '../domain/credit-rules';
import { applicationTransition, lineTransition, type LineEvent } from '../domain/state-machines';
import { ProductsRepository } from '../products/products.repository';
import { SettingsService } from '../settings/settings.service';
import { consentMessage, CreditSmsClient } from '../sms/credit-sms.client';
import type {
  ApproveApplicationRequest,
  ConsentRequest,
  CreateCreditApplicationRequest,
  CreditApplication,
  CreditLine,
  LineStateRequest,
  RejectApplicationRequest,
} from './dto/lines.dto';
import { LinesRepository, type ApplicationRecord, type LineRecord } from './lines.repository';

const MAX_CONSENT_ATTEMPTS = 5;

/** Who acts on lines: the tenant and, for a partner app, the app (a line belongs to the app its customer applied through). */
export interface LineScope {
  tenantId: string;
  appId: string;
  seesAllApps: boolean;
}

/**
 * Credit line applications (授信申请) and lines: the customer applies through the partner app and
 * consents with the SMS code sent to the bank-reserved mobile; the county operator approves (region
 * and unsecured cap checked) or rejects with a reason; lines freeze, unfreeze and close.
 */
@Injectable()
export class LinesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: LinesRepository,
    private readonly products: ProductsRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditRepository,
    private readonly sms: CreditSmsClient,
    private readonly pii: CreditPii,
    private readonly relay: OutboxRelay,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(scope: LineScope, dto: CreateCreditApplicationRequest): Promise<CreditApplication> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const id = randomUUID();
    const app = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const product = await this.products.findById(em, dto.productId);
      if (!product || product.status !== 'active') throw new ApiError('not_found', `no active credit product ${dto.productId}`, 'productId');
      const s = await this.settings.current(em, scope.tenantId);
      const cap = checkLimit(BigInt(dto.requestedLimitFen), s.unsecuredCapFen);
      if (!cap.ok) throw ruleError({ ...cap, param: 'requestedLimitFen' });
      if (await this.repo.hasOpenLine(em, scope.appId, dto.customerRef))
        throw new ApiError('credit_line_exists', `customer '${dto.customerRef}' already has an open credit line`, 'customerRef');
      return this.repo.insertApplication(em, {
        id,
        tenantId: scope.tenantId,
        appId: scope.appId,
        customerRef: dto.customerRef,
        customerNameMasked: maskName(dto.customerName),
        mobileMasked: maskPhone(dto.mobile),
        region: dto.region,
        repaymentAccountCipher: this.pii.sealAccount(scope.tenantId, dto.repaymentAccountNo),
        productId: dto.productId,
        requestedLimitFen: BigInt(dto.requestedLimitFen),
        consentCodeHash: codeHash(id, code),
      });
    });
    await this.sms.send(scope.tenantId, dto.mobile, consentMessage(code));
    this.logger.info({ applicationId: id }, 'credit application awaiting the customer consent');
    return applicationView(app);
  }

  consent(scope: LineScope, id: string, dto: ConsentRequest): Promise<CreditApplication> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const a = await this.ownApplication(em, scope, id, true);
      if (a.state !== 'awaiting_consent') throw new ApiError('invalid_state_transition', `application ${id} is ${a.state}, not awaiting consent`);
      if (!a.consentExpiresAt || a.consentExpiresAt.getTime() < Date.now() || a.consentAttempts >= MAX_CONSENT_ATTEMPTS)
        throw new ApiError('consent_expired', 'the consent code has expired; apply again');
      if (!a.consentCodeHash || !sameHash(a.consentCodeHash, codeHash(id, dto.smsCode))) {
        await this.repo.countConsentAttempt(em, id);
        throw new ApiError('consent_code_invalid', 'the SMS code is not the one sent', 'smsCode');
      }
      const moved = await this.repo.moveApplication(em, id, 'awaiting_consent', 'pending', { consented: true });
      if (!moved) throw new ApiError('conflict', `application ${id} changed meanwhile`);
      return applicationView(moved);
    });
  }

  getApplication(scope: LineScope, id: string): Promise<CreditApplication> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => applicationView(await this.ownApplication(em, scope, id, false)));
  }

  async approve(actor: Actor, tenantId: string, id: string, dto: ApproveApplicationRequest): Promise<CreditApplication> {
    const out = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const a = await this.repo.findApplication(em, id, { lock: true });
      if (!a) throw new ApiError('not_found', `no credit application ${id}`);
      const t = a.state === 'awaiting_consent' ? undefined : applicationTransition(a.state, 'approve');
      if (!t || !t.ok) throw new ApiError('invalid_state_transition', t && !t.ok ? t.message : `application ${id} has no customer consent yet`);
      if (!sameRegion(a.region, tenantId.slice(1)))
        throw new ApiError('out_of_region', `the customer's registered region ${a.region} is outside the county bank's county ${tenantId.slice(1)}`);
      const s = await this.settings.current(em, tenantId);
      const cap = checkLimit(BigInt(dto.limitFen), s.unsecuredCapFen);
      if (!cap.ok) throw ruleError(cap);
      if (dto.expiresOn <= s.businessDate) throw new ApiError('invalid_request', 'expiresOn must be after the business date', 'expiresOn');
      const line = await this.repo.insertLine(em, {
        id: randomUUID(),
        tenantId,
        appId: a.appId,
        customerRef: a.customerRef,
        region: a.region,
        repaymentAccountCipher: a.repaymentAccountCipher,
        productId: a.productId,
        applicationId: a.id,
        limitFen: BigInt(dto.limitFen),
        expiresOn: dto.expiresOn,
      });
      if (!line) throw new ApiError('credit_line_exists', `customer '${a.customerRef}' already has an open credit line`);
      const moved = await this.repo.moveApplication(em, id, a.state, 'approved', { decidedBy: actor.id, reason: dto.reason, lineId: line.id });
      if (!moved) throw new ApiError('conflict', `application ${id} changed meanwhile`);
      await this.audit.record(em, tenantId, actor, 'application.approve', id, {
        limitFen: dto.limitFen,
        expiresOn: dto.expiresOn,
        reason: dto.reason,
        lineId: line.id,
      });
      await addToOutbox(em, CreditLineOpenedV1, lineData(line), { tenantId });
      return applicationView(moved);
    });
    this.relay.wake();
    return out;
  }

  reject(actor: Actor, tenantId: string, id: string, dto: RejectApplicationRequest): Promise<CreditApplication> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const a = await this.repo.findApplication(em, id, { lock: true });
      if (!a) throw new ApiError('not_found', `no credit application ${id}`);
      const t = a.state === 'awaiting_consent' ? { ok: true as const, state: 'rejected' as const } : applicationTransition(a.state, 'reject');
      if (!t.ok) throw new ApiError('invalid_state_transition', t.message);
      const moved = await this.repo.moveApplication(em, id, a.state, 'rejected', { decidedBy: actor.id, reason: dto.reason });
      if (!moved) throw new ApiError('conflict', `application ${id} changed meanwhile`);
      await this.audit.record(em, tenantId, actor, 'application.reject', id, { reason: dto.reason });
      return applicationView(moved);
    });
  }

  getLine(scope: LineScope, id: string): Promise<CreditLine> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => lineView(await this.ownLine(em, scope, id, false)));
  }

  async changeLine(actor: Actor, tenantId: string, id: string, dto: LineStateRequest): Promise<CreditLine> {
    const out = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const line = await this.repo.findLine(em, id, { lock: true });
      if (!line) throw new ApiError('not_found', `no credit line ${id}`);
      const moved = await this.moveLine(em, line, dto.action, dto.reason);
      await this.audit.record(em, tenantId, actor, `line.${dto.action}`, id, { reason: dto.reason });
      return lineView(moved);
    });
    this.relay.wake();
    return out;
  }

  /** A line state change and its event, in the caller's transaction (the line row locked by the caller). */
  async moveLine(em: EntityManager, line: LineRecord, event: LineEvent, reason: string): Promise<LineRecord> {
    const t = lineTransition(line.state, event);
    if (!t.ok) throw new ApiError('invalid_state_transition', t.message);
    if (t.state === 'closed' && (line.heldFen > 0n || line.drawnFen > 0n))
      throw new ApiError('invalid_state_transition', 'a line with held or drawn credit cannot be closed; repay it first');
    const moved = await this.repo.moveLine(em, line.id, line.state, t.state, reason);
    if (!moved) throw new ApiError('conflict', `credit line ${line.id} changed meanwhile`);
    await addToOutbox(em, CreditLineChangedV1, lineData(moved, reason), { tenantId: line.tenantId });
    return moved;
  }

  async ownLine(em: EntityManager, scope: LineScope, id: string, lock: boolean): Promise<LineRecord> {
    const line = await this.repo.findLine(em, id, { lock });
    if (!line || (!scope.seesAllApps && line.appId !== scope.appId)) throw new ApiError('not_found', `no credit line ${id}`);
    return line;
  }

  private async ownApplication(em: EntityManager, scope: LineScope, id: string, lock: boolean): Promise<ApplicationRecord> {
    const a = await this.repo.findApplication(em, id, { lock });
    if (!a || (!scope.seesAllApps && a.appId !== scope.appId)) throw new ApiError('not_found', `no credit application ${id}`);
    return a;
  }
}

function codeHash(applicationId: string, code: string): string {
  return createHash('sha256').update(`${applicationId}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function lineData(l: LineRecord, reason?: string): CreditLineData {
  return Object.assign(new CreditLineData(), {
    lineId: l.id,
    partnerAppId: l.appId,
    customerRef: l.customerRef,
    limitFen: fenToJson(l.limitFen),
    state: l.state,
    expiresOn: l.expiresOn,
    ...(reason ? { reason } : {}),
    at: l.updatedAt.toISOString(),
  });
}

export function applicationView(a: ApplicationRecord): CreditApplication {
  return {
    id: a.id,
    customerRef: a.customerRef,
    customerNameMasked: a.customerNameMasked,
    mobileMasked: a.mobileMasked,
    region: a.region,
    productId: a.productId,
    requestedLimitFen: fenToJson(a.requestedLimitFen),
    state: a.state,
    decisionReason: a.decisionReason,
    lineId: a.lineId,
    createdAt: a.createdAt.toISOString(),
  };
}

export function lineView(l: LineRecord): CreditLine {
  return {
    id: l.id,
    customerRef: l.customerRef,
    productId: l.productId,
    limitFen: fenToJson(l.limitFen),
    heldFen: fenToJson(l.heldFen),
    drawnFen: fenToJson(l.drawnFen),
    availableFen: fenToJson(availableFen(l.limitFen, l.heldFen, l.drawnFen)),
    state: l.state,
    expiresOn: l.expiresOn,
    stateReason: l.stateReason,
    createdAt: l.createdAt.toISOString(),
  };
}
