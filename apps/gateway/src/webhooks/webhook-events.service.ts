import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type AppUpdatedData,
  AppUpdatedV1,
  CreditCashRefundedV1,
  CreditDrawdownCreatedV1,
  CreditDrawdownRefundedV1,
  CreditDrawdownReversedV1,
  CreditLineChangedV1,
  CreditLineOpenedV1,
  CreditRepaymentFailedV1,
  CreditRepaymentReceivedV1,
  CreditStatementIssuedV1,
  CreditStatementUpdatedV1,
  type EventDefinition,
  type EventEnvelope,
  PaymentClosedV1,
  PaymentFailedV1,
  PaymentSucceededV1,
  PayoutFailedV1,
  PayoutSucceededV1,
  RefundFailedV1,
  RefundSucceededV1,
  SplitFailedV1,
  SplitReleasedV1,
  SplitReversedV1,
  SplitSucceededV1,
} from '@countypay/contracts';
import { type BatchWriter, on, type PreparedEvent, type Subscription } from '@countypay/messaging';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { type Logger, annotateActiveSpan, currentTraceparent } from '@countypay/observability';
import { WebhookDispatcher } from './webhook-dispatcher';
import { isDeliverableUrl, webhookBody } from './webhook-payload';
import { RegistryService } from '../registry/registry.service';
import { WebhookEndpoints } from './webhook-endpoints';
import { type IntakeEvent, WebhooksRepository } from './webhooks.repository';

/** The data of every event partners receive: all carry the partner app that started the payment (or owns the credit line), if any. */
export interface PartnerEventData {
  partnerAppId?: string;
  orderId?: string;
  merchantId?: string;
}

/**
 * Kafka in for webhooks. An event creates its deliveries exactly once (and one per callback URL,
 * by the unique (tenant_id, event_id, url)): with its inbox row, in one commit. The consumer writes
 * a batch of partner events in ONE statement (`intake`: the inbox rows and the deliveries of every
 * event and tenant of the batch, `webhook_intake`); `onPartnerEvent` is the same for one event in
 * a caller's tenant transaction, and `onAppUpdated` runs in the consumer's tenant transaction.
 */
