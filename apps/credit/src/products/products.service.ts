import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { Actor } from '@countypay/service-kit';
import { AuditRepository } from '../common/audit.repository';
import { ruleError } from '../common/credit-errors';
import { validateProduct, type ProductTerms } from '../domain/credit-rules';
import { SettingsService } from '../settings/settings.service';
import type { CreateCreditProductRequest, CreditProduct } from './dto/products.dto';
import { ProductsRepository, type ProductRecord } from './products.repository';

/** Credit products: validated against the tenant's APR ceiling at set-up, audited. */
@Injectable()
export class ProductsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ProductsRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditRepository,
  ) {}

  create(actor: Actor, tenantId: string, dto: CreateCreditProductRequest): Promise<CreditProduct> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const s = await this.settings.current(em, tenantId);
      const check = validateProduct(termsOf(dto), s.aprCeilingBp);
      if (!check.ok) throw ruleError(check);
      const row = await this.repo.insert(em, { id: randomUUID(), tenantId, ...dto, installmentCounts: [...dto.installmentCounts].sort((a, b) => a - b) });
      if (!row) throw new ApiError('conflict', `a product with code '${dto.code}' already exists`, 'code');
      await this.audit.record(em, tenantId, actor, 'product.create', row.id, { ...dto });
      return productView(row);
    });
  }

  list(tenantId: string): Promise<{ data: CreditProduct[] }> {
    return inTenantTransaction(this.ds, tenantId, async (em) => ({ data: (await this.repo.list(em)).map(productView) }));
  }

  get(tenantId: string, id: string): Promise<CreditProduct> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const p = await this.repo.findById(em, id);
      if (!p) throw new ApiError('not_found', `no credit product ${id}`);
      return productView(p);
    });
  }
}

export function termsOf(p: Pick<ProductRecord, keyof ProductTerms>): ProductTerms {
  return {
    method: p.method,
    annualRateBp: p.annualRateBp,
    monthlyFeeBp: p.monthlyFeeBp,
    installmentCounts: p.installmentCounts,
    interestFreeDays: p.interestFreeDays,
    statementDay: p.statementDay,
    dueDay: p.dueDay,
    graceDays: p.graceDays,
    penaltyMultiplierBp: p.penaltyMultiplierBp,
    minPaymentPrincipalBp: p.minPaymentPrincipalBp,
  };
}

export function productView(p: ProductRecord): CreditProduct {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    method: p.method,
    annualRateBp: p.annualRateBp,
    monthlyFeeBp: p.monthlyFeeBp,
    installmentCounts: p.installmentCounts,
    interestFreeDays: p.interestFreeDays,
    statementDay: p.statementDay,
    dueDay: p.dueDay,
    graceDays: p.graceDays,
    penaltyMultiplierBp: p.penaltyMultiplierBp,
    minPaymentPrincipalBp: p.minPaymentPrincipalBp,
    status: p.status,
    createdAt: p.createdAt.toISOString(),
  };
}
