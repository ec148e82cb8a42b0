import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ApiError,
  RECONCILED_CHANNELS,
  ReconciliationCaseChangedData,
  ReconciliationCaseChangedV1,
  ReconciliationRunCompletedData,
  ReconciliationRunCompletedV1,
  type EventEnvelope,
  type PaymentChannel,
  type PaymentClosedData,
  type PaymentFailedData,
  type PaymentSucceededData,
  type RefundData,
} from '@countypay/contracts';
import { addToOutbox, OutboxRelay } from '@countypay/messaging';
import type { Logger } from '@countypay/observability';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { LOGGER, pageRequest } from '@countypay/service-kit';
import { addDays, isBusinessDate } from '../domain/business-day';
import { nextCaseStatus, resolutionOf, type CaseAction, type CaseStatus } from '../domain/recon-case-state';
import {
  keysToLookUp,
  missingFromStatement,
  platformKey,
  reconcile,
  summarize,
  type ChannelTxn,
  type Outcome,
  type ReconItem,
} from '../domain/reconciliation-match';
import { postReconciliationAdjustment } from '../ledger/adjustment-postings';
import { LedgerRepository } from '../ledger/ledger.repository';
import { ChannelStatementClient, type ChannelPaymentAnswer } from './channel-statement.client';
import { MakeUpRefusedError, OrderOwnerClient } from './order-owner.client';
import type {
  ListReconciliationCasesQuery,
  ListReconciliationRunsQuery,
  ReconciliationCase,
  ReconciliationCaseDetail,
  ReconciliationRun,
  ReconciliationSettings,
} from './dto/reconciliation.dto';
import { ReconciliationRepository, type CaseHistoryRecord, type CaseRecord, type RunRecord } from './reconciliation.repository';
import { foldStatement, parseStatement, StatementFormatError } from './statement-parsers';

/** Who acts on a case: an operator (county or province) or the service itself (automatic re-query). */
export interface CaseActor {
  readonly type: 'county' | 'province' | 'system';
  readonly id: string;
}

const SYSTEM: CaseActor = { type: 'system', id: 'reconciliation' };

/** The Asia/Shanghai calendar day of an instant (UTC+8, no daylight saving): the channels' statement day. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A channel's query answer about a case's movement, in the platform's terms. */
interface ChannelQueryAnswer {
  outcome: Outcome;
  amountFen: bigint;
  note: string;
  /** the payment query's own answer (a late success is refunded from it); undefined for a refund */
  payment: ChannelPaymentAnswer | undefined;
}

function channelOutcome(a: ChannelPaymentAnswer): Outcome {
  return a.status === 'succeeded' ? 'succeeded' : a.status === 'reversed' ? 'reversed' : 'closed';
}

