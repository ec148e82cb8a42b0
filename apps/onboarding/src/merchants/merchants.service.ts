import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, MerchantUpdatedData, MerchantUpdatedV1, StoreRef, TerminalRef } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { annotateActiveSpan } from '@countypay/observability';
import { maskCardNumber, maskName, maskPhone, maskResidentId } from '@countypay/security';
import { AuditService } from '../audit/audit.service';
import { auditActor, type Actor } from '../common/actor';
import { DEFAULT_PAGE_SIZE, decodeCursor, toPage, type Page } from '../common/pagination';
import { bindTenant, inScope, type Scope } from '../common/scope';
import { Secrets } from '../common/secrets';
import { uniqueViolation } from '../common/sql';
import { validateKyc } from '../domain/merchant-kyc';
import { merchantAcceptsChanges, nextMerchantStatus, publishedMerchantStatus, type MerchantAction, type MerchantStatus } from '../domain/merchant-status';
import { MerchantsRepository, type MerchantChange, type MerchantRow, type StoreRow, type TerminalRow } from './merchants.repository';

export interface TerminalView {
  terminalId: string;
  storeId: string;
  merchantId: string;
  serialNo: string;
  status: 'active' | 'disabled';
  createdAt: string;
}

export interface StoreView {
  storeId: string;
  merchantId: string;
  tenantId: string;
  name: string;
  status: 'active' | 'disabled';
  terminals: TerminalView[];
  createdAt: string;
}

/** A merchant as the API shows it: personal data masked, never in clear. */
export interface MerchantView extends CreateMerchantInput {
  merchantId: string;
  tenantId: string;
  partnerId: string | null;
  status: MerchantStatus;
  statusReason: string | null;
  riskLevel: 'low' | 'medium' | 'high';
  /** present on single-merchant answers, absent from lists */
  stores?: StoreView[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateMerchantInput {
  legalName: string;
  uscc: string;
  legalRepName: string;
  legalRepIdNumber: string;
  phone: string;
  mcc: string;
  address: string;
  city: string;
  settlementAccount: { accountNo: string; accountName: string; bankName: string };
}

export type UpdateMerchantInput = Partial<Pick<CreateMerchantInput, 'legalName' | 'phone' | 'mcc' | 'address' | 'city' | 'settlementAccount'>>;

/** Which columns a ciphertext belongs to: the AAD context binds it to its row and column. */
const ctx = (column: string, merchantId: string): string => `merchants.${column}:${merchantId}`;

/** The USCC blind-index context (uniqueness per tenant via (tenant_id, uscc_index)). */
const USCC_INDEX_CONTEXT = 'merchants.uscc';

/**
 * Merchants, their stores and terminals. Who sees what:
 * - an app sees its tenant's merchants that its partner introduced (merchant.partnerId); an app
 *   of a `county_bank_app` partner (the county bank's own app) sees all of its tenant's merchants;
 * - a county operator sees all of its tenant's merchants;
 * - a province operator sees every tenant's (or one, when it names it in `tenant-id`).
 * Anything else answers 404 not_found, as if it did not exist.
 */
@Injectable()
export class MerchantsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: MerchantsRepository,
    private readonly audit: AuditService,
    private readonly relay: OutboxRelay,
    private readonly secrets: Secrets,
  ) {}

