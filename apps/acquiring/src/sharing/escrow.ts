import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { defaultTenantConfig, SplitReleasedData, SplitReleasedV1, SplitReversedData, SplitReversedV1, type TenantConfig } from '@countypay/contracts';
import { addToOutbox } from '@countypay/messaging';
import { fenToJson, planFeeFen } from '@countypay/money';
import { OnboardingReadModel } from '@countypay/read-models';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_HOLD_DAYS,
  DEFAULT_RECEIVER_CAP_BP,
  DEFAULT_REVERSE_WINDOW_DAYS,
  escrowFen,
  planRefundDraw,
  type EscrowPosition,
} from '../domain/split-rules';
import { SharingRepository, type EscrowRecord } from './sharing.repository';

export interface SharingRules {
  receiverCapBp: number;
  maxHoldDays: number;
  reverseWindowDays: number;
}

export function sharingRulesOf(config: Pick<TenantConfig, 'profitSharing'> | undefined): SharingRules {
  const p = config?.profitSharing;
  return {
    receiverCapBp: p?.receiverCapBp ?? DEFAULT_RECEIVER_CAP_BP,
    maxHoldDays: p?.maxHoldDays ?? DEFAULT_MAX_HOLD_DAYS,
    reverseWindowDays: p?.reverseWindowDays ?? DEFAULT_REVERSE_WINDOW_DAYS,
  };
}

export function positionOf(o: EscrowRecord): EscrowPosition {
  return {
    amountFen: o.amountFen,
    feeFen: o.sharingFeeFen ?? 0n,
    splitFen: o.splitFen,
    splitToOthersFen: o.splitOthersFen,
    releasedFen: o.releasedFen,
    refundedFromEscrowFen: o.escrowRefundedFen,
  };
}

const DAY_MS = 86_400_000;

/**
 * The escrow of shared orders inside the caller's tenant transaction: the fee it was opened
 * with, the tenant's rules, the release of the remainder, and how a refund draws on it
 * (escrow, then reversals of splits within the window, then the merchant's payable). Every
 * movement writes its `split.*` event to the outbox in the same transaction; the settlement
 * ledger posts it.
 */
@Injectable()
export class Escrow {
  constructor(
    private readonly repo: SharingRepository,
    private readonly readModel: OnboardingReadModel,
  ) {}

  /** The tenant's config whatever its status (money already taken is always accounted for). */
  async config(em: EntityManager): Promise<TenantConfig> {
    const t = await this.readModel.tenant(em);
    return t ? (t.config as TenantConfig) : defaultTenantConfig();
  }

  async rules(em: EntityManager): Promise<SharingRules> {
    return sharingRulesOf(await this.config(em));
  }

  /** The fee of the order's escrow: fixed at the first sharing step, else what the tenant's plan says now (reads write nothing). */
  async feeOf(em: EntityManager, o: EscrowRecord): Promise<bigint> {
    if (o.sharingFeeFen !== null) return o.sharingFeeFen;
    if (!o.channel) return 0n;
    const plan = (await this.config(em)).feePlan ?? defaultTenantConfig().feePlan;
    return planFeeFen(plan, 'acquiring', o.channel, o.amountFen);
  }

  /** The order's escrow (locked), its fee fixed at the first sharing step under the tenant's plan. */
  async open(em: EntityManager, orderId: string): Promise<EscrowRecord | undefined> {
    const o = await this.repo.findEscrow(em, orderId, { lock: true });
    if (!o || !o.profitSharing || o.state !== 'succeeded' || o.sharingFeeFen !== null || !o.channel) return o;
    return this.repo.fixFee(em, o.id, await this.feeOf(em, o));
  }

  /** Releases what the escrow holds to the merchant (once); the order's escrow afterwards. */
  async release(em: EntityManager, orderId: string, reason: 'finished' | 'hold_expired'): Promise<EscrowRecord | undefined> {
    const o = await this.open(em, orderId);
    if (!o || !o.profitSharing || o.state !== 'succeeded' || o.sharingFinishedAt) return o;
    const held = escrowFen(positionOf(o));
    const amount = held > 0n ? held : 0n;
    const releaseId = amount > 0n ? randomUUID() : null;
    const done = await this.repo.finish(em, o.id, amount, releaseId);
    if (!done) return this.repo.findEscrow(em, o.id);
    if (releaseId && done.channel) {
      await addToOutbox(
        em,
        SplitReleasedV1,
        Object.assign(new SplitReleasedData(), {
          ...this.ref(done),
          channel: done.channel,
          amountFen: fenToJson(amount),
          releaseId,
          reason,
        }),
        { tenantId: done.tenantId },
      );
    }
    return done;
  }

  /**
   * A succeeded refund of a shared order (in the refund's transaction): the escrow first, then
   * 分账回退 of splits made within the tenant's window (newest first, one `split.reversed` each),
   * then the merchant's payable. Answers the part taken from the escrow (the refund event's `escrowFen`).
   */
  async drawForRefund(em: EntityManager, orderId: string, refundId: string, refundFen: bigint, now: Date): Promise<bigint> {
    const o = await this.open(em, orderId);
    if (!o || !o.profitSharing || !o.channel) return 0n;
    const rules = await this.rules(em);
    const since = new Date(now.getTime() - rules.reverseWindowDays * DAY_MS);
    const reversible = await this.repo.reversibleSplits(em, o.id, since);
    const draw = planRefundDraw(
      refundFen,
      escrowFen(positionOf(o)),
      reversible.map((r) => ({
        splitId: r.split.id,
        shares: r.shares.map((x) => ({ lineNo: x.lineNo, merchantId: x.merchantId, remainingFen: x.amountFen - x.reversedFen })),
      })),
    );
    for (const rev of draw.reversals) {
      let total = 0n;
      let fromOthers = 0n;
      for (const s of rev.shares) {
        await this.repo.reverseShare(em, rev.splitId, s.lineNo, s.amountFen);
        total += s.amountFen;
        if (s.merchantId !== o.merchantId) fromOthers += s.amountFen;
      }
      await this.repo.reverseSplit(em, o.id, total, fromOthers);
      const reversalId = randomUUID();
      const shares = rev.shares.map((s) => ({ merchantId: s.merchantId, amountFen: fenToJson(s.amountFen) }));
      await this.repo.insertReversal(em, {
        id: reversalId,
        tenantId: o.tenantId,
        orderId: o.id,
        splitId: rev.splitId,
        refundId,
        amountFen: total,
        shares: shares.map((s) => ({ merchantId: s.merchantId, amountFen: String(s.amountFen) })),
      });
      await addToOutbox(
        em,
        SplitReversedV1,
        Object.assign(new SplitReversedData(), {
          ...this.ref(o),
          channel: o.channel,
          amountFen: fenToJson(total),
          reversalId,
          splitId: rev.splitId,
          refundId,
          receivers: shares,
        }),
        { tenantId: o.tenantId },
      );
    }
    if (draw.fromEscrowFen > 0n) await this.repo.addEscrowRefunded(em, o.id, draw.fromEscrowFen);
    return draw.fromEscrowFen;
  }

  private ref(o: EscrowRecord): { orderId: string; merchantId: string; partnerAppId?: string; product: 'acquiring'; currency: 'CNY'; at: string } {
    return {
      orderId: o.id,
      merchantId: o.merchantId,
      ...(o.appId ? { partnerAppId: o.appId } : {}),
      product: 'acquiring',
      currency: 'CNY',
      at: new Date().toISOString(),
    };
  }
}
