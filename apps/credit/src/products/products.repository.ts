import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, many, one, rowOf, uniqueViolation, updateReturning, type RowType } from '@countypay/persistence';
import type { ProductMethod } from './dto/products.dto';

const PRODUCT = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  code: col.text(),
  name: col.text(),
  method: col.text<ProductMethod>(),
  annualRateBp: col.int(),
  monthlyFeeBp: col.int(),
  installmentCounts: col.expr('array_to_json({c})', col.json<number[]>()),
  interestFreeDays: col.int(),
  statementDay: col.int(),
  dueDay: col.int(),
  graceDays: col.int(),
  penaltyMultiplierBp: col.int(),
  minPaymentPrincipalBp: col.int(),
  status: col.text<'active' | 'retired'>(),
  createdAt: col.timestamp(),
});
export type ProductRecord = RowType<typeof PRODUCT>;
export type NewProduct = Omit<ProductRecord, 'status' | 'createdAt'>;

/** The only SQL of credit products (inside the caller's tenant transaction). */
@Injectable()
export class ProductsRepository {
  findById(em: EntityManager, id: string): Promise<ProductRecord | undefined> {
    return one(em, PRODUCT, `select ${PRODUCT.columns('p')} from credit_products p where p.id = $1`, [id]);
  }

  list(em: EntityManager): Promise<ProductRecord[]> {
    return many(em, PRODUCT, `select ${PRODUCT.columns('p')} from credit_products p order by p.created_at, p.id`);
  }

  /** Inserts; undefined when the code is taken. */
  async insert(em: EntityManager, p: NewProduct): Promise<ProductRecord | undefined> {
    try {
      const [row] = await updateReturning(
        em,
        PRODUCT,
        `insert into credit_products as p (id, tenant_id, code, name, method, annual_rate_bp, monthly_fee_bp, installment_counts, interest_free_days,
            statement_day, due_day, grace_days, penalty_multiplier_bp, min_payment_principal_bp)
         values ($1, $2, $3, $4, $5, $6, $7, $8::int[], $9, $10, $11, $12, $13, $14) returning ${PRODUCT.columns('p')}`,
        [
          p.id,
          p.tenantId,
          p.code,
          p.name,
          p.method,
          p.annualRateBp,
          p.monthlyFeeBp,
          `{${p.installmentCounts.join(',')}}`,
          p.interestFreeDays,
          p.statementDay,
          p.dueDay,
          p.graceDays,
          p.penaltyMultiplierBp,
          p.minPaymentPrincipalBp,
        ],
      );
      return row;
    } catch (e) {
      if (uniqueViolation(e)) return undefined;
      throw e;
    }
  }
}
