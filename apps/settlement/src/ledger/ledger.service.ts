import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApiError,
  defaultTenantConfig,
  SettlementPostedData,
  SettlementPostedV1,
  type CreditDrawdownData,
  type CreditCashRefundData,
  type CreditDrawdownRefundData,
  type CreditRepaymentData,
  type EventEnvelope,
  type PaymentSucceededData,
  type RefundData,
  type SettlementSourceType,
  type SplitData,
  type SplitReleasedData,
  type SplitReversedData,
} from '@countypay/contracts';
import { outboxRow } from '@countypay/messaging';
import { fenToJson, toFen } from '@countypay/money';
import { annotateActiveSpan, type Logger } from '@countypay/observability';
import { bindTenant, inTenantTransaction, type Page } from '@countypay/persistence';
import { LOGGER, pageRequest } from '@countypay/service-kit';
import { merchantPayable } from '../domain/chart-of-accounts';
import {
  isBalanced,
  paymentSucceededEntry,
  proRataReturnedFee,
  refundSucceededEntry,
  splitReleasedEntry,
  splitReversedEntry,
  splitSucceededEntry,
  type EntryPlan,
  type FeeRuleLike,
} from '../domain/posting-rules';
import { settlementPolicyOf } from '../domain/settlement-policy';
import { cashRefundEntry, drawdownEntry, drawdownRefundedEntry, drawdownReversedEntry, repaymentEntry } from './credit-postings';
import { OnboardingReadModel } from '@countypay/read-models';
import { flushLedger, gatherEntry } from './balance-batch';
import { LedgerMetrics } from './ledger.metrics';
import type { LedgerEntry, MerchantBalance, TrialBalance, TrialBalanceAccount } from './dto/ledger.responses.dto';
import type { ListLedgerEntriesQuery } from './dto/list-ledger-entries.query.dto';
import { LedgerRepository, type BalanceRecord, type EntryRecord, type PostingRecord } from './ledger.repository';

export interface PostedEntry {
  entryId: string;
  postedAt: Date;
}

/**
 * How a handler posts. `atCommit`: gathered for the transaction's single ledger statement per
 * tenant, written just before it commits (a consumer's batch: see balance-batch.ts); the handler
 * then returns undefined. Without it the entry is written at once and the handler returns it (or
 * undefined for an event already posted).
 */
export interface PostOptions {
  atCommit?: boolean;
}

/** Who is asking: a partner app sees only what its own payments posted; operators (no app) see the whole tenant. */
export interface Viewer {
  partnerAppId?: string;
}

interface Source {
  eventId: string;
  type: SettlementSourceType;
  ref: string;
  orderId: string;
  refundId: string | null;
  merchantId: string | null;
  partnerAppId: string | null;
  product: string;
  channel: string;
  occurredAt: Date;
}

