import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, MerchantUpdatedData, MerchantUpdatedV1, StoreRef, TerminalRef } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { annotateActiveSpan } from '@countypay/observability';
import { bindTenant, inScope, uniqueViolation, type Page, type TransactionScope } from '@countypay/persistence';
import { maskCardNumber, maskName, maskPhone, maskResidentId } from '@countypay/security';
import { actorTenant, auditActor, pageRequest, type Actor } from '@countypay/service-kit';
import { AuditService } from '../audit/audit.service';
import type { AuditEntity } from '../audit/dto/audit-entry.dto';
import { Secrets } from '../common/secrets';
import { validateKyc } from '../domain/merchant-kyc';
import { merchantAcceptsChanges, nextMerchantStatus, publishedMerchantStatus, type MerchantAction } from '../domain/merchant-status';
import type { CreateMerchantRequest, ListMerchantsQuery, Merchant, Store, Terminal, UpdateMerchantRequest } from './dto/merchant.dto';
import { MerchantsRepository, type MerchantChange, type MerchantRecord, type StoreRecord, type TerminalRecord } from './merchants.repository';

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

  async create(actor: Actor, dto: CreateMerchantRequest, requestId?: string): Promise<Merchant> {
    const tenantId = actorTenant(actor);
    const account = dto.settlementAccount;
    const kyc = validateKyc({ uscc: dto.uscc, legalRepIdNumber: dto.legalRepIdNumber, phone: dto.phone, settlementAccount: account });
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
          usccCiphertext: pii.encrypt(kyc.uscc!, ctx('uscc', merchantId)),
          usccIndex: this.secrets.blindIndex(kyc.uscc!, USCC_INDEX_CONTEXT),
          legalRepNameCiphertext: pii.encrypt(dto.legalRepName.trim(), ctx('legal_rep_name', merchantId)),
          legalRepIdNumberCiphertext: pii.encrypt(kyc.legalRepIdNumber!, ctx('legal_rep_id_number', merchantId)),
          phoneCiphertext: pii.encrypt(kyc.phone!, ctx('phone', merchantId)),
          mcc: dto.mcc,
          address: dto.address.trim(),
          city: dto.city.trim(),
          accountType: account.accountType,
          accountNoCiphertext: pii.encrypt(kyc.accountNo!, ctx('settlement_account_no', merchantId)),
          accountNameCiphertext: pii.encrypt(account.accountName.trim(), ctx('settlement_account_name', merchantId)),
          bankName: account.bankName.trim(),
        });
        const after = await this.publish(em, row);
        await this.audit.record(em, {
          tenantId,
          ...auditActor(actor),
          action: 'merchant.created',
          entity: 'merchant',
          entityId: merchantId,
          before: null,
          after,
          requestId,
        });
        return after;
      });
      this.relay.wake();
      return view;
    } catch (e) {
      if (uniqueViolation(e) === 'merchants_uscc_unique')
        throw new ApiError('merchant_exists', 'a merchant with this uscc already exists in this tenant', 'uscc');
      throw e;
    }
  }

  async get(actor: Actor, merchantId: string): Promise<Merchant> {
    return inScope(this.ds, scopeOf(actor), async (em) => {
      const m = await this.visibleMerchant(em, actor, merchantId, false);
      return this.fullView(em, m);
    });
  }

  /** Newest first, without stores. */
  async list(actor: Actor, q: ListMerchantsQuery): Promise<Page<Merchant>> {
    const page = await inScope(this.ds, scopeOf(actor), async (em) => {
      const partnerId = await this.partnerFilter(em, actor);
      return this.repo.list(em, { partnerId, status: q.status }, pageRequest(q));
    });
    return { data: page.data.map((r) => this.view(r)), nextCursor: page.nextCursor };
  }

  async update(actor: Actor, merchantId: string, dto: UpdateMerchantRequest, requestId?: string): Promise<Merchant> {
    if (Object.values(dto).every((v) => v === undefined)) throw new ApiError('invalid_request', 'nothing to change: give at least one field');
    // null is not "leave it as it is" (that is leaving the field out): without this it reached the KYC checks and failed there (500)
    const nulled = Object.entries(dto).find(([, v]) => v === null)?.[0];
    if (nulled) throw new ApiError('invalid_request', `${nulled} cannot be null; leave it out to keep the current value`, nulled);
    const account = dto.settlementAccount;
    const kyc = validateKyc({ phone: dto.phone, settlementAccount: account });
    return this.change(actor, merchantId, 'merchant.updated', requestId, async (em, m) => {
      if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot be changed`);
      const pii = this.secrets.pii;
      const c: MerchantChange = {
        legalName: dto.legalName?.trim(),
        mcc: dto.mcc,
        address: dto.address?.trim(),
        city: dto.city?.trim(),
        phoneCiphertext: kyc.phone ? pii.encrypt(kyc.phone, ctx('phone', merchantId)) : undefined,
        accountType: account?.accountType,
        accountNoCiphertext: kyc.accountNo ? pii.encrypt(kyc.accountNo, ctx('settlement_account_no', merchantId)) : undefined,
        accountNameCiphertext: account ? pii.encrypt(account.accountName.trim(), ctx('settlement_account_name', merchantId)) : undefined,
        bankName: account?.bankName.trim(),
      };
      await this.repo.update(em, merchantId, c);
    });
  }

  /** approve | reject | suspend | resume | close, per the transition table. */
  async review(actor: Actor, merchantId: string, action: MerchantAction, reason: string | undefined, requestId?: string): Promise<Merchant> {
    return this.change(actor, merchantId, `merchant.${PAST[action]}`, requestId, async (em, m) => {
      const status = nextMerchantStatus(m.status, action);
      await this.repo.update(em, merchantId, { status, statusReason: action === 'approve' || action === 'resume' ? null : (reason ?? null) });
    });
  }

  async addStore(actor: Actor, merchantId: string, name: string, requestId?: string): Promise<Store> {
    let storeId = '';
    const view = await this.change(
      actor,
      merchantId,
      'store.created',
      requestId,
      async (em, m) => {
        if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot get stores`);
        const s = await this.repo.insertStore(em, { storeId: randomUUID(), tenantId: m.tenantId, merchantId, name: name.trim() });
        storeId = s.storeId;
        await this.repo.update(em, merchantId, {});
      },
      (id) => ({ entity: 'store', entityId: id }),
      () => storeId,
    );
    return view.stores!.find((s) => s.storeId === storeId)!;
  }

  async getStore(actor: Actor, storeId: string): Promise<Store> {
    return inScope(this.ds, scopeOf(actor), async (em) => {
      const s = await this.repo.findStore(em, storeId);
      if (!s) throw storeNotFound(storeId);
      const m = await this.visibleMerchant(em, actor, s.merchantId, false, () => storeNotFound(storeId));
      const full = await this.fullView(em, m);
      return full.stores!.find((x) => x.storeId === storeId)!;
    });
  }

  async addTerminal(actor: Actor, storeId: string, serialNo: string, requestId?: string): Promise<Terminal> {
    let terminalId = '';
    let view: Merchant;
    try {
      view = await this.change(
        actor,
        async (em) => {
          const s = await this.repo.findStore(em, storeId);
          if (!s) throw storeNotFound(storeId);
          return { merchantId: s.merchantId, notFound: () => storeNotFound(storeId) };
        },
        'terminal.created',
        requestId,
        async (em, m) => {
          if (!merchantAcceptsChanges(m.status)) throw new ApiError('invalid_state_transition', `a ${m.status} merchant cannot get terminals`);
          const t = await this.repo.insertTerminal(em, { terminalId: randomUUID(), tenantId: m.tenantId, storeId, merchantId: m.merchantId, serialNo });
          terminalId = t.terminalId;
          await this.repo.update(em, m.merchantId, {});
        },
        (id) => ({ entity: 'terminal', entityId: id }),
        () => terminalId,
      );
    } catch (e) {
      if (uniqueViolation(e) === 'terminals_serial_unique')
        throw new ApiError('terminal_exists', `a terminal with serial number ${serialNo} already exists in this tenant`, 'serialNo');
      throw e;
    }
    const store = view.stores!.find((s) => s.storeId === storeId)!;
    return store.terminals.find((t) => t.terminalId === terminalId)!;
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
    apply: (em: EntityManager, m: MerchantRecord) => Promise<void>,
    auditTarget?: (createdId: string) => { entity: AuditEntity; entityId: string },
    createdId?: () => string,
  ): Promise<Merchant> {
    const view = await inScope(this.ds, scopeOf(actor), async (em) => {
      const t = typeof target === 'string' ? { merchantId: target, notFound: () => merchantNotFound(target) } : await target(em);
      annotateActiveSpan({ 'merchant.id': t.merchantId });
      const before = await this.visibleMerchant(em, actor, t.merchantId, true, t.notFound);
      await bindTenant(em, before.tenantId);
      await this.assertTenantWritable(em, actor, before.tenantId);
      const beforeView = await this.fullView(em, before);
      await apply(em, before);
      const after = (await this.repo.find(em, t.merchantId))!;
      const afterView = await this.publish(em, after);
      const what = auditTarget && createdId ? auditTarget(createdId()) : { entity: 'merchant' as const, entityId: t.merchantId };
      await this.audit.record(em, { tenantId: after.tenantId, ...auditActor(actor), action, ...what, before: beforeView, after: afterView, requestId });
      return afterView;
    });
    this.relay.wake();
    return view;
  }

  /** The merchant if the actor may see it (RLS has already limited the tenant), else 404. */
  private async visibleMerchant(
    em: EntityManager,
    actor: Actor,
    merchantId: string,
    forUpdate: boolean,
    notFound = () => merchantNotFound(merchantId),
  ): Promise<MerchantRecord> {
    const m = await this.repo.find(em, merchantId, forUpdate);
    if (!m) throw notFound();
    const partnerId = await this.partnerFilter(em, actor);
    if (partnerId !== undefined && m.partnerId !== partnerId) throw notFound();
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

  /** MerchantUpdatedV1: full state without personal data (no settlement account). Returns the merchant's full view. */
  private async publish(em: EntityManager, m: MerchantRecord): Promise<Merchant> {
    const full = await this.fullView(em, m);
    const data = Object.assign(new MerchantUpdatedData(), {
      merchantId: m.merchantId,
      legalName: m.legalName,
      mcc: m.mcc,
      ...(m.partnerId ? { partnerId: m.partnerId } : {}),
      status: publishedMerchantStatus(m.status),
      riskLevel: m.riskLevel,
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
    await bindTenant(em, m.tenantId);
    await addToOutbox(em, MerchantUpdatedV1, data, { tenantId: m.tenantId });
    return full;
  }

  private async fullView(em: EntityManager, m: MerchantRecord): Promise<Merchant> {
    const stores = await this.repo.storesOf(em, m.merchantId);
    const terminals = await this.repo.terminalsOf(em, m.merchantId);
    return { ...this.view(m), stores: stores.map((s) => storeView(s, terminals)) };
  }

  private view(m: MerchantRecord): Merchant {
    const pii = this.secrets.pii;
    const id = m.merchantId;
    return {
      merchantId: id,
      tenantId: m.tenantId,
      partnerId: m.partnerId,
      legalName: m.legalName,
      uscc: pii.decrypt(m.usccCiphertext, ctx('uscc', id)),
      legalRepName: maskName(pii.decrypt(m.legalRepNameCiphertext, ctx('legal_rep_name', id))),
      legalRepIdNumber: maskResidentId(pii.decrypt(m.legalRepIdNumberCiphertext, ctx('legal_rep_id_number', id))),
      phone: maskPhone(pii.decrypt(m.phoneCiphertext, ctx('phone', id))),
      mcc: m.mcc,
      address: m.address,
      city: m.city,
      settlementAccount: {
        accountType: m.settlementAccountType,
        accountNo: maskCardNumber(pii.decrypt(m.settlementAccountNoCiphertext, ctx('settlement_account_no', id))),
        accountName: maskName(pii.decrypt(m.settlementAccountNameCiphertext, ctx('settlement_account_name', id))),
        bankName: m.settlementBankName,
      },
      status: m.status,
      statusReason: m.statusReason,
      riskLevel: m.riskLevel,
      version: m.version,
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

const PAST: Record<MerchantAction, string> = { approve: 'approved', reject: 'rejected', suspend: 'suspended', resume: 'resumed', close: 'closed' };

/** Apps and county operators act in their tenant; a province operator in the tenant it names, else across all. */
function scopeOf(actor: Actor): TransactionScope {
  return actor.tenantId ? { tenantId: actor.tenantId } : 'province';
}

function merchantNotFound(merchantId: string): ApiError {
  return new ApiError('not_found', `merchant ${merchantId} does not exist`, 'merchantId');
}

function storeNotFound(storeId: string): ApiError {
  return new ApiError('not_found', `store ${storeId} does not exist`, 'storeId');
}

function storeView(s: StoreRecord, terminals: readonly TerminalRecord[]): Store {
  return {
    storeId: s.storeId,
    merchantId: s.merchantId,
    tenantId: s.tenantId,
    name: s.name,
    status: s.status,
    terminals: terminals
      .filter((t) => t.storeId === s.storeId)
      .map((t) => ({
        terminalId: t.terminalId,
        storeId: t.storeId,
        merchantId: t.merchantId,
        serialNo: t.serialNo,
        status: t.status,
        createdAt: t.createdAt.toISOString(),
      })),
    createdAt: s.createdAt.toISOString(),
  };
}
