import { Injectable } from '@nestjs/common';
import { ServiceUrlsConfig } from '@countypay/config';
import { ServiceAuth } from '@countypay/service-kit';
import { SettlementConfig } from '../config/settlement.config';

/** The owner's answer to a make-up: the order's state afterwards. */
export interface MakeUpAnswer {
  orderId: string;
  state: string;
  madeUp: boolean;
  channelTradeNo: string | null;
}

/** The owner refused (its public error code), or did not answer (`unreachable`). */
export class MakeUpRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * 补单: asks the service that owns an order (online acquiring) to accept a late success the
 * channel reports for an order it closed — a signed service-to-service command, the house style
 * for one service asking another to act (ADR 0011, amended). The owner queries the channel itself
 * and moves the order through its own state path (`payment.succeeded` in its outbox); the call is
 * idempotent there, so settlement may repeat it.
 */
@Injectable()
export class OrderOwnerClient {
  constructor(
    private readonly urls: ServiceUrlsConfig,
    private readonly auth: ServiceAuth,
    private readonly config: SettlementConfig,
  ) {}

  async makeUp(tenantId: string, orderId: string): Promise<MakeUpAnswer> {
    let res: Response;
    try {
      res = await fetch(`${this.urls.url('acquiring').replace(/\/$/, '')}/acquiring/internal/orders/${encodeURIComponent(orderId)}/make-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.auth.assertionHeader('acquiring') },
        body: JSON.stringify({ tenantId }),
        signal: AbortSignal.timeout(this.config.SETTLEMENT_PAYOUT_TIMEOUT_MS),
      });
    } catch {
      throw new MakeUpRefusedError('unreachable', 'online acquiring did not answer the make-up');
    }
    const body = (await res.json().catch(() => ({}))) as MakeUpAnswer & { error?: { code?: string; message?: string } };
    if (!res.ok) throw new MakeUpRefusedError(body.error?.code ?? `http_${res.status}`, body.error?.message ?? `online acquiring answered HTTP ${res.status}`);
    return body;
  }
}