/**
 * The tenant's double-entry ledger: posts each money event exactly once (journal entry,
 * postings, balances and the `settlement.posted` outbox event in the caller's transaction)
 * and answers balance, entry and trial-balance queries under the tenant's row-level security.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: LedgerRepository,
    private readonly tenants: OnboardingReadModel,
    private readonly metrics: LedgerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Consumer: `payment.succeeded` → Dr channel receivable A; Cr merchant payable A − F; Cr fee income F. */
  async onPaymentSucceeded(event: EventEnvelope<PaymentSucceededData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const feePlan = await feePlanOf(this.tenants, em, event.tenantId);
    const plan = paymentSucceededEntry({
      amountFen: toFen(d.amountFen),
      product: d.product,
      channel: d.channel,
      merchantId: d.merchantId,
      feePlan,
      escrow: d.escrow === true,
    });
    return this.post(em, event, plan, this.orderSource(event, 'payment.succeeded', d.orderId, null), opts);
  }

  /**
   * Consumer: `refund.succeeded` → Dr merchant payable R; Cr channel receivable R — the fee kept
   * (the default), or, where the tenant returns fees pro rata, Dr merchant payable R − f; Dr fee income f.
   */
  async onRefundSucceeded(event: EventEnvelope<RefundData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const amountFen = toFen(d.amountFen);
    let returnedFeeFen = 0n;
    if (
      settlementPolicyOf((await this.tenants.tenant(em, event.tenantId))?.config as Record<string, unknown> | undefined).refundFeePolicy === 'returned_pro_rata'
    ) {
      // the order's entries as posted so far — those this transaction gathered too (an earlier refund of the batch)
      if (await flushLedger(em)) await bindTenant(em, event.tenantId); // the flush bound each tenant it wrote in turn
      const o = await this.repo.orderFees(em, event.tenantId, d.orderId);
      if (o)
        returnedFeeFen = proRataReturnedFee({
          paymentFen: o.paymentFen,
          paymentFeeFen: o.paymentFeeFen,
          refundedBeforeFen: o.refundedFen,
          returnedBeforeFen: o.returnedFeeFen,
          refundFen: amountFen,
        });
    }
    // profit sharing: the part acquiring took from the order's escrow (never more than the refund less a returned fee)
    const asked = d.escrowFen === undefined ? 0n : toFen(d.escrowFen);
    const escrowFen = asked > amountFen - returnedFeeFen ? amountFen - returnedFeeFen : asked;
    const plan = refundSucceededEntry({ amountFen, channel: d.channel, merchantId: d.merchantId, returnedFeeFen, escrowFen });
    return this.post(em, event, plan, this.orderSource(event, 'refund.succeeded', d.refundId, d.refundId), opts);
  }

  /** Consumer: `split.succeeded` → Dr merchant escrow S; Cr each receiver's payable sᵢ. */
  async onSplitSucceeded(event: EventEnvelope<SplitData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const plan = splitSucceededEntry(
      d.merchantId,
      d.receivers.map((r) => ({ merchantId: r.merchantId, amountFen: toFen(r.amountFen) })),
    );
    return this.post(em, event, plan, this.sharingSource(event, 'split.succeeded', d.splitId), opts);
  }

  /** Consumer: `split.released` → Dr merchant escrow X; Cr merchant payable X. */
  async onSplitReleased(event: EventEnvelope<SplitReleasedData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    return this.post(em, event, splitReleasedEntry(d.merchantId, toFen(d.amountFen)), this.sharingSource(event, 'split.released', d.releaseId), opts);
  }

  /** Consumer: `split.reversed` (分账回退) → Dr each receiver's payable rᵢ; Cr merchant escrow Σ rᵢ. */
  async onSplitReversed(event: EventEnvelope<SplitReversedData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const plan = splitReversedEntry(
      d.merchantId,
      d.receivers.map((r) => ({ merchantId: r.merchantId, amountFen: toFen(r.amountFen) })),
    );
    return this.post(em, event, plan, { ...this.sharingSource(event, 'split.reversed', d.reversalId), refundId: d.refundId }, opts);
  }

  private sharingSource(
    event: EventEnvelope<SplitData | SplitReleasedData | SplitReversedData>,
    type: 'split.succeeded' | 'split.released' | 'split.reversed',
    ref: string,
  ): Source {
    return this.orderSource(event, type, ref, null);
  }

  /** The source of an entry announced by an order's event (payment, refund, profit sharing). */
  private orderSource(
    event: EventEnvelope<PaymentSucceededData | RefundData | SplitData | SplitReleasedData | SplitReversedData>,
    type: Source['type'],
    ref: string,
    refundId: string | null,
  ): Source {
    const d = event.data;
    return {
      eventId: event.id,
      type,
      ref,
      orderId: d.orderId,
      refundId,
      merchantId: d.merchantId,
      partnerAppId: d.partnerAppId ?? null,
      product: d.product,
      channel: d.channel,
      occurredAt: new Date(event.occurredAt),
    };
  }

  /** Consumer: `credit.drawdown-created` P → Dr loans receivable P; Cr merchant payable P (credit clearing without a merchant). */
  onCreditDrawdownCreated(event: EventEnvelope<CreditDrawdownData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const principalFen = toFen(d.principalFen);
    const lines = drawdownEntry({ principalFen, merchantId: d.merchantId ?? null });
    return this.postCredit(em, event, principalFen, lines, creditSource(event, 'credit.drawdown-created', d.loanId, d.merchantId, d.partnerAppId), opts);
  }

  /** Consumer: `credit.drawdown-reversed` P (a refund before billing) → the drawdown's entry reversed. */
  onCreditDrawdownReversed(event: EventEnvelope<CreditDrawdownData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const principalFen = toFen(d.principalFen);
    const lines = drawdownReversedEntry({ principalFen, merchantId: d.merchantId ?? null });
    return this.postCredit(em, event, principalFen, lines, creditSource(event, 'credit.drawdown-reversed', d.loanId, d.merchantId, d.partnerAppId), opts);
  }

  /** Consumer: `credit.drawdown-refunded` R (before or after billing) → Dr merchant payable R; Cr loans receivable R. */
  onCreditDrawdownRefunded(event: EventEnvelope<CreditDrawdownRefundData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const refundFen = toFen(d.principalFen);
    const lines = drawdownRefundedEntry({ refundFen, merchantId: d.merchantId ?? null });
    return this.postCredit(em, event, refundFen, lines, creditSource(event, 'credit.drawdown-refunded', d.refundId, d.merchantId, d.partnerAppId), opts);
  }

  /** Consumer: `credit.cash-refunded` C (a refund of repaid principal, credited to the customer's account) → Dr merchant payable C; Cr customer deposits C. */
  onCreditCashRefunded(event: EventEnvelope<CreditCashRefundData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const cashFen = toFen(d.cashFen);
    const lines = cashRefundEntry({ cashFen, merchantId: d.merchantId ?? null });
    return this.postCredit(em, event, cashFen, lines, creditSource(event, 'credit.cash-refunded', d.refundId, d.merchantId, d.partnerAppId), opts);
  }

  /**
   * Consumer: `credit.repayment-received` A → Dr customer deposits A; Cr loans receivable (principal),
   * interest income, credit fee income, penalty income; any unapplied remainder to credit clearing.
   */
  onCreditRepaymentReceived(event: EventEnvelope<CreditRepaymentData>, em: EntityManager, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const d = event.data;
    const amountFen = toFen(d.amountFen);
    const part = (v: CreditRepaymentData['principalFen']): bigint => (v === undefined ? 0n : toFen(v));
    const lines = repaymentEntry({
      amountFen,
      principalFen: part(d.principalFen),
      interestFen: part(d.interestFen),
      feeFen: part(d.feeFen),
      penaltyFen: part(d.penaltyFen),
    });
    // the repayment is the business key; an event without one is keyed by its own id (posted once all the same)
    const ref = d.repaymentId ?? event.id;
    return this.postCredit(em, event, amountFen, lines, creditSource(event, 'credit.repayment-received', ref, undefined, d.partnerAppId), opts);
  }

  /** A credit entry: no fee on the loan book's movements (interest and fees are their own lines). */
  private postCredit(
    em: EntityManager,
    event: EventEnvelope,
    amountFen: bigint,
    lines: EntryPlan['lines'],
    src: Source,
    opts: PostOptions,
  ): Promise<PostedEntry | undefined> {
    return this.post(em, event, { amountFen, feeFen: 0n, feeRule: null, lines }, src, opts);
  }

  /**
   * Posts the entry: with `atCommit`, gathers it (journal entry, postings, balances and the
   * `settlement.posted` outbox row) for the transaction's one ledger statement per tenant at its
   * commit — a consumer's batch — and returns undefined; otherwise writes what the transaction
   * gathered now and returns the entry, or undefined when this money event was already posted.
   */
  private async post(em: EntityManager, event: EventEnvelope, plan: EntryPlan, src: Source, opts: PostOptions = {}): Promise<PostedEntry | undefined> {
    const tenantId = event.tenantId;
    if (!isBalanced(plan.lines)) throw new Error(`posting rule for ${src.type} produced an unbalanced entry`); // unreachable: property-tested
    annotateActiveSpan({ ...(src.merchantId ? { 'merchant.id': src.merchantId } : {}), 'payment.id': src.orderId });
    const entryId = randomUUID();
    const postedAt = new Date();
    const posted = Object.assign(new SettlementPostedData(), {
      entryId,
      sourceEventId: src.eventId,
      sourceType: src.type,
      orderId: src.orderId,
      ...(src.refundId ? { refundId: src.refundId } : {}),
      ...(src.merchantId ? { merchantId: src.merchantId } : {}),
      amountFen: fenToJson(plan.amountFen),
      feeFen: fenToJson(plan.feeFen),
      postedAt: postedAt.toISOString(),
    });
    let result: PostedEntry | undefined;
    gatherEntry(
      em,
      tenantId,
      {
        entry: {
          id: entryId,
          tenantId,
          sourceEventId: src.eventId,
          sourceType: src.type,
          sourceRef: src.ref,
          orderId: src.orderId,
          refundId: src.refundId,
          merchantId: src.merchantId,
          partnerAppId: src.partnerAppId,
          product: src.product,
          channel: src.channel,
          amountFen: plan.amountFen,
          feeFen: plan.feeFen,
          feeRateBp: plan.feeRule?.rateBp ?? null,
          feeMinFen: plan.feeRule?.minFeeFen ?? null,
          feeRuleChannel: plan.feeRule?.channel ?? null,
          occurredAt: src.occurredAt,
          postedAt,
        },
        lines: plan.lines,
        // built now, in this event's span: the event carries its trace context. Written with the
        // entry (the outbox trigger's notification wakes the relay after the commit; no relay.wake()
        // here — a round started before the commit found nothing, issue 14)
        outbox: outboxRow(SettlementPostedV1, posted, { tenantId, occurredAt: postedAt }),
        settle: async (inserted, tx) => {
          if (!inserted) {
            const existing = await this.repo.findBySource(tx, tenantId, src.eventId, src.type, src.ref);
            this.logger.warn({ eventId: src.eventId, sourceType: src.type, sourceRef: src.ref, existing }, 'money event already posted; skipped');
            this.metrics.duplicates.inc({ source_type: src.type, tenant: tenantId });
            return;
          }
          this.metrics.entries.inc({ source_type: src.type, tenant: tenantId });
          this.metrics.postings.inc({ source_type: src.type, tenant: tenantId }, plan.lines.length);
          this.metrics.delay.observe({ source_type: src.type }, Math.max(0, (postedAt.getTime() - src.occurredAt.getTime()) / 1000));
          result = { entryId, postedAt };
        },
      },
      this.repo,
    );
    if (opts.atCommit) return undefined;
    if (await flushLedger(em)) await bindTenant(em, tenantId); // the flush bound each tenant it wrote in turn: the caller's scope again
    return result;
  }

  async merchantBalance(tenantId: string, merchantId: string, viewer: Viewer = {}): Promise<MerchantBalance> {
    const { row, asOf } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const visible = viewer.partnerAppId === undefined || (await this.repo.merchantHasAppEntries(em, tenantId, merchantId, viewer.partnerAppId));
      return { row: visible ? await this.repo.findBalance(em, merchantPayable(merchantId)) : undefined, asOf: await this.repo.now(em) };
    });
    if (!row) throw new ApiError('not_found', `no ledger account for merchant ${merchantId}`, 'merchantId');
    return { merchantId, payableFen: signedFen(row.balanceFen), currency: 'CNY', asOf: asOf.toISOString() };
  }

  async entries(tenantId: string, q: ListLedgerEntriesQuery, viewer: Viewer = {}): Promise<Page<LedgerEntry>> {
    const { page, postings } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const page = await this.repo.findEntries(em, tenantId, { orderId: q.orderId, partnerAppId: viewer.partnerAppId }, pageRequest(q));
      return {
        page,
        postings: await this.repo.findPostings(
          em,
          tenantId,
          page.data.map((r) => r.id),
        ),
      };
    });
    const byEntry = new Map<string, PostingRecord[]>();
    for (const p of postings) byEntry.set(p.entryId, [...(byEntry.get(p.entryId) ?? []), p]);
    return { data: page.data.map((r) => entryView(r, byEntry.get(r.id) ?? [])), nextCursor: page.nextCursor };
  }

  async trialBalance(tenantId: string): Promise<TrialBalance> {
    const { rows, asOf } = await inTenantTransaction(this.ds, tenantId, async (em) => ({
      rows: await this.repo.findBalances(em),
      asOf: await this.repo.now(em),
    }));
    return trialBalanceOf(rows, asOf);
  }
}