/**
 * Channel reconciliation (对账) and its exception workflow (差错处理).
 *
 * A run (tenant, channel, business date) fetches the channel's statement, parses it, compares it
 * with the platform's movements of the day (a read model fed by the payment and refund events),
 * consults the adjacent days for one-sided movements, and opens one case per discrepant movement
 * — once: a movement keeps its case across days and re-runs. A run's cases, their history rows
 * and their `reconciliation.*` events are one transaction. Then each new case is re-queried at the
 * channel: a one-sided or status case the channel's own query contradicts is resolved; a late
 * success on an order the platform closed is refunded or made up (the tenant's choice); amount
 * mismatches and the rest go to operator review, where an adjustment is proposed by one operator
 * and approved by another, and posted to the ledger once per case.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly ds: DataSource,
    private readonly relay: OutboxRelay,
    private readonly repo: ReconciliationRepository,
    private readonly ledger: LedgerRepository,
    private readonly channels: ChannelStatementClient,
    private readonly owner: OrderOwnerClient,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // ---- the read model of the platform's movements (consumers; the caller's transaction) ----

  async onPaymentSucceeded(e: EventEnvelope<PaymentSucceededData>, em: EntityManager): Promise<void> {
    const d = e.data;
    if (!reconciled(d.channel)) return; // the county's own credit lines: no channel statement lists them
    const at = new Date(d.paidAt);
    await this.repo.upsertPlatformTxn(em, {
      tenantId: e.tenantId,
      kind: 'payment',
      orderId: d.orderId,
      refundId: null,
      channel: d.channel,
      merchantId: d.merchantId,
      channelTradeNo: d.channelTradeNo,
      amountFen: BigInt(d.amountFen),
      outcome: 'succeeded',
      businessDate: shanghaiDate(at),
      occurredAt: at,
      product: d.product,
    });
  }

  async onPaymentEnded(e: EventEnvelope<PaymentClosedData | PaymentFailedData>, em: EntityManager): Promise<void> {
    const d = e.data;
    if (!d.channel || !reconciled(d.channel)) return; // closed before any channel was chosen (or paid with county credit): no channel can list it
    const at = new Date('closedAt' in d ? d.closedAt : d.failedAt);
    await this.repo.upsertPlatformTxn(em, {
      tenantId: e.tenantId,
      kind: 'payment',
      orderId: d.orderId,
      refundId: null,
      channel: d.channel,
      merchantId: d.merchantId,
      channelTradeNo: null,
      amountFen: BigInt(d.amountFen),
      outcome: 'reason' in d && d.reason === 'reversed' ? 'reversed' : 'closed',
      businessDate: shanghaiDate(at),
      occurredAt: at,
      product: d.product,
    });
  }

  async onRefund(e: EventEnvelope<RefundData>, em: EntityManager, outcome: 'succeeded' | 'closed'): Promise<void> {
    const d = e.data;
    if (!reconciled(d.channel)) return;
    const at = new Date(d.at);
    await this.repo.upsertPlatformTxn(em, {
      tenantId: e.tenantId,
      kind: 'refund',
      orderId: d.orderId,
      refundId: d.refundId,
      channel: d.channel,
      merchantId: d.merchantId,
      channelTradeNo: null,
      amountFen: BigInt(d.amountFen),
      outcome,
      businessDate: shanghaiDate(at),
      occurredAt: at,
    });
  }

  // ---- a run ----

  async run(tenantId: string, channel: PaymentChannel, businessDate: string, actor: CaseActor): Promise<ReconciliationRun> {
    if (!isBusinessDate(businessDate)) throw new ApiError('invalid_request', 'businessDate must be a calendar date YYYY-MM-DD', 'businessDate');
    // a statement exists for a day that has begun (and, on this platform, not before 2020)
    if (businessDate < '2020-01-01' || businessDate > shanghaiDate(new Date()))
      throw new ApiError('invalid_request', 'businessDate must be a day from 2020-01-01 to today (Asia/Shanghai)', 'businessDate');
    if (!(RECONCILED_CHANNELS as readonly string[]).includes(channel))
      throw new ApiError('invalid_request', `channel must be one of ${RECONCILED_CHANNELS.join(', ')}`, 'channel');
    const statement = await this.statement(channel, tenantId, businessDate);

    const { platform, platformElsewhere } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const platform = await this.repo.platformDay(em, channel, businessDate);
      const lookups = keysToLookUp({ platform, channel: statement });
      const platformElsewhere = await this.repo.platformByKeys(
        em,
        channel,
        lookups.map((l) => l.key).filter(Boolean),
        lookups.map((l) => l.channelTradeNo),
      );
      return { platform, platformElsewhere };
    });

    // before a platform movement is called 短款: the channel's statements of the adjacent days
    const missing = missingFromStatement({ platform, channel: statement });
    let channelElsewhere: ChannelTxn[] = [];
    if (missing.length > 0) {
      const wanted = new Set(missing.map((p) => `${p.kind}:${platformKey(p)}`));
      for (const day of [addDays(businessDate, -1), addDays(businessDate, 1)]) {
        const other = await this.statement(channel, tenantId, day).catch((e: unknown) => {
          this.logger.warn({ channel, day, error: e instanceof Error ? e.message : String(e) }, 'adjacent statement unavailable');
          return [] as ChannelTxn[];
        });
        channelElsewhere = channelElsewhere.concat(other.filter((c) => wanted.has(`${c.kind}:${platformKey(c)}`)));
      }
    }

    const items = reconcile({ platform, channel: statement, platformElsewhere, channelElsewhere });
    const counts = summarize(items);
    const { run, opened } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const run = await this.repo.upsertRun(em, {
        tenantId,
        id: randomUUID(),
        channel,
        businessDate,
        statementRows: statement.length,
        platformRows: platform.length,
        counts,
        createdBy: actor.id,
      });
      const opened: string[] = [];
      const discrepant = new Set<string>();
      for (const item of items) {
        if (item.class === 'matched') continue;
        discrepant.add(`${item.kind}:${item.txnKey}`);
        const c = await this.repo.insertCase(em, tenantId, randomUUID(), channel, businessDate, item);
        if (c) {
          opened.push(c.id);
          await this.repo.addHistory(em, {
            tenantId,
            caseId: c.id,
            action: 'opened',
            fromStatus: null,
            toStatus: 'open',
            ...auditOf(actor),
            note: describe(item),
          });
          await this.emit(em, tenantId, c, 'opened');
        } else {
          const existing = await this.repo.findCaseByTxn(em, channel, item.kind, item.txnKey);
          if (existing) await this.repo.seen(em, existing.id, businessDate);
        }
      }
      // a case of this date the statement now matches (the channel corrected its file) is resolved
      for (const c of await this.repo.openCasesOf(em, channel, businessDate))
        if (!discrepant.has(`${c.kind}:${c.txnKey}`))
          await this.transition(em, tenantId, c, 'matched_on_rerun', SYSTEM, 'the statement of this date now matches');
      const data = Object.assign(new ReconciliationRunCompletedData(), {
        runId: run.id,
        channel,
        businessDate,
        runCount: run.runCount,
        matched: counts.matched,
        discrepancies: items.length - counts.matched,
        at: new Date().toISOString(),
      });
      await addToOutbox(em, ReconciliationRunCompletedV1, data, { tenantId, id: deterministicId(run.id, run.runCount) });
      this.relay.wake();
      return { run, opened };
    });

    for (const caseId of opened) await this.autoHandle(tenantId, caseId);
    return runView(run);
  }

  /** The statement's movements of one day; a file that does not parse is statement_malformed (502). */
  private async statement(channel: PaymentChannel, tenantId: string, date: string): Promise<ChannelTxn[]> {
    const body = await this.channels.statement(channel, tenantId, date);
    try {
      return foldStatement(await parseStatement(channel, body));
    } catch (e) {
      if (e instanceof StatementFormatError) throw new ApiError('statement_malformed', e.message.slice(0, 200), 'channel');
      throw e;
    }
  }

  // ---- the workflow ----

  /**
   * What the channel's own query (查询订单 / 退款查询) says about a case's movement: its outcome and
   * amount as the channel has them, `undefined` when the channel has no such movement, `null` when
   * the case names nothing the channel can be asked about (a refund known only by the channel's
   * own refund number). Throws `statement_unavailable` when the channel does not answer.
   */
  private async queryAtChannel(tenantId: string, c: CaseRecord): Promise<ChannelQueryAnswer | undefined | null> {
    const channel = c.channel as PaymentChannel;
    if (c.kind === 'payment') {
      const a = await this.channels.queryPayment(channel, tenantId, c.orderId);
      return a && { outcome: channelOutcome(a), amountFen: BigInt(a.amountFen), note: `channel query: ${a.status} ${a.amountFen} fen`, payment: a };
    }
    if (!c.refundId) return null;
    const r = await this.channels.queryRefund(channel, tenantId, c.refundId);
    return (
      r && {
        outcome: r.status === 'succeeded' ? 'succeeded' : 'closed',
        amountFen: BigInt(r.amountFen),
        note: `channel refund query: ${r.status} ${r.amountFen} fen`,
        payment: undefined,
      }
    );
  }

  private static queryNote(c: CaseRecord, answer: ChannelQueryAnswer | undefined | null): string {
    if (answer) return answer.note;
    if (answer === null) return 'channel refund query: the refund has no platform refund number to query by';
    return c.kind === 'payment' ? 'channel query: no such payment' : 'channel refund query: no such refund';
  }

  /**
   * The automatic re-query of a new case: the channel's own answer about the payment or refund
   * decides whether the statement was wrong (resolved), whether a late success must be refunded or
   * made up (the tenant's choice), or whether an operator must look (pending review).
   */
  async autoHandle(tenantId: string, caseId: string): Promise<void> {
    const c = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findCase(em, caseId));
    if (!c || c.status !== 'open') return;
    let answer: ChannelQueryAnswer | undefined | null;
    try {
      answer = await this.queryAtChannel(tenantId, c);
    } catch (e) {
      this.logger.warn({ caseId, error: e instanceof Error ? e.message : String(e) }, 'reconciliation re-query failed');
      await this.act(tenantId, caseId, 'to_review', SYSTEM, 'the channel did not answer the re-query', { requeried: true });
      return;
    }
    const requeried = answer !== null;
    const note = ReconciliationService.queryNote(c, answer);

    // an amount mismatch is an operator's to review (the query's answer is kept as evidence)
    if (c.class === 'amount_mismatch') {
      await this.act(tenantId, caseId, 'to_review', SYSTEM, note, { requeried });
      return;
    }
    // the channel's own record agrees with the platform: the statement line was wrong or late
    if (answer && c.platformOutcome && answer.outcome === c.platformOutcome && answer.amountFen === c.platformAmountFen) {
      await this.act(tenantId, caseId, 'requery_matched', SYSTEM, note, { requeried: true });
      return;
    }
    // a late success: the channel took the money of an order the platform closed
    const paid = answer?.payment;
    if (paid?.status === 'succeeded' && c.class === 'status_mismatch' && c.platformOutcome === 'closed' && c.merchantId) {
      const kept = BigInt(paid.amountFen) - BigInt(paid.refundedFen ?? 0);
      if (kept <= 0n) {
        // already given back in full at the channel (e.g. by the payment service's own late-payment handling)
        await this.act(tenantId, caseId, 'requery_matched', SYSTEM, `${note}; already refunded in full at the channel`, { requeried: true });
        return;
      }
      const policy = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.settings(em));
      if ((policy?.lateSuccessAction ?? 'refund') === 'refund') {
        try {
          // the refund's number is the case's id: idempotent at the channel, and the platform's own
          // number of a movement its read model records (the statement's refund line then matches it)
          const r = await this.channels.refund(c.channel as PaymentChannel, tenantId, c.orderId, c.id, kept);
          if (r.status === 'succeeded') {
            await this.act(tenantId, caseId, 'auto_refund', SYSTEM, `${note}; refunded ${kept} fen, all the channel kept (${r.channelRefundNo})`, {
              requeried: true,
              refunded: kept,
            });
            return;
          }
          await this.act(tenantId, caseId, 'to_review', SYSTEM, `${note}; the automatic refund failed: ${r.reason ?? 'unknown'}`, { requeried: true });
        } catch (e) {
          await this.act(tenantId, caseId, 'to_review', SYSTEM, `${note}; the automatic refund failed: ${e instanceof Error ? e.message : String(e)}`, {
            requeried: true,
          });
        }
        return;
      }
      await this.makeUp(tenantId, c, note);
      return;
    }
    await this.act(tenantId, caseId, 'to_review', SYSTEM, note, { requeried });
  }

  /**
   * 补单: the order's owner is asked to accept the late success (it queries the channel itself and
   * moves the order `closed → succeeded`, whose `payment.succeeded` settlement then posts as any
   * payment, fee included, and the partner is told by webhook). Settlement posts nothing of its own
   * (the merchant would be credited twice); the case is resolved when the owner confirms the order
   * succeeded, or goes to review with the owner's refusal.
   */
  private async makeUp(tenantId: string, c: CaseRecord, note: string): Promise<void> {
    const product = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.paymentProduct(em, c.orderId));
    if (product && product !== 'acquiring') {
      await this.act(tenantId, c.id, 'to_review', SYSTEM, `${note}; a ${product} order cannot be made up automatically (only online acquiring orders are)`, {
        requeried: true,
      });
      return;
    }
    try {
      const a = await this.owner.makeUp(tenantId, c.orderId);
      if (a.state === 'succeeded') {
        await this.act(
          tenantId,
          c.id,
          'make_up_order',
          SYSTEM,
          `${note}; made up by online acquiring: the order succeeded (${a.channelTradeNo ?? 'no trade number'})`,
          {
            requeried: true,
          },
        );
        return;
      }
      await this.act(tenantId, c.id, 'to_review', SYSTEM, `${note}; the make-up left the order ${a.state}`, { requeried: true });
    } catch (e) {
      if (!(e instanceof MakeUpRefusedError)) throw e;
      this.logger.warn({ caseId: c.id, code: e.code }, 'make-up refused by the order owner');
      await this.act(tenantId, c.id, 'to_review', SYSTEM, `${note}; the make-up was refused: ${e.code}: ${e.message}`, { requeried: true });
    }
  }

  /** An operator's re-query of a case in review (a payment or a refund): resolves it when the channel now agrees with the platform. */
  async requery(tenantId: string, caseId: string, actor: CaseActor): Promise<ReconciliationCaseDetail> {
    const c = await this.mustFind(tenantId, caseId);
    if (c.status === 'resolved') throw new ApiError('invalid_state_transition', `case ${caseId} is resolved`, 'caseId');
    const answer = await this.queryAtChannel(tenantId, c);
    if (answer === null)
      throw new ApiError(
        'invalid_state_transition',
        'the refund has no platform refund number to query the channel by; resolve the case with a note',
        'caseId',
      );
    const note = ReconciliationService.queryNote(c, answer);
    const agrees = !!answer && !!c.platformOutcome && answer.outcome === c.platformOutcome && answer.amountFen === c.platformAmountFen;
    if (agrees && c.status !== 'pending_approval') await this.act(tenantId, caseId, 'requery_matched', actor, note, { requeried: true });
    else
      await inTenantTransaction(this.ds, tenantId, async (em) => {
        await this.repo.addHistory(em, { tenantId, caseId, action: 'requery', fromStatus: c.status, toStatus: c.status, ...auditOf(actor), note });
      });
    return this.detail(tenantId, caseId);
  }

  async resolve(tenantId: string, caseId: string, note: string, actor: CaseActor): Promise<ReconciliationCaseDetail> {
    await this.act(tenantId, caseId, 'resolve', actor, note);
    return this.detail(tenantId, caseId);
  }

  /** Maker: proposes an adjustment of the merchant's payable (positive: the merchant is owed more). */
  async proposeAdjustment(tenantId: string, caseId: string, amountFen: bigint, reason: string, actor: CaseActor): Promise<ReconciliationCaseDetail> {
    if (amountFen === 0n) throw new ApiError('invalid_request', 'an adjustment moves a non-zero amount', 'amountFen');
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const c = await this.locked(em, caseId);
      if (!c.merchantId)
        throw new ApiError(
          'invalid_request',
          'the case has no platform movement (channel only): it has no merchant to adjust; resolve it with a note',
          'caseId',
        );
      await this.transition(em, tenantId, c, 'propose_adjustment', actor, reason, {
        adjustmentFen: amountFen,
        adjustmentReason: reason,
        proposedBy: actor.id,
        approvedBy: null,
      });
    });
    return this.detail(tenantId, caseId);
  }

  /** Checker: a second operator approves; the adjustment is posted to the ledger once per case. */
  async approveAdjustment(tenantId: string, caseId: string, actor: CaseActor): Promise<ReconciliationCaseDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const c = await this.locked(em, caseId);
      if (c.status !== 'pending_approval')
        throw new ApiError('invalid_state_transition', `case ${caseId} is ${c.status}: no adjustment awaits approval`, 'caseId');
      if (c.proposedBy === actor.id)
        throw new ApiError('approval_already_given', `operator ${actor.id} proposed this adjustment: a second, different operator must approve it`, 'caseId');
      const entryId = await postReconciliationAdjustment(em, this.ledger, {
        tenantId,
        caseId: c.id,
        orderId: uuidOr(c.orderId, c.id),
        refundId: c.refundId && isUuid(c.refundId) ? c.refundId : null,
        merchantId: c.merchantId!,
        channel: c.channel,
        deltaFen: c.adjustmentFen!,
        at: new Date(),
      });
      await this.transition(em, tenantId, c, 'approve_adjustment', actor, null, { approvedBy: actor.id, ledgerEntryId: entryId ?? c.id });
    });
    return this.detail(tenantId, caseId);
  }

  async rejectAdjustment(tenantId: string, caseId: string, reason: string, actor: CaseActor): Promise<ReconciliationCaseDetail> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const c = await this.locked(em, caseId);
      await this.transition(em, tenantId, c, 'reject_adjustment', actor, reason, {
        adjustmentFen: null,
        adjustmentReason: null,
        proposedBy: null,
        approvedBy: null,
      });
    });
    return this.detail(tenantId, caseId);
  }

  async detail(tenantId: string, caseId: string): Promise<ReconciliationCaseDetail> {
    const { c, history } = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const c = await this.repo.findCase(em, caseId);
      if (!c) throw notFound(caseId);
      return { c, history: await this.repo.history(em, caseId) };
    });
    return { ...caseView(c), history: history.map(historyView) };
  }

  /** Past runs, newest first (a re-run of a date updates its run: one per channel and date). */
  async runs(tenantId: string, q: ListReconciliationRunsQuery): Promise<Page<ReconciliationRun>> {
    for (const [param, v] of [
      ['from', q.from],
      ['to', q.to],
    ] as const)
      if (v !== undefined && !isBusinessDate(v)) throw new ApiError('invalid_request', `${param} must be a calendar date YYYY-MM-DD`, param);
    const page = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.listRuns(em, { channel: q.channel, from: q.from, to: q.to }, pageRequest(q)));
    return { data: page.data.map(runView), nextCursor: page.nextCursor };
  }

  async list(tenantId: string, q: ListReconciliationCasesQuery): Promise<Page<ReconciliationCase>> {
    const page = await inTenantTransaction(this.ds, tenantId, (em) =>
      this.repo.listCases(em, { status: q.status, class: q.class, channel: q.channel, open: q.open === 'true' ? true : undefined }, pageRequest(q)),
    );
    return { data: page.data.map(caseView), nextCursor: page.nextCursor };
  }

  async settings(tenantId: string): Promise<ReconciliationSettings> {
    const s = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.settings(em));
    return { lateSuccessAction: s?.lateSuccessAction ?? 'refund', updatedBy: s?.updatedBy ?? null, updatedAt: s?.updatedAt.toISOString() ?? null };
  }

  async putSettings(tenantId: string, lateSuccessAction: 'refund' | 'make_up_order', actor: CaseActor): Promise<ReconciliationSettings> {
    const s = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.putSettings(em, tenantId, lateSuccessAction, actor.id));
    return { lateSuccessAction: s.lateSuccessAction, updatedBy: s.updatedBy, updatedAt: s.updatedAt.toISOString() };
  }

  async openCaseCount(em: EntityManager): Promise<number> {
    return this.repo.openCaseCount(em);
  }

  // ---- internals ----

  private async act(
    tenantId: string,
    caseId: string,
    action: CaseAction,
    actor: CaseActor,
    note: string | null,
    opts: { requeried?: boolean; refunded?: bigint } = {},
  ): Promise<void> {
    await inTenantTransaction(this.ds, tenantId, async (em) => {
      const c = await this.locked(em, caseId);
      // the automatic refund of a late success is the platform's movement: its read model records it
      // (refund number = the case id), so the channel's statement line of it is matched, not a new case
      if (opts.refunded !== undefined && c.merchantId) {
        const at = new Date();
        await this.repo.upsertPlatformTxn(em, {
          tenantId,
          kind: 'refund',
          orderId: c.orderId,
          refundId: c.id,
          channel: c.channel,
          merchantId: c.merchantId,
          channelTradeNo: null,
          amountFen: opts.refunded,
          outcome: 'succeeded',
          businessDate: shanghaiDate(at),
          occurredAt: at,
        });
      }
      await this.transition(em, tenantId, c, action, actor, note, { requeried: opts.requeried });
    });
  }

  /** Moves the case by the table (409 otherwise), records the history and emits `reconciliation.case-changed`, in the caller's transaction. */
  private async transition(
    em: EntityManager,
    tenantId: string,
    c: CaseRecord,
    action: CaseAction,
    actor: CaseActor,
    note: string | null,
    patch: Parameters<ReconciliationRepository['setStatus']>[4] = {},
  ): Promise<CaseStatus> {
    const to = nextCaseStatus(c.status, action);
    if (!to) throw new ApiError('invalid_state_transition', `a ${c.status.replaceAll('_', ' ')} case cannot ${action.replaceAll('_', ' ')}`, 'caseId');
    const resolution = resolutionOf(action);
    const moved = await this.repo.setStatus(em, c.id, c.status, to, { ...patch, ...(resolution ? { resolution } : {}) });
    if (!moved) throw new ApiError('conflict', `case ${c.id} changed meanwhile; read it again`, 'caseId');
    await this.repo.addHistory(em, {
      tenantId,
      caseId: c.id,
      action,
      fromStatus: c.status,
      toStatus: to,
      ...auditOf(actor),
      note: note?.slice(0, 500) ?? null,
    });
    await this.emit(em, tenantId, moved, action);
    return to;
  }

  private async emit(em: EntityManager, tenantId: string, c: CaseRecord, action: string): Promise<void> {
    const data = Object.assign(new ReconciliationCaseChangedData(), {
      caseId: c.id,
      channel: c.channel as PaymentChannel,
      businessDate: c.businessDate,
      kind: c.kind,
      class: c.class,
      action,
      status: c.status,
      orderId: c.orderId,
      ...(c.adjustmentFen !== null ? { adjustmentFen: c.adjustmentFen.toString() } : {}),
      at: new Date().toISOString(),
    });
    await addToOutbox(em, ReconciliationCaseChangedV1, data, { tenantId });
    this.relay.wake();
  }

  private async locked(em: EntityManager, caseId: string): Promise<CaseRecord> {
    const c = await this.repo.findCase(em, caseId, { lock: true });
    if (!c) throw notFound(caseId);
    return c;
  }

  private async mustFind(tenantId: string, caseId: string): Promise<CaseRecord> {
    const c = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.findCase(em, caseId));
    if (!c) throw notFound(caseId);
    return c;
  }
}