@Injectable()
export class WebhookEventsService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly registry: RegistryService,
    private readonly endpoints: WebhookEndpoints,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly ds: DataSource,
  ) {}

  /**
   * The consumer's batch form of onPartnerEvent (issue 14): each event prepared in its consumer
   * span (its endpoint, from memory; its body; the span's traceparent, the trace link of its
   * deliveries), then the whole batch in one statement.
   */
  readonly intake: BatchWriter<PartnerEventData, IntakeEvent> = {
    prepare: (event) => this.preparePartnerEvent(event),
    write: (consumer, topic, events) => this.writeIntake(consumer, topic, events),
  };

  /** AppUpdatedV1 → the read model of callback URLs and the encrypted webhook secret (highest version wins). */
  async onAppUpdated(event: EventEnvelope<AppUpdatedData>, em: EntityManager): Promise<void> {
    const d = event.data;
    this.endpoints.wrote(em, event.tenantId, d.appId);
    await this.repo.upsertEndpoint(em, {
      tenantId: event.tenantId,
      appId: d.appId,
      callbackUrls: d.callbackUrls.filter(isDeliverableUrl),
      webhookSecretCiphertext: d.webhookSecretCiphertext,
      version: d.version,
    });
  }

  /**
   * Topics are not ordered with each other: a payment event can arrive before its app's
   * AppUpdatedV1. Ask onboarding for the app and keep it as the event would have (the highest
   * version wins later); onboarding unreachable throws, so the event is retried.
   */
  private async endpointFromOnboarding(em: EntityManager, tenantId: string, appId: string): Promise<{ callbackUrls: string[] } | undefined> {
    const found = await this.registry.appFromOnboarding(appId);
    if (!found || found.tenantId !== tenantId) return undefined;
    const d = found.data;
    this.endpoints.wrote(em, tenantId, appId);
    await this.repo.upsertEndpoint(em, {
      tenantId,
      appId,
      callbackUrls: d.callbackUrls.filter(isDeliverableUrl),
      webhookSecretCiphertext: d.webhookSecretCiphertext,
      version: d.version,
    });
    return this.repo.findEndpoint(em, tenantId, appId);
  }

  /**
   * The app's endpoint: from memory or the read model, else asked of onboarding and kept — in the
   * caller's transaction `em`, or without one (the batch's preparation) in a transaction of its own.
   */
  private async endpointOf(tenantId: string, appId: string, em?: EntityManager): Promise<{ callbackUrls: string[] } | undefined> {
    const known = em ? await this.endpoints.find(em, tenantId, appId) : await this.endpoints.findOutsideTransaction(tenantId, appId);
    if (known) return known;
    const ask = (tx: EntityManager): Promise<{ callbackUrls: string[] } | undefined> => this.endpointFromOnboarding(tx, tenantId, appId);
    return em ? ask(em) : inTenantTransaction(this.ds, tenantId, ask);
  }

  /**
   * A partner event → what its deliveries are: one per callback URL of the partner app it names
   * (that started it, owns the line, or whose merchant is paid); no URL when there is nobody to tell.
   * Reads only (an endpoint missing from the read model is asked of onboarding and kept: the read
   * model's upsert, highest version wins).
   */
  async preparePartnerEvent(event: EventEnvelope<PartnerEventData>, em?: EntityManager): Promise<IntakeEvent> {
    const appId = event.data.partnerAppId;
    const nobody: IntakeEvent = { eventId: event.id, appId: appId ?? null, eventType: event.type, urls: [], body: null, traceparent: null };
    if (!appId) return nobody; // not started by a partner app: nobody to tell
    annotateActiveSpan({ 'payment.id': event.data.orderId, 'merchant.id': event.data.merchantId, 'webhook.app_id': appId });
    const traceparent = currentTraceparent() ?? null;
    const endpoint = await this.endpointOf(event.tenantId, appId, em);
    if (!endpoint) {
      // onboarding has no such app in this tenant: nobody to tell (never blocks the partition)
      this.logger.warn({ eventId: event.id, appId, tenantId: event.tenantId }, 'payment event names an app onboarding does not know; no webhook');
      return nobody;
    }
    const urls = [...new Set(endpoint.callbackUrls.filter(isDeliverableUrl))];
    return { ...nobody, urls, body: urls.length > 0 ? webhookBody(event) : null, traceparent };
  }

  /**
   * A payment, refund, payout, split or credit event, in the caller's tenant transaction (its inbox
   * row the caller's): its deliveries, as the batch's `intake` writes them. This instance attempts
   * them itself right after the transaction commits (leased here, no claim of their own) unless
   * enough attempts are in flight already; then they are due now and the dispatcher's round takes them.
   */
  async onPartnerEvent(event: EventEnvelope<PartnerEventData>, em: EntityManager): Promise<void> {
    const prepared = await this.preparePartnerEvent(event, em);
    const lease = this.leaseFor(prepared.urls.length);
    const { created, claimed } = await this.repo.insertDeliveries(em, event.tenantId, prepared, lease);
    if (claimed.length > 0) this.dispatcher.attemptAfterCommit(em, claimed);
    else if (created > 0) this.dispatcher.wakeSoon(); // after the caller's commit, still to come
    this.queued(event, prepared, created);
  }

  /**
   * The batch's one statement (`webhook_intake`): inbox rows of every event, deliveries of those
   * new, every tenant under its own scope. Deliveries as onPartnerEvent's, the lease for all of the
   * batch's. Returns the events new to the inbox.
   */
  private async writeIntake(
    consumer: string,
    topic: string,
    events: ReadonlyArray<PreparedEvent<PartnerEventData, IntakeEvent>>,
  ): Promise<ReadonlySet<string>> {
    const byTenant = new Map<string, IntakeEvent[]>();
    let urls = 0;
    for (const { envelope, prepared } of events) {
      const list = byTenant.get(envelope.tenantId);
      if (list) list.push(prepared);
      else byTenant.set(envelope.tenantId, [prepared]);
      urls += prepared.urls.length;
    }
    const result = await this.repo.intake(this.ds, consumer, topic, byTenant, this.leaseFor(urls));
    if (result.claimed.length > 0) this.dispatcher.attemptNow(result.claimed);
    else if (result.created.size > 0) this.dispatcher.wakeSoon(0); // the statement has committed
    for (const { envelope, prepared } of events) this.queued(envelope, prepared, result.created.get(envelope.id) ?? 0);
    return result.fresh;
  }

  /**
   * The lease of `urls` new deliveries when this instance will attempt them itself once they are
   * written (the dispatcher runs here and has room for them); undefined: created due now, for a round.
   */
  private leaseFor(urls: number): number | undefined {
    return urls > 0 ? this.dispatcher.directLeaseSeconds(urls) : undefined;
  }

  private queued(event: EventEnvelope<PartnerEventData>, prepared: IntakeEvent, deliveries: number): void {
    if (deliveries > 0) this.logger.info({ eventId: event.id, eventType: event.type, appId: prepared.appId, deliveries }, 'webhook deliveries queued');
  }

  /** A partner event's subscription: `onPartnerEvent` in a transaction, or (the topic's only subscription) the batch's `intake` statement. */
  partnerSubscription<T extends PartnerEventData>(event: EventDefinition<T>): Subscription<T> {
    return on<T>(event, (e, em) => this.onPartnerEvent(e, em), this.intake);
  }

  /** The webhook subscriptions of the gateway's consumer group (other features follow AppUpdatedV1 too). */
  subscriptions(): Subscription<object>[] {
    const partner = <T extends PartnerEventData>(event: EventDefinition<T>): Subscription<T> => this.partnerSubscription(event);
    return [
      on(AppUpdatedV1, (event, em) => this.onAppUpdated(event, em)),
      partner(PaymentSucceededV1),
      partner(PaymentFailedV1),
      partner(PaymentClosedV1),
      partner(RefundSucceededV1),
      partner(RefundFailedV1),
      partner(SplitSucceededV1),
      partner(SplitFailedV1),
      partner(SplitReleasedV1),
      partner(SplitReversedV1),
      partner(CreditLineOpenedV1),
      partner(CreditLineChangedV1),
      partner(CreditDrawdownCreatedV1),
      partner(CreditDrawdownReversedV1),
      partner(CreditDrawdownRefundedV1),
      partner(CreditStatementIssuedV1),
      partner(CreditStatementUpdatedV1),
      partner(CreditCashRefundedV1),
      partner(CreditRepaymentReceivedV1),
      partner(CreditRepaymentFailedV1),
      // a settlement payout to a merchant of the partner (its data names the partner app)
      partner(PayoutSucceededV1),
      partner(PayoutFailedV1),
    ] as Subscription<object>[];
  }
}