/** A credit event's source: the loan (or the repayment) is the order and the business key; the county bank's own book. */
function creditSource(event: EventEnvelope, type: SettlementSourceType, ref: string, merchantId: string | undefined, partnerAppId: string | undefined): Source {
  return {
    eventId: event.id,
    type,
    ref,
    orderId: ref,
    refundId: null,
    merchantId: merchantId ?? null,
    partnerAppId: partnerAppId ?? null,
    product: 'credit',
    channel: 'county_bank',
    occurredAt: new Date(event.occurredAt),
  };
}

/** The trial balance: each account's balance in its debit or credit column; the columns' totals must agree. */
export function trialBalanceOf(rows: readonly BalanceRecord[], asOf: Date): TrialBalance {
  let debits = 0n;
  let credits = 0n;
  const accounts = rows.map((r): TrialBalanceAccount => {
    const net = r.debitsFen - r.creditsFen;
    const debitFen = net > 0n ? net : 0n;
    const creditFen = net < 0n ? -net : 0n;
    debits += debitFen;
    credits += creditFen;
    return {
      account: r.account,
      type: r.accountType,
      normalSide: r.normalSide,
      postedDebitsFen: signedFen(r.debitsFen),
      postedCreditsFen: signedFen(r.creditsFen),
      debitFen: signedFen(debitFen),
      creditFen: signedFen(creditFen),
    };
  });
  return { accounts, debitsFen: signedFen(debits), creditsFen: signedFen(credits), balanced: debits === credits, currency: 'CNY', asOf: asOf.toISOString() };
}

