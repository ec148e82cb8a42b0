import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { WebhookCaller } from './webhook-caller';
import { WebhookDispatcher } from './webhook-dispatcher';
import type { ListDeliveriesQuery } from './dto/list-deliveries.dto';
import type { WebhookAttemptView, WebhookDeliveryPage, WebhookDeliveryView } from './dto/webhook-delivery.dto';
import { type AttemptRow, type DeliveryRow, WebhooksRepository } from './webhooks.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 20;

export function encodeCursor(seq: string): string {
  return Buffer.from(`d:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^d:([1-9]\d{0,18})$/.exec(text);
  if (!m) throw new ApiError('invalid_request', 'cursor must be a nextCursor returned by this endpoint', 'cursor');
  return m[1]!;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function deliveryView(row: DeliveryRow, attempts: readonly AttemptRow[]): WebhookDeliveryView {
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
    attempts: attempts.map(
      (a): WebhookAttemptView => ({
        attemptNo: a.attemptNo,
        triggeredBy: a.triggeredBy,
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        errorClass: a.errorClass,
        outcome: a.outcome,
        at: new Date(a.at).toISOString(),
      }),
    ),
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

  async list(caller: WebhookCaller, q: ListDeliveriesQuery): Promise<WebhookDeliveryPage> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const beforeSeq = q.cursor ? decodeCursor(q.cursor) : undefined;
    return inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const rows = await this.repo.listDeliveries(em, { tenantId: caller.tenantId, appId: caller.appId, status: q.status, beforeSeq, limit });
      const page = rows.slice(0, limit);
      const attempts = await this.repo.attemptsOf(
        em,
        page.map((r) => r.id),
      );
      const last = page[page.length - 1];
      const hasMore = rows.length > limit;
      return {
        object: 'list',
        data: page.map((r) => deliveryView(r, attempts.filter((a) => a.deliveryId === r.id))),
        hasMore,
        nextCursor: hasMore && last ? encodeCursor(last.seq) : null,
      };
    });
  }

  async get(caller: WebhookCaller, id: string): Promise<WebhookDeliveryView> {
    return inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const row = UUID.test(id) ? await this.repo.getDelivery(em, caller.tenantId, caller.appId, id) : undefined;
      if (!row) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      return deliveryView(row, await this.repo.attemptsOf(em, [row.id]));
    });
  }

  /** Queues an attempt now (202); the response shows the delivery as queued. */
  async resend(caller: WebhookCaller, id: string): Promise<WebhookDeliveryView> {
    const view = await inTenantTransaction(this.ds, caller.tenantId, async (em) => {
      const found = UUID.test(id) && (await this.repo.requestResend(em, caller.tenantId, caller.appId, id));
      if (!found) throw new ApiError('not_found', `no webhook delivery ${id}`, 'id');
      const row = await this.repo.getDelivery(em, caller.tenantId, caller.appId, id);
      return deliveryView(row!, await this.repo.attemptsOf(em, [id]));
    });
    this.dispatcher.wake();
    return view;
  }
}
