import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, SettlementBatchChangedData, SettlementBatchChangedV1 } from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { OnboardingReadModel } from '@countypay/read-models';
import { LOGGER, pageRequest } from '@countypay/service-kit';
import { nextBatchStatus, type BatchAction, type BatchStatus } from '../domain/batch-state';
import { businessWindow, isBusinessDate, settlementDate } from '../domain/business-day';
import { clearWindow, noActivity, type MerchantActivity } from '../domain/clearing';
import { settlementPolicyOf, type SettlementPolicy } from '../domain/settlement-policy';
import type { ListSettlementBatchesQuery, MerchantPayoutHold, SettlementBatch, SettlementBatchDetail, SettlementBatchItem } from './dto/settlement-batches.dto';
import type { PageQuery } from '@countypay/service-kit';
import {
  SettlementBatchesRepository,
  type ApprovalRecord,
  type BatchRecord,
  type HistoryRecord,
  type HoldRecord,
  type ItemRecord,
} from './settlement-batches.repository';

/** Who acts on a batch: an operator (county or province) or the service's own cut-off job. */
export interface BatchActor {
  readonly type: 'county' | 'province' | 'system';
  readonly id: string;
}

/**
 * Settlement batches: the cut-off of a business date (clearing the ledger's entries into one batch
 * per tenant and date — idempotent), approvals (maker/checker above the tenant threshold), holds
 * on merchants' payouts, and abort before any payout. Every status change, its history row and its
 * `settlement.batch-changed` event are one transaction.
 */
@Injectable()
export class SettlementBatchesService {
  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly repo: SettlementBatchesRepository,
    private readonly tenants: OnboardingReadModel,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async policy(em: EntityManager): Promise<SettlementPolicy> {
    const t = await this.tenants.tenant(em);
    return settlementPolicyOf(t?.config as Record<string, unknown> | undefined);
  }

