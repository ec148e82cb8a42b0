import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defaultTenantConfig } from '@countypay/contracts';
import { fenToJson, planFeeFen } from '@countypay/money';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { pageRequest } from '@countypay/service-kit';
import { escrowFen } from '../domain/split-rules';
import type { EscrowPositionRow, ListEscrowPositionsQuery, MerchantEscrowSummary } from './dto/escrow-positions.dto';
import { Escrow, positionOf } from './escrow';
import { SharingRepository } from './sharing.repository';

const atLeastZero = (x: bigint): bigint => (x > 0n ? x : 0n);

/**
 * Operators' view of profit sharing per merchant (county and province operators; the county's
 * rows only, under row-level security — another county's merchant is a 404): each shared paid
 * order's escrow (held, split, released, reversed, refunded) and a merchant's totals.
 */
@Injectable()
export class EscrowPositionsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SharingRepository,
    private readonly escrow: Escrow,
    private readonly readModel: OnboardingReadModel,
  ) {}

  async list(tenantId: string, q: ListEscrowPositionsQuery): Promise<Page<EscrowPositionRow>> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      if (q.merchantId) await this.readModel.merchant(em, q.merchantId);
      const page = await this.repo.listEscrows(em, { merchantId: q.merchantId, position: q.position }, pageRequest(q));
      const data: EscrowPositionRow[] = [];
      for (const o of page.data) {
        const fee = await this.escrow.feeOf(em, o);
        data.push({
          orderId: o.id,
          outTradeNo: o.outTradeNo,
          merchantId: o.merchantId,
          amountFen: fenToJson(o.amountFen),
          feeFen: fenToJson(fee),
          heldFen: fenToJson(atLeastZero(escrowFen({ ...positionOf(o), feeFen: fee }))),
          splitFen: fenToJson(o.splitFen),
          releasedFen: fenToJson(o.releasedFen),
          reversedFen: fenToJson(o.reversedFen),
          refundedFromEscrowFen: fenToJson(o.escrowRefundedFen),
          paidAt: (o.paidAt ?? new Date(0)).toISOString(),
          finishedAt: o.sharingFinishedAt?.toISOString() ?? null,
        });
      }
      return { data, nextCursor: page.nextCursor };
    });
  }

  async merchantSummary(tenantId: string, merchantId: string): Promise<MerchantEscrowSummary> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const merchant = await this.readModel.merchant(em, merchantId);
      const t = await this.repo.merchantEscrowTotals(em, merchantId);
      const plan = (await this.escrow.config(em)).feePlan ?? defaultTenantConfig().feePlan;
      let fee = t.fixedFeeFen;
      for (const u of await this.repo.unfixedFees(em, merchantId)) if (u.channel) fee += planFeeFen(plan, 'acquiring', u.channel, u.amountFen);
      const held = atLeastZero(t.amountFen - fee - t.splitFen - t.releasedFen - t.refundedFen);
      return {
        merchantId,
        merchantName: merchant.legalName,
        orders: t.orders,
        heldOrders: t.held,
        amountFen: fenToJson(t.amountFen),
        feeFen: fenToJson(fee),
        heldFen: fenToJson(held),
        splitFen: fenToJson(t.splitFen),
        releasedFen: fenToJson(t.releasedFen),
        reversedFen: fenToJson(t.reversedFen),
        refundedFromEscrowFen: fenToJson(t.refundedFen),
      };
    });
  }
}
