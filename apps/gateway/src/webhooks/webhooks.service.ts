import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction, type Page } from '@countypay/persistence';
import { pageRequest, type AppActor } from '@countypay/service-kit';
import { WebhookDispatcher } from './webhook-dispatcher';
import type { ListWebhookDeliveriesQuery } from './dto/list-deliveries.dto';
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

/** The partner's view of its webhook deliveries: always the calling app's own, in its tenant. */
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
  async resend(caller: AppActor, id: string): Promise<WebhookDelivery> {
    const view = await inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const found = await this.repo.requestResend(em, caller.tenantId, caller.appId, id);
      if (!found) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      const row = await this.repo.getDelivery(em, caller.tenantId, caller.appId, id);
      return deliveryView(row!, await this.repo.attemptsOf(em, [id]));
    });
    this.dispatcher.wake();
    return view;
  }
}