  /**
   * Closes business date `businessDate` and clears it into a batch: pending approval, with its
   * tie-out. Re-running a date returns the batch it made, unchanged (`created: false`).
   */
  async runCutoff(tenantId: string, businessDate: string, actor: BatchActor, now = new Date()): Promise<{ batch: SettlementBatchDetail; created: boolean }> {
    if (!isBusinessDate(businessDate)) throw new ApiError('invalid_request', 'businessDate must be a calendar date YYYY-MM-DD', 'businessDate');
    const { batchId, created } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const existing = await this.repo.findBatchByDate(em, businessDate);
      if (existing) return { batchId: existing.id, created: false };
      const policy = await this.policy(em);
      const window = businessWindow(businessDate, policy.cutoffTime);
      if (now.getTime() < window.end.getTime())
        throw new ApiError(
          'business_day_not_closed',
          `business date ${businessDate} closes at ${window.end.toISOString()} (cut-off ${policy.cutoffTime})`,
          'businessDate',
        );
      const latest = await this.repo.latestBusinessDate(em);
      if (latest !== undefined && latest > businessDate)
        throw new ApiError(
          'invalid_state_transition',
          `business date ${latest} is already cut off: ${businessDate} cannot be cut off after it`,
          'businessDate',
        );
      const id = randomUUID();
      const inserted = await this.repo.insertBatch(em, {
        id,
        tenantId,
        businessDate,
        cycle: policy.cycle,
        settlementDate: settlementDate(businessDate, policy.cycle),
        cutoffTime: policy.cutoffTime,
        windowEnd: window.end,
        reserveBp: policy.reserveBp,
        approvalThresholdFen: policy.approvalThresholdFen,
        createdBy: `${actor.type}:${actor.id}`,
      });
      if (!inserted) {
        const raced = await this.repo.findBatchByDate(em, businessDate);
        if (!raced) throw new Error(`batch of ${businessDate} neither inserted nor found`);
        return { batchId: raced.id, created: false };
      }
      await this.repo.addHistory(em, tenantId, id, { action: 'cutoff', fromStatus: null, toStatus: 'open', actorType: actor.type, actorId: actor.id });

      const activity = await this.repo.claimEntries(em, tenantId, id, window.end);
      const leftovers = await this.repo.claimLeftovers(em, id);
      const byMerchant = new Map<string, MerchantActivity>(activity.map((a) => [a.merchantId, { ...a, broughtForwardFen: leftovers.get(a.merchantId) ?? 0n }]));
      for (const [merchantId, amount] of leftovers) if (!byMerchant.has(merchantId)) byMerchant.set(merchantId, noActivity(merchantId, amount));
      const items = clearWindow([...byMerchant.values()], { cycle: policy.cycle, reserveBp: policy.reserveBp, holds: await this.repo.activeHolds(em) });
      await this.repo.insertItems(em, tenantId, id, items);
      const { clearingFen, entryCount } = await this.repo.clearingFromLedger(em, tenantId, id);
      await this.repo.writeTotals(em, id, { clearingFen, entryCount, trialBalanceBalanced: await this.repo.trialBalanceBalanced(em) });
      await this.transition(em, tenantId, id, 'open', 'close', actor);
      await this.transition(em, tenantId, id, 'closed', 'submit', actor);
      return { batchId: id, created: true };
    });
    if (created) this.logger.info({ tenantId, businessDate, batchId }, 'settlement batch cut off');
    return { batch: await this.detail(tenantId, batchId), created };
  }

  /** One county operator's approval; the batch is approved once the required number of different operators have approved. */
  async approve(tenantId: string, batchId: string, actor: BatchActor): Promise<SettlementBatchDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.lockedBatch(em, batchId);
      if (b.status !== 'pending_approval') throw new ApiError('invalid_state_transition', `batch ${batchId} is ${b.status}, not pending approval`);
      if (!b.tieOutBalanced || !b.trialBalanceBalanced)
        throw new ApiError('invalid_state_transition', `batch ${batchId} does not tie out (or the trial balance was not balanced): it cannot be approved`);
      if (!(await this.repo.addApproval(em, tenantId, batchId, actor.id)))
        throw new ApiError('approval_already_given', `operator ${actor.id} has already approved batch ${batchId}: a second, different operator must approve`);
      const approvals = await this.repo.findApprovals(em, batchId);
      if (approvals.length >= b.approvalsRequired) await this.transition(em, tenantId, batchId, 'pending_approval', 'approve', actor);
      else
        await this.repo.addHistory(em, tenantId, batchId, {
          action: 'approve',
          fromStatus: 'pending_approval',
          toStatus: 'pending_approval',
          actorType: actor.type,
          actorId: actor.id,
          reason: `${approvals.length} of ${b.approvalsRequired} approvals`,
        });
    });
    return this.detail(tenantId, batchId);
  }

  /** Aborts a batch before any payout is committed; its entries and brought-forward amounts go to the next cut-off. */
  async abort(tenantId: string, batchId: string, reason: string, actor: BatchActor): Promise<SettlementBatchDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.lockedBatch(em, batchId);
      await this.transition(em, tenantId, batchId, b.status, 'abort', actor, reason);
      await this.repo.releaseBatch(em, batchId);
    });
    return this.detail(tenantId, batchId);
  }

  /**
   * Holds a merchant's payouts: its items in batches not yet paying become held (their net stays
   * payable and is brought forward), and later cut-offs hold it until the hold is released.
   */
  async hold(tenantId: string, merchantId: string, reason: string, actor: BatchActor): Promise<MerchantPayoutHold> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      // a merchant of this county only (another county's merchant is a 404, never a hold here)
      await this.tenants.merchant(em, merchantId);
      const inserted = await this.repo.insertHold(em, tenantId, { id: randomUUID(), merchantId, reason, heldBy: actor.id });
      if (!inserted) throw new ApiError('conflict', `merchant ${merchantId} is already held`, 'merchantId');
      for (const batchId of await this.repo.unpaidBatchesWithPayable(em, merchantId)) {
        const b = await this.lockedBatch(em, batchId);
        await this.repo.holdItem(em, batchId, merchantId, reason);
        await this.repo.writeTotals(em, batchId, { clearingFen: b.clearingFen, entryCount: b.entryCount, trialBalanceBalanced: b.trialBalanceBalanced });
        await this.repo.addHistory(em, tenantId, batchId, {
          action: 'hold',
          fromStatus: b.status,
          toStatus: b.status,
          actorType: actor.type,
          actorId: actor.id,
          reason: `${merchantId}: ${reason}`,
        });
      }
      const h = await this.repo.findActiveHold(em, merchantId);
      if (!h) throw new Error('hold vanished');
      return holdView(h);
    });
  }

  async release(tenantId: string, merchantId: string, actor: BatchActor): Promise<MerchantPayoutHold> {
    const h = await inTenantTransaction(this.ds, tenantId, async (em) => {
      await this.tenants.merchant(em, merchantId);
      return this.repo.releaseHold(em, merchantId, actor.id);
    });
    if (!h) throw new ApiError('not_found', `merchant ${merchantId} has no payout hold`, 'merchantId');
    return holdView(h);
  }

  async detail(tenantId: string, batchId: string): Promise<SettlementBatchDetail> {
    const { b, approvals, history, clearing } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.repo.findBatch(em, batchId);
      if (!b) throw notFound(batchId);
      return {
        b,
        approvals: await this.repo.findApprovals(em, batchId),
        history: await this.repo.findHistory(em, batchId),
        clearing: await this.repo.clearingParts(em, batchId),
      };
    });
    const c = clearing;
    return {
      ...batchView(b, approvals),
      clearing: {
        paymentsFen: n(c.paymentsFen),
        refundsFen: n(c.refundsFen),
        feesFen: n(c.feesFen),
        splitsInFen: n(c.splitsInFen),
        splitsOutFen: n(c.splitsOutFen),
        creditSalesFen: n(c.creditSalesFen),
        adjustmentsFen: n(c.adjustmentsFen),
      },
      history: history.map(historyView),
    };
  }

  async list(tenantId: string, q: ListSettlementBatchesQuery): Promise<Page<SettlementBatch>> {
    const page = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.listBatches(em, { status: q.status }, pageRequest(q)));
    return { data: page.data.map((b) => batchView(b, [])), nextCursor: page.nextCursor };
  }

  async items(tenantId: string, batchId: string, q: PageQuery): Promise<Page<SettlementBatchItem>> {
    const page = await inTenantTransaction(this.ds, tenantId, async (em) => {
      if (!(await this.repo.findBatch(em, batchId))) throw notFound(batchId);
      return this.repo.pageItems(em, batchId, pageRequest(q));
    });
    return { data: page.data.map(itemView), nextCursor: page.nextCursor };
  }

  /** Moves the batch by the table (409 otherwise), records the history and emits `settlement.batch-changed`, in the caller's transaction. */
  async transition(
    em: EntityManager,
    tenantId: string,
    batchId: string,
    from: BatchStatus,
    action: BatchAction,
    actor: BatchActor,
    reason?: string,
  ): Promise<BatchStatus> {
    const to = nextBatchStatus(from, action);
    if (!to) throw new ApiError('invalid_state_transition', `a ${from} batch cannot ${action.replaceAll('_', ' ')}`);
    await this.repo.setStatus(em, batchId, to);
    await this.repo.addHistory(em, tenantId, batchId, {
      action,
      fromStatus: from,
      toStatus: to,
      actorType: actor.type,
      actorId: actor.id,
      reason: reason ?? null,
    });
    const b = await this.repo.findBatch(em, batchId);
    if (!b) throw notFound(batchId);
    const data = Object.assign(new SettlementBatchChangedData(), {
      batchId,
      businessDate: b.businessDate,
      settlementDate: b.settlementDate,
      action,
      status: to,
      previousStatus: from,
      itemCount: b.itemCount,
      payoutFen: fenToJson(b.payoutFen),
      at: new Date().toISOString(),
    });
    await addToOutbox(em, SettlementBatchChangedV1, data, { tenantId });
    this.relay.wake();
    return to;
  }

  async lockedBatch(em: EntityManager, batchId: string): Promise<BatchRecord> {
    const b = await this.repo.findBatch(em, batchId, { lock: true });
    if (!b) throw notFound(batchId);
    return b;
  }
}