  async create(actor: Actor, dto: CreateMerchantInput, requestId?: string): Promise<MerchantView> {
    const tenantId = actor.tenantId;
    if (!tenantId) throw new ApiError('invalid_tenant', 'a province operator creating a merchant must name the tenant (tenant-id header)', 'tenant-id');
    const kyc = validateKyc({ uscc: dto.uscc, legalRepIdNumber: dto.legalRepIdNumber, phone: dto.phone, accountNo: dto.settlementAccount.accountNo });
    const merchantId = randomUUID();
    annotateActiveSpan({ 'merchant.id': merchantId });
    const pii = this.secrets.pii;
    try {
      const view = await inScope(this.ds, { tenantId }, async (em) => {
        await this.assertTenantWritable(em, actor, tenantId);
        let partnerId: string | null = null;
        if (actor.type === 'app') {
          if (!(await this.repo.partnerKind(em, actor.partnerId))) throw new ApiError('forbidden_actor', `partner ${actor.partnerId} is not registered`);
          partnerId = actor.partnerId;
        }
        const row = await this.repo.insert(em, {
          merchantId,
          tenantId,
          partnerId,
          legalName: dto.legalName.trim(),
          usccCiphertext: pii.encrypt(kyc.uscc as string, ctx('uscc', merchantId)),
          usccIndex: this.secrets.blindIndex(kyc.uscc as string, USCC_INDEX_CONTEXT),
          legalRepNameCiphertext: pii.encrypt(dto.legalRepName.trim(), ctx('legal_rep_name', merchantId)),
          legalRepIdNumberCiphertext: pii.encrypt(kyc.legalRepIdNumber as string, ctx('legal_rep_id_number', merchantId)),
          phoneCiphertext: pii.encrypt(kyc.phone as string, ctx('phone', merchantId)),
          mcc: dto.mcc,
          address: dto.address.trim(),
          city: dto.city.trim(),
          accountNoCiphertext: pii.encrypt(kyc.accountNo as string, ctx('settlement_account_no', merchantId)),
          accountNameCiphertext: pii.encrypt(dto.settlementAccount.accountName.trim(), ctx('settlement_account_name', merchantId)),
          bankName: dto.settlementAccount.bankName.trim(),
        });
        const after = await this.publish(em, row);
        await this.audit.record(em, { tenantId, ...auditActor(actor), action: 'merchant.created', entity: 'merchant', entityId: merchantId, before: null, after, requestId });
        return after;
      });
      this.relay.wake();
      return view;
    } catch (e) {
      if (uniqueViolation(e) === 'merchants_uscc_unique') throw new ApiError('merchant_exists', 'a merchant with this uscc already exists in this tenant', 'uscc');
      throw e;
    }
  }

  async get(actor: Actor, merchantId: string): Promise<MerchantView> {
    return inScope(this.ds, scopeOf(actor), async (em) => {
      const m = await this.visibleMerchant(em, actor, merchantId, false);
      return this.fullView(em, m);
    });
  }

  async list(actor: Actor, q: { status?: MerchantStatus; limit?: number; cursor?: string }): Promise<Page<MerchantView>> {
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const after = decodeCursor(q.cursor, ['time', 'uuid']) as [string, string] | undefined;
    const rows = await inScope(this.ds, scopeOf(actor), async (em) => {
      const partnerId = await this.partnerFilter(em, actor);
      return this.repo.list(em, { partnerId, status: q.status, after, limit: limit + 1 });
    });
    return toPage(rows, limit, (r) => [r.created_at.toISOString(), r.merchant_id], (r) => this.view(r));
  }