function auditOf(actor: CaseActor): { actorType: string; actorId: string } {
  return { actorType: actor.type, actorId: actor.id };
}

function describe(i: ReconItem): string {
  const side = (fen: bigint | null, o: Outcome | null): string => (fen === null ? 'none' : `${o} ${fen} fen`);
  return `${i.class}: platform ${side(i.platformAmountFen, i.platformOutcome)}, channel ${side(i.channelAmountFen, i.channelOutcome)}${i.acrossDays ? ' (across days)' : ''}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function isUuid(s: string): boolean {
  return UUID.test(s);
}
function uuidOr(s: string, fallback: string): string {
  return isUuid(s) ? s : fallback;
}

/** A stable event id per run and run count (a retried transaction writes the same id). */
function deterministicId(runId: string, runCount: number): string {
  const hex = (runCount & 0xfff).toString(16).padStart(3, '0');
  return `${runId.slice(0, 33)}${hex}`;
}

function notFound(caseId: string): ApiError {
  return new ApiError('not_found', `no reconciliation case ${caseId}`, 'caseId');
}

function n(v: bigint | null): number | null {
  if (v === null) return null;
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max || v < -max) throw new RangeError('amount out of the safe range');
  return Number(v);
}

/** What the merchant's payable should move by, as the case suggests it (an operator may propose another). */
export function suggestedAdjustmentFen(c: Pick<CaseRecord, 'kind' | 'platformAmountFen' | 'channelAmountFen' | 'class'>): bigint | null {
  if (c.class !== 'amount_mismatch' || c.platformAmountFen === null || c.channelAmountFen === null) return null;
  const delta = c.channelAmountFen - c.platformAmountFen;
  return c.kind === 'payment' ? delta : -delta;
}

export function caseView(c: CaseRecord): ReconciliationCase {
  return {
    id: c.id,
    channel: c.channel as PaymentChannel,
    kind: c.kind,
    class: c.class,
    status: c.status,
    businessDate: c.businessDate,
    lastSeenDate: c.lastSeenDate,
    orderId: c.orderId,
    refundId: c.refundId,
    channelTradeNo: c.channelTradeNo,
    merchantId: c.merchantId,
    platformAmountFen: n(c.platformAmountFen),
    channelAmountFen: n(c.channelAmountFen),
    platformOutcome: c.platformOutcome,
    channelOutcome: c.channelOutcome,
    suggestedAdjustmentFen: n(suggestedAdjustmentFen(c)),
    adjustmentFen: n(c.adjustmentFen),
    adjustmentReason: c.adjustmentReason,
    proposedBy: c.proposedBy,
    approvedBy: c.approvedBy,
    ledgerEntryId: c.ledgerEntryId,
    resolution: c.resolution,
    requeryCount: c.requeryCount,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function historyView(h: CaseHistoryRecord): ReconciliationCaseDetail['history'][number] {
  return { action: h.action, fromStatus: h.fromStatus, toStatus: h.toStatus, actorType: h.actorType, actorId: h.actorId, note: h.note, at: h.at.toISOString() };
}

export function runView(r: RunRecord): ReconciliationRun {
  return {
    id: r.id,
    channel: r.channel as PaymentChannel,
    businessDate: r.businessDate,
    runCount: r.runCount,
    statementRows: r.statementRows,
    platformRows: r.platformRows,
    matched: r.matched,
    channelOnly: r.channelOnly,
    platformOnly: r.platformOnly,
    amountMismatch: r.amountMismatch,
    statusMismatch: r.statusMismatch,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Channels with a daily statement to reconcile against (county credit is the county's own loan book). */
function reconciled(channel: PaymentChannel): boolean {
  return (RECONCILED_CHANNELS as readonly string[]).includes(channel);
}
