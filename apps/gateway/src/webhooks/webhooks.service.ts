import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { actorTenant, auditActor, pageRequest, type Actor, type AppActor } from '@countypay/service-kit';
import { WebhookDispatcher } from './webhook-dispatcher';
import type { ListWebhookDeliveriesQuery } from './dto/list-deliveries.dto';
import type { ListOpsWebhookDeliveriesQuery, OpsWebhookDelivery } from './dto/ops-deliveries.dto';
import type { WebhookAttempt, WebhookDelivery } from './dto/webhook-delivery.dto';
import { type AttemptRow, type DeliveryRow, WebhooksRepository } from './webhooks.repository';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function deliveryView(row: DeliveryRow, attempts: readonly AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    object: 'webhook_delivery',
    eventId: row.eventId,
    eventType: row.eventType,
    url: row.url,
    status: row.status,
    attemptCount: row.attemptCount,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastErrorClass: row.lastErrorClass,
    deliveredAt: iso(row.deliveredAt),
    createdAt: new Date(row.createdAt).toISOString(),
    attempts: attempts.map((a): WebhookAttempt => ({
      attemptNo: a.attemptNo,
      triggeredBy: a.triggeredBy,
      statusCode: a.statusCode,
      durationMs: a.durationMs,
      errorClass: a.errorClass,
      outcome: a.outcome,
      at: new Date(a.at).toISOString(),
    })),
  };
}

/** An operator's view of a delivery: the partner's, plus its app and county. */
export function opsDeliveryView(row: DeliveryRow, attempts: readonly AttemptRow[]): OpsWebhookDelivery {
  return { ...deliveryView(row, attempts), appId: row.appId, tenantId: row.tenantId };
}

/**
 * Webhook deliveries. Partners: always the calling app's own, in its tenant. Operators (the ops
 * console): every app's deliveries of the county they act in — a county operator its own, a
 * province operator the one it names; another county's delivery is a 404. Every manual resend
 * records who asked for it in the same transaction.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: WebhooksRepository,
    private readonly dispatcher: WebhookDispatcher,
  ) {}

  async list(caller: AppActor, q: ListWebhookDeliveriesQuery): Promise<Page<WebhookDelivery>> {
    return inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const page = await this.repo.listDeliveries(em, { tenantId: caller.tenantId, appId: caller.appId, status: q.status, page: pageRequest(q) });
      const attempts = await this.repo.attemptsOf(
        em,
        page.data.map((r) => r.id),
      );
      return {
        data: page.data.map((r) =>
          deliveryView(
            r,
            attempts.filter((a) => a.deliveryId === r.id),
          ),
        ),
        nextCursor: page.nextCursor,
      };
    });
  }

  async get(caller: AppActor, id: string): Promise<WebhookDelivery> {
    return inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const row = await this.repo.getDelivery(em, caller.tenantId, caller.appId, id);
      if (!row) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      return deliveryView(row, await this.repo.attemptsOf(em, [row.id]));
    });
  }

  /** Queues an attempt now (202); the response shows the delivery as queued. */
  async resend(caller: AppActor, id: string, requestId?: string): Promise<WebhookDelivery> {
    const view = await inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const found = await this.repo.requestResend(em, caller.tenantId, caller.appId, id);
      if (!found) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      await this.repo.recordResend(em, { tenantId: caller.tenantId, deliveryId: id, ...auditActor(caller), requestId });
      const row = await this.repo.getDelivery(em, caller.tenantId, caller.appId, id);
      return deliveryView(row!, await this.repo.attemptsOf(em, [id]));
    });
    this.dispatcher.wake();
    return view;
  }

  async listForOperator(actor: Actor, q: ListOpsWebhookDeliveriesQuery): Promise<Page<OpsWebhookDelivery>> {
    const tenantId = actorTenant(actor);
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const page = await this.repo.listTenantDeliveries(em, {
        tenantId,
        appId: q.appId,
        status: q.status,
        eventType: q.eventType,
        eventId: q.eventId,
        orderId: q.orderId,
        page: pageRequest(q),
      });
      const attempts = await this.repo.attemptsOf(
        em,
        page.data.map((r) => r.id),
      );
      return {
        data: page.data.map((r) =>
          opsDeliveryView(
            r,
            attempts.filter((a) => a.deliveryId === r.id),
          ),
        ),
        nextCursor: page.nextCursor,
      };
    });
  }

  async getForOperator(actor: Actor, id: string): Promise<OpsWebhookDelivery> {
    const tenantId = actorTenant(actor);
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const row = await this.repo.getDelivery(em, tenantId, undefined, id);
      if (!row) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      return opsDeliveryView(row, await this.repo.attemptsOf(em, [row.id]));
    });
  }

  /** An operator's resend: as the partner's (one attempt now), audited with the operator's id. */
  async resendForOperator(actor: Actor, id: string, requestId?: string): Promise<OpsWebhookDelivery> {
    const tenantId = actorTenant(actor);
    const view = await inTenantTransaction(this.ds, tenantId, async (em) => {
      const found = await this.repo.requestResend(em, tenantId, undefined, id);
      if (!found) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      await this.repo.recordResend(em, { tenantId, deliveryId: id, ...auditActor(actor), requestId });
      const row = await this.repo.getDelivery(em, tenantId, undefined, id);
      return opsDeliveryView(row!, await this.repo.attemptsOf(em, [id]));
    });
    this.dispatcher.wake();
    return view;
  }
}
