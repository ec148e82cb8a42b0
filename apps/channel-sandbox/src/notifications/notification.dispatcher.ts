import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LOGGER } from '@countypay/service-kit';
import { httpCall, type Logger } from '@countypay/observability';
import { ChannelSandboxConfig } from '../config/channel-sandbox.config';
import { SIGNATURE_HEADER, signNotification } from '../domain/notify-signature';
import type { DeliveryRecord, PaymentNotification } from './notification.types';

const LOG_SIZE = 1000;

export interface ScheduledNotification {
  body: PaymentNotification;
  /** wait this long after the previous one was delivered (or given up) */
  delayMs: number;
}

/**
 * Delivers a payment's notifications to its notifyUrl, in order, one after the other: signed
 * (`x-sandbox-signature`), retried with a doubling delay on a non-2xx answer or a network error,
 * then given up. Kept in memory: a restart forgets pending deliveries, as a sandbox may.
 */
@Injectable()
export class NotificationDispatcher implements OnApplicationShutdown {
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly log: DeliveryRecord[] = [];
  private closed = false;

  constructor(
    private readonly config: ChannelSandboxConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  dispatch(url: string, items: readonly ScheduledNotification[]): void {
    if (items.length === 0) return;
    this.run(url, items).catch((err: unknown) => this.logger.warn({ err }, 'notification sequence failed'));
  }

  /** The latest deliveries, newest last (an ops/test aid). */
  deliveries(filter: { orderId?: string } = {}): DeliveryRecord[] {
    return this.log.filter((d) => !filter.orderId || d.orderId === filter.orderId);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  private async run(url: string, items: readonly ScheduledNotification[]): Promise<void> {
    for (const item of items) {
      await this.sleep(item.delayMs);
      if (this.closed) return;
      await this.deliver(url, item.body);
    }
  }

  private async deliver(url: string, body: PaymentNotification): Promise<void> {
    const raw = JSON.stringify(body);
    const record: DeliveryRecord = {
      notifyId: body.notifyId,
      channel: body.channel,
      tenantId: body.tenantId,
      orderId: body.orderId,
      status: body.status,
      url,
      attempts: 0,
      delivered: false,
    };
    this.remember(record);
    const headers = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signNotification(raw, this.config.SANDBOX_NOTIFY_SECRET),
      'x-sandbox-channel': body.channel,
      'x-sandbox-notify-id': body.notifyId,
    };
    for (let attempt = 1; attempt <= this.config.SANDBOX_NOTIFY_ATTEMPTS && !this.closed; attempt++) {
      record.attempts = attempt;
      try {
        const res = await httpCall(url, { method: 'POST', headers, body: raw, timeoutMs: this.config.SANDBOX_NOTIFY_TIMEOUT_MS });
        record.lastHttpStatus = res.status;
        if (res.status >= 200 && res.status < 300) {
          record.delivered = true;
          break;
        }
      } catch (e) {
        record.lastError = e instanceof Error ? e.message : String(e);
      }
      if (attempt < this.config.SANDBOX_NOTIFY_ATTEMPTS) await this.sleep(this.config.SANDBOX_NOTIFY_RETRY_MS * 2 ** (attempt - 1));
    }
    record.finishedAt = new Date().toISOString();
    if (!record.delivered && !this.closed) {
      this.logger.warn(
        { notifyId: body.notifyId, orderId: body.orderId, attempts: record.attempts, lastHttpStatus: record.lastHttpStatus },
        'notification given up',
      );
    }
  }

  private remember(record: DeliveryRecord): void {
    this.log.push(record);
    if (this.log.length > LOG_SIZE) this.log.splice(0, this.log.length - LOG_SIZE);
  }

  /** A delay that ends early when the app shuts down. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
      };
      this.timers.add(entry);
    });
  }
}
