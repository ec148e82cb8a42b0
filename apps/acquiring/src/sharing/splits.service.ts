import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, SplitData, SplitFailedV1, SplitSucceededV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import { annotateActiveSpan } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { decideSplit, escrowFen, receiverCapFen, splittableFen } from '../domain/split-rules';
import type { OrderScope } from '../orders/order-scope';
import type { CreateSplitRequest, EscrowPositionView, Split } from './dto/sharing.dto';
import { Escrow, positionOf } from './escrow';
import { SharingRepository, type EscrowRecord, type ShareRecord, type SplitRecord } from './sharing.repository';

/**
 * 请求分账 / 查询 / 完结: a partner splits the escrow of its shared, paid order among registered
 * receivers (and the order's own merchant). The request is decided under the order's lock
 * (available amount, the tenant's cap on other receivers), stored `processing` with its shares
 * reserved, then processed: receivers still active → `succeeded` (`split.succeeded`: escrow →
 * receivers in the ledger), otherwise `failed` (shares given back, `split.failed`).
 */
@Injectable()
export class SplitsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SharingRepository,
    private readonly escrow: Escrow,
    private readonly readModel: OnboardingReadModel,
    private readonly relay: OutboxRelay,
  ) {}

  async create(scope: OrderScope, orderId: string, dto: CreateSplitRequest): Promise<{ split: Split; created: boolean }> {
    const shares = dto.receivers.map((r) => ({ merchantId: r.merchantId, amountFen: BigInt(r.amountFen) }));
    const decided = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const existing = await this.repo.findSplitByOutNo(em, scope.appId, dto.outSplitNo);
      if (existing) return { split: this.sameSplit(existing, orderId, shares, await this.repo.sharesOf(em, [existing.id])), created: false };
      const o = this.visible(scope, await this.escrow.open(em, orderId), orderId);
      annotateActiveSpan({ 'payment.id': o.id, 'merchant.id': o.merchantId, 'tenant.id': scope.tenantId });
      if (!o.profitSharing)
        throw new ApiError('order_not_splittable', 'this order was not created with profitSharing: its money went to the merchant directly');
      const others = shares.filter((s) => s.merchantId !== o.merchantId).map((s) => s.merchantId);
      const registered = await this.repo.liveReceiverMerchants(em, o.appId, others);
      const unknown = others.find((m) => !registered.has(m));
      if (unknown) throw new ApiError('receiver_not_registered', `merchant ${unknown} is not a profit-sharing receiver of this app; add it first`, 'receivers');
      const rules = await this.escrow.rules(em);
      const d = decideSplit({
        orderState: o.state,
        finished: o.sharingFinishedAt !== null,
        orderMerchantId: o.merchantId,
        position: positionOf(o),
        refundsCommittedFen: await this.repo.refundsCommitted(em, o.id),
        capBp: rules.receiverCapBp,
        shares,
      });
      if (!d.ok) throw new ApiError(d.code, d.message, d.code === 'order_not_splittable' ? undefined : 'receivers');
      const inserted = await this.repo.insertSplit(
        em,
        { id: randomUUID(), tenantId: scope.tenantId, appId: o.appId, orderId: o.id, outSplitNo: dto.outSplitNo, totalFen: d.totalFen },
        shares,
      );
      if (!inserted) throw new ApiError('conflict', `split '${dto.outSplitNo}' was created concurrently; retry`, 'outSplitNo');
      if (!(await this.repo.addSplit(em, o.id, d.totalFen, d.toOthersFen))) throw new Error(`order ${o.id} finished while locked`); // unreachable: locked
      return { split: inserted, created: true };
    });
    const split = decided.split.state === 'processing' ? await this.process(scope.tenantId, decided.split.id) : decided.split;
    return { split: await this.view(scope.tenantId, split), created: decided.created };
  }

  /** processing → succeeded (receivers still active) | failed (shares given back to the escrow); the event in the same transaction. */
  async process(tenantId: string, splitId: string): Promise<SplitRecord> {
    const done = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const s = await this.repo.findSplit(em, splitId, { lock: true });
      if (!s) throw new Error(`no split ${splitId}`);
      if (s.state !== 'processing') return { split: s, wake: false };
      const o = await this.repo.findEscrow(em, s.orderId, { lock: true });
      if (!o?.channel) throw new Error(`split ${s.id} of an order without a channel`);
      const shares = await this.repo.sharesOf(em, [s.id]);
      let inactive: string | undefined;
      for (const x of shares) {
        const m = await this.readModel.merchant(em, x.merchantId).catch(() => undefined);
        if (m?.status !== 'active') inactive = x.merchantId;
      }
      const to = inactive ? 'failed' : 'succeeded';
      const finished = await this.repo.finishSplit(em, s.id, to, inactive ? 'receiver_not_active' : null);
      if (!finished) return { split: s, wake: false };
      if (to === 'failed') {
        const others = shares.filter((x) => x.merchantId !== o.merchantId).reduce((a, x) => a + x.amountFen, 0n);
        await this.repo.reverseSplit(em, o.id, s.totalFen, others);
      }
      await addToOutbox(
        em,
        to === 'succeeded' ? SplitSucceededV1 : SplitFailedV1,
        Object.assign(new SplitData(), {
          orderId: o.id,
          merchantId: o.merchantId,
          ...(o.appId ? { partnerAppId: o.appId } : {}),
          product: 'acquiring' as const,
          channel: o.channel,
          amountFen: fenToJson(s.totalFen),
          currency: 'CNY' as const,
          at: finished.updatedAt.toISOString(),
          splitId: s.id,
          outSplitNo: s.outSplitNo,
          receivers: shares.map((x) => ({ merchantId: x.merchantId, amountFen: fenToJson(x.amountFen) })),
          ...(to === 'failed' ? { reason: 'receiver_not_active' } : {}),
        }),
        { tenantId },
      );
      return { split: finished, wake: true };
    });
    if (done.wake) this.relay.wake();
    return done.split;
  }

  wake(): void {
    this.relay.wake();
  }

  async get(scope: OrderScope, splitId: string): Promise<Split> {
    const s = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const split = await this.repo.findSplit(em, splitId);
      if (!split || (!scope.seesAllApps && split.appId !== scope.appId)) throw new ApiError('not_found', `no split ${splitId}`);
      return split;
    });
    return this.view(scope.tenantId, s.state === 'processing' ? await this.process(scope.tenantId, s.id) : s);
  }

  async list(scope: OrderScope, orderId: string): Promise<{ data: Split[] }> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const o = this.visible(scope, await this.repo.findEscrow(em, orderId), orderId);
      const splits = await this.repo.splitsOfOrder(em, o.id);
      const shares = await this.repo.sharesOf(
        em,
        splits.map((s) => s.id),
      );
      return {
        data: splits.map((s) =>
          splitView(
            s,
            shares.filter((x) => x.splitId === s.id),
          ),
        ),
      };
    });
  }

  /** 完结分账: the unsplit remainder goes to the order's merchant; no split after that. */
  async finish(scope: OrderScope, orderId: string): Promise<EscrowPositionView> {
    const view = await inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const o = this.visible(scope, await this.repo.findEscrow(em, orderId), orderId);
      if (!o.profitSharing || o.state !== 'succeeded')
        throw new ApiError(
          'order_not_splittable',
          o.profitSharing ? `a ${o.state} order has no escrow to release` : 'this order was not created with profitSharing',
        );
      const processing = (await this.repo.splitsOfOrder(em, o.id)).filter((s) => s.state === 'processing');
      if (processing.length > 0) throw new ApiError('conflict', 'a split of this order is still processing; finish after it is final');
      const done = await this.escrow.release(em, o.id, 'finished');
      if (!done) throw new ApiError('not_found', `no acquiring order ${orderId}`);
      return this.positionView(em, done);
    });
    this.relay.wake();
    return view;
  }

  async position(scope: OrderScope, orderId: string): Promise<EscrowPositionView> {
    return inTenantTransaction(this.ds, scope.tenantId, async (em) => {
      const o = this.visible(scope, await this.repo.findEscrow(em, orderId), orderId);
      return this.positionView(em, o);
    });
  }

  private async positionView(em: EntityManager, o: EscrowRecord): Promise<EscrowPositionView> {
    const shared = o.profitSharing && o.state === 'succeeded';
    const fee = shared ? await this.escrow.feeOf(em, o) : 0n;
    const p = { ...positionOf(o), feeFen: fee };
    const rules = await this.escrow.rules(em);
    const capLeft = receiverCapFen(o.amountFen, rules.receiverCapBp) - o.splitOthersFen;
    const held = shared ? escrowFen(p) : 0n;
    return {
      orderId: o.id,
      profitSharing: o.profitSharing,
      amountFen: fenToJson(o.amountFen),
      feeFen: fenToJson(fee),
      splitFen: fenToJson(o.splitFen),
      releasedFen: fenToJson(o.releasedFen),
      refundedFromEscrowFen: fenToJson(o.escrowRefundedFen),
      escrowFen: fenToJson(held > 0n ? held : 0n),
      splittableFen: fenToJson(shared && !o.sharingFinishedAt ? splittableFen(p, await this.repo.refundsCommitted(em, o.id)) : 0n),
      receiverCapLeftFen: fenToJson(shared && capLeft > 0n ? capLeft : 0n),
      finishedAt: o.sharingFinishedAt ? o.sharingFinishedAt.toISOString() : null,
    };
  }

  private async view(tenantId: string, s: SplitRecord): Promise<Split> {
    const shares = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.sharesOf(em, [s.id]));
    return splitView(s, shares);
  }

  /** The same outSplitNo again: the same order and shares answer the first split; anything else is a conflict. */
  private sameSplit(s: SplitRecord, orderId: string, shares: ReadonlyArray<{ merchantId: string; amountFen: bigint }>, stored: ShareRecord[]): SplitRecord {
    const same =
      s.orderId === orderId &&
      stored.length === shares.length &&
      stored.every((x, i) => x.merchantId === shares[i]?.merchantId && x.amountFen === shares[i]?.amountFen);
    if (!same)
      throw new ApiError(
        'conflict',
        `split '${s.outSplitNo}' was already asked with other receivers or for another order; use a new split number`,
        'outSplitNo',
      );
    return s;
  }

  private visible(scope: OrderScope, o: EscrowRecord | undefined, id: string): EscrowRecord {
    if (!o || (!scope.seesAllApps && o.appId !== scope.appId)) throw new ApiError('not_found', `no acquiring order ${id}`);
    return o;
  }
}

function splitView(s: SplitRecord, shares: readonly ShareRecord[]): Split {
  return {
    id: s.id,
    orderId: s.orderId,
    outSplitNo: s.outSplitNo,
    totalFen: fenToJson(s.totalFen),
    status: s.state,
    failureReason: s.failureReason,
    receivers: shares.map((x) => ({ merchantId: x.merchantId, amountFen: fenToJson(x.amountFen), reversedFen: fenToJson(x.reversedFen) })),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