  async update(actor: Actor, merchantId: string, dto: UpdateMerchantInput, requestId?: string): Promise<MerchantView> {
    if (Object.values(dto).every((v) => v === undefined)) throw new ApiError('invalid_request', 'nothing to change: give at least one field');
    const kyc = validateKyc({ phone: dto.phone, accountNo: dto.settlementAccount?.accountNo });
    return this.change(actor, merchantId, 'merchant.updated', requestId, async (em, m) => {
      if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot be changed`);
      const pii = this.secrets.pii;
      const c: MerchantChange = {
        legalName: dto.legalName?.trim(),
        mcc: dto.mcc,
        address: dto.address?.trim(),
        city: dto.city?.trim(),
        phoneCiphertext: kyc.phone ? pii.encrypt(kyc.phone, ctx('phone', merchantId)) : undefined,
        accountNoCiphertext: kyc.accountNo ? pii.encrypt(kyc.accountNo, ctx('settlement_account_no', merchantId)) : undefined,
        accountNameCiphertext: dto.settlementAccount ? pii.encrypt(dto.settlementAccount.accountName.trim(), ctx('settlement_account_name', merchantId)) : undefined,
        bankName: dto.settlementAccount?.bankName.trim(),
      };
      await this.repo.update(em, merchantId, c);
    });
  }

  /** approve | reject | suspend | resume | close, per the transition table. */
  async review(actor: Actor, merchantId: string, action: MerchantAction, reason: string | undefined, requestId?: string): Promise<MerchantView> {
    return this.change(actor, merchantId, `merchant.${PAST[action]}`, requestId, async (em, m) => {
      const status = nextMerchantStatus(m.status, action);
      await this.repo.update(em, merchantId, { status, statusReason: action === 'approve' || action === 'resume' ? null : (reason ?? null) });
    });
  }

  async addStore(actor: Actor, merchantId: string, name: string, requestId?: string): Promise<StoreView> {
    let storeId = '';
    const view = await this.change(actor, merchantId, 'store.created', requestId, async (em, m) => {
      if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot get stores`);
      const s = await this.repo.insertStore(em, { storeId: randomUUID(), tenantId: m.tenant_id, merchantId, name: name.trim() });
      storeId = s.store_id;
      await this.repo.update(em, merchantId, {});
    }, (id) => ({ entity: 'store', entityId: id }), () => storeId);
    return view.stores?.find((s) => s.storeId === storeId) as StoreView;
  }

  async getStore(actor: Actor, storeId: string): Promise<StoreView> {
    return inScope(this.ds, scopeOf(actor), async (em) => {
      const s = await this.repo.findStore(em, storeId);
      if (!s) throw storeNotFound(storeId);
      const m = await this.visibleMerchant(em, actor, s.merchant_id, false, () => storeNotFound(storeId));
      const full = await this.fullView(em, m);
      return full.stores?.find((x) => x.storeId === storeId) as StoreView;
    });
  }

  async addTerminal(actor: Actor, storeId: string, serialNo: string, requestId?: string): Promise<TerminalView> {
    let terminalId = '';
    let view: MerchantView;
    try {
      view = await this.change(
        actor,
        async (em) => {
          const s = await this.repo.findStore(em, storeId);
          if (!s) throw storeNotFound(storeId);
          return { merchantId: s.merchant_id, notFound: () => storeNotFound(storeId) };
        },
        'terminal.created',
        requestId,
        async (em, m) => {
          if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot get terminals`);
          const t = await this.repo.insertTerminal(em, { terminalId: randomUUID(), tenantId: m.tenant_id, storeId, merchantId: m.merchant_id, serialNo });
          terminalId = t.terminal_id;
          await this.repo.update(em, m.merchant_id, {});
        },
        (id) => ({ entity: 'terminal', entityId: id }),
        () => terminalId,
      );
    } catch (e) {
      if (uniqueViolation(e) === 'terminals_serial_unique') throw new ApiError('terminal_exists', `a terminal with serial number ${serialNo} already exists in this tenant`, 'serialNo');
      throw e;
    }
    const store = view.stores?.find((s) => s.storeId === storeId);
    return store?.terminals.find((t) => t.terminalId === terminalId) as TerminalView;
  }

  /**
   * One change to a merchant (or its stores/terminals): lock the visible merchant, apply,
   * then publish MerchantUpdatedV1 (version + 1) and audit — all in one transaction.
   */
  private async change(
    actor: Actor,
    target: string | ((em: EntityManager) => Promise<{ merchantId: string; notFound: () => ApiError }>),
    action: string,
    requestId: string | undefined,
    apply: (em: EntityManager, m: MerchantRow) => Promise<void>,
    auditTarget?: (createdId: string) => { entity: string; entityId: string },
    createdId?: () => string,
  ): Promise<MerchantView> {
    const view = await inScope(this.ds, scopeOf(actor), async (em) => {
      const t = typeof target === 'string' ? { merchantId: target, notFound: () => merchantNotFound(target) } : await target(em);
      annotateActiveSpan({ 'merchant.id': t.merchantId });
      const before = await this.visibleMerchant(em, actor, t.merchantId, true, t.notFound);
      await bindTenant(em, before.tenant_id);
      await this.assertTenantWritable(em, actor, before.tenant_id);
      const beforeView = await this.fullView(em, before);
      await apply(em, before);
      const after = (await this.repo.find(em, t.merchantId)) as MerchantRow;
      const afterView = await this.publish(em, after);
      const what = auditTarget && createdId ? auditTarget(createdId()) : { entity: 'merchant', entityId: t.merchantId };
      await this.audit.record(em, { tenantId: after.tenant_id, ...auditActor(actor), action, ...what, before: beforeView, after: afterView, requestId });
      return afterView;
    });
    this.relay.wake();
    return view;
  }

  /** The merchant if the actor may see it (RLS has already limited the tenant), else 404. */
  private async visibleMerchant(em: EntityManager, actor: Actor, merchantId: string, forUpdate: boolean, notFound = () => merchantNotFound(merchantId)): Promise<MerchantRow> {
    const m = await this.repo.find(em, merchantId, forUpdate);
    if (!m) throw notFound();
    const partnerId = await this.partnerFilter(em, actor);
    if (partnerId !== undefined && m.partner_id !== partnerId) throw notFound();
    return m;
  }

  /** For an app: the partner whose merchants it sees, or undefined for the county bank's own apps (and operators). */
  private async partnerFilter(em: EntityManager, actor: Actor): Promise<string | undefined> {
    if (actor.type !== 'app') return undefined;
    const kind = await this.repo.partnerKind(em, actor.partnerId);
    return kind === 'county_bank_app' ? undefined : actor.partnerId;
  }

  /** Apps and county operators cannot change anything of a suspended tenant; the province can. */
  private async assertTenantWritable(em: EntityManager, actor: Actor, tenantId: string): Promise<void> {
    if (actor.type === 'province') return;
    const status = await this.repo.tenantStatus(em, tenantId);
    if (status === undefined) throw new ApiError('invalid_tenant', `tenant ${tenantId} does not exist`, 'tenant-id');
    if (status === 'suspended') throw new ApiError('tenant_suspended', `tenant ${tenantId} is suspended`);
  }

  /** MerchantUpdatedV1: full state without personal data. Returns the merchant's full view. */
  private async publish(em: EntityManager, m: MerchantRow): Promise<MerchantView> {
    const full = await this.fullView(em, m);
    const data = Object.assign(new MerchantUpdatedData(), {
      merchantId: m.merchant_id,
      legalName: m.legal_name,
      mcc: m.mcc,
      ...(m.partner_id ? { partnerId: m.partner_id } : {}),
      status: publishedMerchantStatus(m.status),
      riskLevel: m.risk_level,
      city: m.city,
      stores: (full.stores ?? []).map((s) =>
        Object.assign(new StoreRef(), {
          storeId: s.storeId,
          name: s.name,
          status: s.status,
          terminals: s.terminals.map((t) => Object.assign(new TerminalRef(), { terminalId: t.terminalId, serialNo: t.serialNo, status: t.status })),
        }),
      ),
      version: m.version,
    });
    await bindTenant(em, m.tenant_id);
    await addToOutbox(em, MerchantUpdatedV1, data, { tenantId: m.tenant_id });
    return full;
  }

  private async fullView(em: EntityManager, m: MerchantRow): Promise<MerchantView> {
    const stores = await this.repo.storesOf(em, m.merchant_id);
    const terminals = await this.repo.terminalsOf(em, m.merchant_id);
    return { ...this.view(m), stores: stores.map((s) => storeView(s, terminals)) };
  }

  private view(m: MerchantRow): MerchantView {
    const pii = this.secrets.pii;
    const id = m.merchant_id;
    return {
      merchantId: id,
      tenantId: m.tenant_id,
      partnerId: m.partner_id,
      legalName: m.legal_name,
      uscc: pii.decrypt(m.uscc_ciphertext, ctx('uscc', id)),
      legalRepName: maskName(pii.decrypt(m.legal_rep_name_ciphertext, ctx('legal_rep_name', id))),
      legalRepIdNumber: maskResidentId(pii.decrypt(m.legal_rep_id_number_ciphertext, ctx('legal_rep_id_number', id))),
      phone: maskPhone(pii.decrypt(m.phone_ciphertext, ctx('phone', id))),
      mcc: m.mcc,
      address: m.address,
      city: m.city,
      settlementAccount: {
        accountNo: maskCardNumber(pii.decrypt(m.settlement_account_no_ciphertext, ctx('settlement_account_no', id))),
        accountName: maskName(pii.decrypt(m.settlement_account_name_ciphertext, ctx('settlement_account_name', id))),
        bankName: m.settlement_bank_name,
      },
      status: m.status,
      statusReason: m.status_reason,
      riskLevel: m.risk_level,
      version: m.version,
      createdAt: m.created_at.toISOString(),
      updatedAt: m.updated_at.toISOString(),
    };
  }
}

const PAST: Record<MerchantAction, string> = { approve: 'approved', reject: 'rejected', suspend: 'suspended', resume: 'resumed', close: 'closed' };

/** Apps and county operators act in their tenant; a province operator in the tenant it names, else across all. */
function scopeOf(actor: Actor): Scope {
  return actor.tenantId ? { tenantId: actor.tenantId } : 'province';
}

function merchantNotFound(merchantId: string): ApiError {
  return new ApiError('not_found', `merchant ${merchantId} does not exist`, 'merchantId');
}

function storeNotFound(storeId: string): ApiError {
  return new ApiError('not_found', `store ${storeId} does not exist`, 'storeId');
}

function storeView(s: StoreRow, terminals: TerminalRow[]): StoreView {
  return {
    storeId: s.store_id,
    merchantId: s.merchant_id,
    tenantId: s.tenant_id,
    name: s.name,
    status: s.status,
    terminals: terminals
      .filter((t) => t.store_id === s.store_id)
      .map((t) => ({ terminalId: t.terminal_id, storeId: t.store_id, merchantId: t.merchant_id, serialNo: t.serial_no, status: t.status, createdAt: t.created_at.toISOString() })),
    createdAt: s.created_at.toISOString(),
  };
}
