import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { annotateActiveSpan } from '@countypay/observability';
import { execute, inTenantTransaction, updateReturning, col, rowOf } from '@countypay/persistence';
import { AcquiringConfig } from '../config/acquiring.config';
import type { ReportOutcome } from '../orders/channel-outcome.service';
import { PaymentSyncService } from '../orders/payment-sync.service';
import { ChannelNotificationDto } from './notify.dto';

export type NotifyOutcome = ReportOutcome | 'duplicate';

const CLAIMED = rowOf({ notifyId: col.text() });

export function parseNotification(body: unknown): ChannelNotificationDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('invalid_request', 'a notification is a JSON object');
  const n = plainToInstance(ChannelNotificationDto, body);
  const errors = validateSync(n, { whitelist: true });
  const first = errors[0];
  if (first) throw new ApiError('invalid_request', Object.values(first.constraints ?? {}).join('; ') || `invalid ${first.property}`, first.property);
  return n;
}

/** Hex HMAC-SHA256 of the body with the shared secret, compared in constant time. */
export function verifyNotifySignature(body: string, signature: string | undefined, secret: string): boolean {
  if (!secret || !signature || !/^[0-9a-f]{64}$/i.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(body, 'utf8').digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Channel notifications — late, duplicated, out of order — applied once: a notification id is
 * claimed first (a repeat is answered `duplicate`), and the state table never moves a final
 * order (a `user_paying` after `succeeded` changes nothing). A success for a closed order opens
 * an exception item and an automatic refund instead of being applied.
 */
@Injectable()
export class NotifyService {
  constructor(
    private readonly ds: DataSource,
    private readonly sync: PaymentSyncService,
    private readonly config: AcquiringConfig,
  ) {}

  async receive(channel: string, rawBody: string, signature: string | undefined, body: unknown): Promise<{ received: true; outcome: NotifyOutcome }> {
    if (!verifyNotifySignature(rawBody, signature, this.config.SANDBOX_NOTIFY_SECRET))
      throw new ApiError('invalid_notify_signature', 'the x-sandbox-signature header does not match the body', 'x-sandbox-signature');
    const n = parseNotification(body);
    if (n.channel !== channel) throw new ApiError('invalid_request', `the notification is for ${n.channel}, posted to ${channel}`, 'channel');
    annotateActiveSpan({ 'payment.id': n.orderId, 'tenant.id': n.tenantId });
    const [claimed] = await inTenantTransaction(this.ds, n.tenantId, (em) =>
      updateReturning(
        em,
        CLAIMED,
        `insert into acq_channel_notifications (tenant_id, channel, notify_id, order_id, status) values ($1, $2, $3, $4, $5)
         on conflict do nothing returning notify_id`,
        [n.tenantId, n.channel, n.notifyId, n.orderId, n.status],
      ),
    );
    if (!claimed) return { received: true, outcome: 'duplicate' };
    let outcome: ReportOutcome;
    try {
      ({ outcome } = await this.sync.reportWithOutcome(n.tenantId, n.orderId, {
        channel: n.channel,
        status: n.status,
        channelTradeNo: n.channelTradeNo,
        amountFen: BigInt(n.amountFen),
        payerId: n.payerId ?? null,
        ...(n.reason ? { reason: n.reason } : {}),
        at: Number.isNaN(Date.parse(n.at)) ? new Date() : new Date(n.at),
      }));
    } catch (e) {
      // not applied: free the id so the channel's retry is applied
      await inTenantTransaction(this.ds, n.tenantId, (em) =>
        execute(em, `delete from acq_channel_notifications where channel = $1 and notify_id = $2 and outcome is null`, [n.channel, n.notifyId]),
      );
      throw e;
    }
    await inTenantTransaction(this.ds, n.tenantId, (em) =>
      execute(em, `update acq_channel_notifications set outcome = $3 where channel = $1 and notify_id = $2`, [n.channel, n.notifyId, outcome]),
    );
    return { received: true, outcome };
  }
}
