import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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
import { on, type Subscription } from '@countypay/messaging';
import { LOGGER } from '@countypay/service-kit';
import { type Logger, annotateActiveSpan, currentTraceparent } from '@countypay/observability';
import { WebhookDispatcher } from './webhook-dispatcher';
import { isDeliverableUrl, webhookBody } from './webhook-payload';
import { RegistryService } from '../registry/registry.service';
import { WebhookEndpoints } from './webhook-endpoints';
import { WebhooksRepository } from './webhooks.repository';

/** The data of every event partners receive: all carry the partner app that started the payment (or owns the credit line), if any. */
interface PartnerEventData {
  partnerAppId?: string;
  orderId?: string;
  merchantId?: string;
}

/**
 * Kafka in for webhooks. Both handlers run in the consumer's tenant transaction, together with
 * its inbox row: an event creates its deliveries exactly once (and one per callback URL, by the
 * unique (tenant_id, event_id, url)).
 */
@Injectable()
export class WebhookEventsService {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly registry: RegistryService,
    private readonly endpoints: WebhookEndpoints,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

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

  /** A payment, refund, payout, split or credit event → one delivery per callback URL of the partner app it names (that started it, owns the line, or whose merchant is paid). */
  async onPartnerEvent(event: EventEnvelope<PartnerEventData>, em: EntityManager): Promise<void> {
    const appId = event.data.partnerAppId;
    if (!appId) return; // not started by a partner app: nobody to tell
    annotateActiveSpan({ 'payment.id': event.data.orderId, 'merchant.id': event.data.merchantId, 'webhook.app_id': appId });
    const traceparent = currentTraceparent();
    const endpoint = (await this.endpoints.find(em, event.tenantId, appId)) ?? (await this.endpointFromOnboarding(em, event.tenantId, appId));
    if (!endpoint) {
      // onboarding has no such app in this tenant: nobody to tell (never blocks the partition)
      this.logger.warn({ eventId: event.id, appId, tenantId: event.tenantId }, 'payment event names an app onboarding does not know; no webhook');
      return;
    }
    const body = webhookBody(event);
    const urls = [...new Set(endpoint.callbackUrls.filter(isDeliverableUrl))];
    const deliveries = urls.map((url) => ({ tenantId: event.tenantId, appId, eventId: event.id, eventType: event.type, url, body, traceparent }));
    // this instance attempts the new deliveries itself right after the transaction commits (leased
    // here, no claim of their own); past its share of attempts in flight, the dispatcher's rounds do
    const lease = this.dispatcher.directLeaseSeconds(deliveries.length);
    let created: number;
    if (lease !== undefined) {
      const claimed = await this.repo.insertClaimed(em, deliveries, lease);
      this.dispatcher.attemptAfterCommit(em, claimed);
      created = claimed.length;
    } else {
      created = await this.repo.insertDeliveries(em, deliveries);
      if (created > 0) this.dispatcher.wakeSoon();
    }
    if (created > 0) this.logger.info({ eventId: event.id, eventType: event.type, appId, deliveries: created }, 'webhook deliveries queued');
  }

  /** The webhook subscriptions of the gateway's consumer group (other features follow AppUpdatedV1 too). */
  subscriptions(): Subscription<object>[] {
    const partner = (event: EventEnvelope<PartnerEventData>, em: EntityManager): Promise<void> => this.onPartnerEvent(event, em);
    return [
      on(AppUpdatedV1, (event, em) => this.onAppUpdated(event, em)),
      on(PaymentSucceededV1, partner),
      on(PaymentFailedV1, partner),
      on(PaymentClosedV1, partner),
      on(RefundSucceededV1, partner),
      on(RefundFailedV1, partner),
      on(SplitSucceededV1, partner),
      on(SplitFailedV1, partner),
      on(SplitReleasedV1, partner),
      on(SplitReversedV1, partner),
      on(CreditLineOpenedV1, partner),
      on(CreditLineChangedV1, partner),
      on(CreditDrawdownCreatedV1, partner),
      on(CreditDrawdownReversedV1, partner),
      on(CreditDrawdownRefundedV1, partner),
      on(CreditStatementIssuedV1, partner),
      on(CreditStatementUpdatedV1, partner),
      on(CreditCashRefundedV1, partner),
      on(CreditRepaymentReceivedV1, partner),
      on(CreditRepaymentFailedV1, partner),
      // a settlement payout to a merchant of the partner (its data names the partner app)
      on(PayoutSucceededV1, partner),
      on(PayoutFailedV1, partner),
    ] as Subscription<object>[];
  }
}