function notFound(batchId: string): ApiError {
  return new ApiError('not_found', `no settlement batch ${batchId}`, 'batchId');
}

function n(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max || v < -max) throw new RangeError('amount out of the safe range');
  return Number(v);
}

export function batchView(b: BatchRecord, approvals: readonly ApprovalRecord[]): SettlementBatch {
  return {
    id: b.id,
    businessDate: b.businessDate,
    settlementDate: b.settlementDate,
    cycle: b.cycle,
    cutoffTime: b.cutoffTime,
    windowEnd: b.windowEnd.toISOString(),
    status: b.status,
    entryCount: b.entryCount,
    itemCount: b.itemCount,
    tieOut: {
      clearingFen: n(b.clearingFen),
      broughtForwardFen: n(b.broughtForwardFen),
      payoutFen: n(b.payoutFen),
      feeFen: n(b.feeFen),
      reserveFen: n(b.reserveFen),
      heldFen: n(b.heldFen),
      carriedFen: n(b.carriedFen),
      balanced: b.tieOutBalanced,
      trialBalanceBalanced: b.trialBalanceBalanced,
    },
    approvalThresholdFen: n(b.approvalThresholdFen),
    approvalsRequired: b.approvalsRequired,
    approvals: approvals.map((a) => ({ operatorId: a.operatorId, approvedAt: a.approvedAt.toISOString() })),
    currency: 'CNY',
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

function historyView(h: HistoryRecord): SettlementBatchDetail['history'][number] {
  return {
    action: h.action,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    actorType: h.actorType,
    actorId: h.actorId,
    reason: h.reason,
    at: h.at.toISOString(),
  };
}

export function itemView(i: ItemRecord): SettlementBatchItem {
  return {
    merchantId: i.merchantId,
    paymentCount: i.paymentCount,
    paymentsFen: n(i.paymentsFen),
    refundCount: i.refundCount,
    refundsFen: n(i.refundsFen),
    feesFen: n(i.feesFen),
    splitsInFen: n(i.splitsInFen),
    splitsOutFen: n(i.splitsOutFen),
    creditSalesFen: n(i.creditSalesFen),
    adjustmentsFen: n(i.adjustmentsFen),
    broughtForwardFen: n(i.broughtForwardFen),
    grossFen: n(i.grossFen),
    netFen: n(i.netFen),
    reserveFen: n(i.reserveFen),
    payoutFen: n(i.payoutFen),
    status: i.status,
    holdReason: i.holdReason,
  };
}

function holdView(h: HoldRecord): MerchantPayoutHold {
  return {
    merchantId: h.merchantId,
    reason: h.reason,
    heldBy: h.heldBy,
    heldAt: h.heldAt.toISOString(),
    releasedBy: h.releasedBy,
    releasedAt: h.releasedAt?.toISOString() ?? null,
  };
}
