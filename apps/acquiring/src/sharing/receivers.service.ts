import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { pageRequest } from '@countypay/service-kit';
import type { OrderScope } from '../orders/order-scope';
import type { AddSharingReceiverRequest, ListSharingReceiversQuery, SharingReceiver } from './dto/sharing.dto';
import { SharingRepository, type ReceiverRecord } from './sharing.repository';

/**
 * 分账接收方: a platform partner's app registers the merchants its orders may split to. A
 * receiver is a merchant of the app's own county (the read model holds only the county's
 * merchants under row-level security: another county's merchant is a 404) that is active.
 */
@Injectable()
export class ReceiversService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SharingRepository,
    private readonly readModel: OnboardingReadModel,
  ) {}

  async add(scope: OrderScope, dto: AddSharingReceiverRequest): Promise<{ receiver: SharingReceiver; created: boolean }> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const merchant = await this.readModel.activeMerchant(em, dto.merchantId);
      const { receiver, created } = await this.repo.addReceiver(em, {
        id: randomUUID(),
        tenantId: scope.tenantId,
        appId: scope.appId,
        merchantId: merchant.merchantId,
        relation: dto.relation,
        description: dto.description ?? null,
      });
      return { receiver: receiverView(receiver, merchant.legalName), created };
    });
  }

  async list(scope: OrderScope, q: ListSharingReceiversQuery): Promise<Page<SharingReceiver>> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const page = await this.repo.listReceivers(em, { appId: scope.seesAllApps ? undefined : scope.appId, merchantId: q.merchantId }, pageRequest(q));
      const names = new Map<string, string>();
      for (const r of page.data) {
        if (!names.has(r.merchantId)) names.set(r.merchantId, (await this.readModel.merchant(em, r.merchantId).catch(() => undefined))?.legalName ?? '');
      }
      return { data: page.data.map((r) => receiverView(r, names.get(r.merchantId) ?? '')), nextCursor: page.nextCursor };
    });
  }

  async remove(scope: OrderScope, receiverId: string): Promise<SharingReceiver> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const r = await this.repo.findReceiver(em, receiverId);
      if (!r || r.appId !== scope.appId) throw new ApiError('not_found', `no profit-sharing receiver ${receiverId}`);
      const removed = await this.repo.removeReceiver(em, r.id);
      if (!removed) throw new ApiError('not_found', `no profit-sharing receiver ${receiverId}`);
      const m = await this.readModel.merchant(em, r.merchantId).catch(() => undefined);
      return receiverView(removed, m?.legalName ?? '');
    });
  }
}

function receiverView(r: ReceiverRecord, merchantName: string): SharingReceiver {
  return {
    id: r.id,
    merchantId: r.merchantId,
    merchantName,
    relation: r.relation,
    description: r.description,
    createdAt: r.createdAt.toISOString(),
  };
}
