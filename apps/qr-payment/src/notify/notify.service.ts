import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { annotateActiveSpan, type Logger } from '@countypay/observability';
import { inTenantTransaction } from '@countypay/persistence';
import { LOGGER } from '@countypay/service-kit';
import { transition, type OrderState } from '../domain/order-state';
import { orderEventOfChannelStatus, reasonCode } from '../domain/payment-routing';
import { QrPaymentConfig } from '../config/qr-payment.config';
import { FinalOrders } from '../orders/final-orders';
import { OrdersRepository } from '../orders/orders.repository';
import { PaymentStateService } from '../orders/payment-state.service';
import { ChannelNotificationDto } from './notify.dto';
import { NotifyRepository } from './notify.repository';

export type NotifyOutcome = 'applied' | 'duplicate' | 'ignored_final' | 'noted' | 'amount_mismatch' | 'channel_mismatch';

/** The order state a channel status settles an order in; undefined: not final (`user_paying`). */
function finalStateOf(status: ChannelNotificationDto['status']): OrderState | undefined {
  const event = orderEventOfChannelStatus(status);
  if (!event) return undefined;
  const next = transition('paying', event);
  return next.ok ? next.state : undefined;
}

/** Validates a (signed) notification body. */
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
 * Channel notifications: late, duplicated or out of order. Each notifyId is applied at most
 * once (its row commits with the state change), and the state machine never moves a final
 * order: a `succeeded` after `closed`, or a `user_paying` after `succeeded`, changes nothing.
 */
@Injectable()
export class NotifyService {
  constructor(
    private readonly ds: DataSource,
    private readonly orders: OrdersRepository,
    private readonly notifications: NotifyRepository,
    private readonly state: PaymentStateService,
    private readonly config: QrPaymentConfig,
    private readonly finals: FinalOrders,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** `rawBody` is the JSON text the signature covers. */
  async receive(channel: string, rawBody: string, signature: string | undefined, body: unknown): Promise<{ received: true; outcome: NotifyOutcome }> {
    if (!verifyNotifySignature(rawBody, signature, this.config.SANDBOX_NOTIFY_SECRET))
      throw new ApiError('invalid_notify_signature', 'the x-sandbox-signature header does not match the body', 'x-sandbox-signature');
    const n = parseNotification(body);
    if (n.channel !== channel) throw new ApiError('invalid_request', `the notification is for ${n.channel}, posted to ${channel}`, 'channel');
    annotateActiveSpan({ 'payment.id': n.orderId, 'tenant.id': n.tenantId });

    // The channel confirming what this process already committed from the channel's own answer (its
    // notification of a payment it answered synchronously — every payer code; one arriving while that
    // answer is still being committed here waits for it): nothing can change, no transaction. Anything else (another status, amount or channel; an order finished by a
    // notification, or not remembered: another instance, a restart) goes the way below, as before.
    await this.finals.answeredBy(n.tenantId, n.orderId, this.config.QR_CHANNEL_TIMEOUT_MS);
    const known = this.finals.get(n.tenantId, n.orderId);
    if (known && known.state === finalStateOf(n.status) && known.channel === channel && known.amountFen === BigInt(n.amountFen))
      return { received: true, outcome: 'ignored_final' };

    const result = await inTenantTransaction(this.ds, n.tenantId, async (em): Promise<{ outcome: NotifyOutcome; wake: boolean }> => {
      const order = await this.orders.findById(em, n.orderId, { lock: true });
      if (!order) throw new ApiError('not_found', `no payment order ${n.orderId}`);
      if (!(await this.notifications.claim(em, { tenantId: n.tenantId, channel, notifyId: n.notifyId, orderId: n.orderId, status: n.status })))
        return { outcome: 'duplicate', wake: false };
      const done = async (outcome: NotifyOutcome, wake = false) => {
        await this.notifications.recordOutcome(em, channel, n.notifyId, outcome);
        return { outcome, wake };
      };
      if (order.channel && order.channel !== channel) return done('channel_mismatch');
      if (BigInt(n.amountFen) !== order.amountFen) {
        this.logger.error(
          { orderId: order.id, channel, notified: n.amountFen, amountFen: order.amountFen.toString() },
          'notification amount differs from the order',
        );
        return done('amount_mismatch');
      }
      const event = orderEventOfChannelStatus(n.status);
      if (!event) {
        await this.orders.recordChannelDetails(em, order.id, { payerId: n.payerId ?? null, channelTradeNo: n.channelTradeNo });
        return done('noted');
      }
      const r = await this.state.applyIn(em, order.id, event, {
        channel,
        payerId: n.payerId ?? null,
        channelTradeNo: n.channelTradeNo,
        ...(event === 'payment_succeeded' ? { paidAt: Number.isNaN(Date.parse(n.at)) ? new Date() : new Date(n.at) } : {}),
        ...(event === 'payment_failed' ? { failureReason: reasonCode(n.reason, 'channel_declined') } : {}),
        ...(event === 'reverse' ? { closeReason: 'reversed' } : {}),
      });
      return done(r.applied ? 'applied' : 'ignored_final', r.applied);
    });
    if (result.wake) this.state.wake();
    return { received: true, outcome: result.outcome };
  }
}
