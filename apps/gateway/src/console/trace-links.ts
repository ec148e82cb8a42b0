import { Injectable } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { ServiceAuth, actorHeaders, type Actor } from '@countypay/service-kit';
import { isTenantId } from '@countypay/tenancy';
import type { Operator } from '../auth/operator-auth.service';
import { UpstreamClient } from '../proxy/upstream.client';
import { ConsoleConfig } from './console.config';

/** The actor an operator acts as; a province operator names the county it looks into. */
export function operatorActor(op: Operator, tenantId?: string): Actor {
  if (op.role === 'county') return { type: 'county', id: op.operatorId, tenantId: op.tenantId! };
  return { type: 'province', id: op.operatorId, ...(tenantId && isTenantId(tenantId) ? { tenantId } : {}) };
}

/** Finds a payment's trace in the trace server, for an operator allowed to see the payment. */
@Injectable()
export class TraceLinks {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly auth: ServiceAuth,
    private readonly config: ConsoleConfig,
  ) {}

  /** 404 unless the payment service shows the order to this operator (another county's order is a 404 there). */
  async assertVisible(op: Operator, orderId: string, tenantId: string | undefined): Promise<void> {
    const actor = operatorActor(op, tenantId);
    const result = await this.upstream.forward({
      service: 'qr-payment',
      method: 'GET',
      path: `/qr/orders/${orderId}`,
      query: '',
      headers: { ...actorHeaders(actor), ...this.auth.assertionHeader('qr-payment', actor), accept: 'application/json' },
    });
    if (result.kind !== 'response') throw new ApiError('service_unavailable', 'the payment service did not answer');
    if (result.response.status !== 200) throw new ApiError('not_found', `no payment order ${orderId}`, 'orderId');
  }

  /**
   * The payment's trace: the newest one in which its state changed (tagged `payment.state` with `payment.id`),
   * else — no state change traced yet — the newest that carries `payment.id`. A plain read of the order carries
   * `payment.id` too: taking the newest of those would name a different trace after every read.
   */
  async find(orderId: string): Promise<{ traceId: string | null; url: string | null; search: string }> {
    const search = `payment.id=${orderId}`;
    const ui = this.config.traceUiUrl;
    const traceId = (await this.newest(`${search} and payment.state`)) ?? (await this.newest(search));
    return { traceId, url: traceId && ui ? `${ui}/traces/${traceId}` : null, search };
  }

  private async newest(annotationQuery: string): Promise<string | null> {
    const api = this.config.zipkinApi;
    if (!api) return null;
    try {
      const res = await fetch(`${api}/api/v2/traces?annotationQuery=${encodeURIComponent(annotationQuery)}&limit=1&lookback=${7 * 24 * 3600 * 1000}`, {
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) return null;
      const traces = (await res.json()) as Array<Array<{ traceId: string }>>;
      return traces[0]?.[0]?.traceId ?? null;
    } catch {
      return null;
    }
  }
}