function entryView(r: EntryRecord, postings: readonly PostingRecord[]): LedgerEntry {
  return {
    id: r.id,
    sourceEventId: r.sourceEventId,
    sourceType: r.sourceType,
    orderId: r.orderId,
    refundId: r.refundId,
    merchantId: r.merchantId,
    product: r.product,
    channel: r.channel,
    amountFen: signedFen(r.amountFen),
    feeFen: signedFen(r.feeFen),
    feeRateBp: r.feeRateBp,
    currency: 'CNY',
    occurredAt: r.occurredAt.toISOString(),
    postedAt: r.postedAt.toISOString(),
    postings: postings.map((p) => ({ line: p.lineNo, account: p.account, direction: p.direction, amountFen: signedFen(p.amountFen) })),
  };
}

/** A balance as a JSON number of fen; it may be negative (a merchant refunded beyond its payable). */
function signedFen(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max || v < -max) throw new RangeError('amount out of the safe range');
  return Number(v);
}

/**
 * The tenant's fee plan as of now (inside the event's tenant transaction): onboarding's latest
 * config, whatever the county's status (a payment already taken is posted even if the county has
 * since been suspended); the default plan until onboarding has announced the tenant.
 */
async function feePlanOf(tenants: OnboardingReadModel, em: EntityManager, tenantId: string): Promise<readonly FeeRuleLike[]> {
  // the event's tenant (the transaction's): kept in memory per tenant (SettlementReadModelModule)
  const t = await tenants.tenant(em, tenantId);
  const plan = (t?.config as { feePlan?: FeeRuleLike[] } | undefined)?.feePlan;
  return Array.isArray(plan) ? plan : defaultTenantConfig().feePlan;
}
