import type { EntityManager } from 'typeorm';
import {
  PaymentClosedData,
  PaymentClosedV1,
  PaymentFailedData,
  PaymentFailedV1,
  PaymentSucceededData,
  PaymentSucceededV1,
  type PaymentChannel,
  type PaymentProduct,
  type PaymentRef,
} from '@countypay/contracts';
import { OUTBOX_ROW_COLUMNS, outboxRow, type OutboxRow } from '@countypay/messaging';
import { fenToJson } from '@countypay/money';

/** What an order of any product says about itself when it reaches a final state. */
export interface FinalOrder {
  id: string;
  tenantId: string;
  state: string;
  outTradeNo: string;
  merchantId: string;
  appId: string | null | undefined;
  amountFen: bigint;
  channel: PaymentChannel | null;
  channelTradeNo: string | null;
  paidAt: Date | null;
  failureReason: string | null;
  closeReason: 'expired' | 'closed_by_partner' | 'reversed' | null;
  updatedAt: Date;
}

/**
 * Writes the `payment.succeeded|failed|closed` event of an order that has just reached that final
 * state, to the outbox of the caller's transaction (the one that changed the state). The settlement
 * ledger posts it and the gateway turns it into the partner's webhook, whatever the product.
 * Other states write nothing. `succeededExtra`: product-specific fields of the success (escrow).
 */
export async function announcePaymentOutcome(
  em: EntityManager,
  product: PaymentProduct,
  o: FinalOrder,
  succeededExtra: Partial<PaymentSucceededData> = {},
): Promise<void> {
  const row = paymentOutcomeRow(product, o, succeededExtra);
  if (row) await em.query(`insert into outbox (${OUTBOX_ROW_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7)`, row.params);
}

/**
 * The outbox row `announcePaymentOutcome` writes for the order as given (undefined: not final),
 * for a caller that writes it in the same statement as the state change (issue 14).
 */
export function paymentOutcomeRow(product: PaymentProduct, o: FinalOrder, succeededExtra: Partial<PaymentSucceededData> = {}): OutboxRow<object> | undefined {
  const base = {
    orderId: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    ...(o.appId ? { partnerAppId: o.appId } : {}),
    product,
    amountFen: fenToJson(o.amountFen),
    currency: 'CNY' as const,
  };
  // an order closed before any channel was chosen has no channel (the closed event allows that)
  const ref = (): PaymentRef => {
    if (!o.channel) throw new Error(`order ${o.id} is ${o.state} without a channel`);
    return { ...base, channel: o.channel };
  };
  const at = o.updatedAt.toISOString();
  const opts = { tenantId: o.tenantId };
  switch (o.state) {
    case 'succeeded':
      return outboxRow(
        PaymentSucceededV1,
        Object.assign(
          new PaymentSucceededData(),
          ref(),
          { channelTradeNo: o.channelTradeNo ?? o.id, paidAt: (o.paidAt ?? o.updatedAt).toISOString() },
          succeededExtra,
        ),
        opts,
      );
    case 'failed':
      return outboxRow(PaymentFailedV1, Object.assign(new PaymentFailedData(), ref(), { reason: o.failureReason ?? 'channel_declined', failedAt: at }), opts);
    case 'closed':
      return outboxRow(
        PaymentClosedV1,
        Object.assign(new PaymentClosedData(), base, o.channel ? { channel: o.channel } : {}, { reason: o.closeReason ?? 'closed_by_partner', closedAt: at }),
        opts,
      );
    default:
      return undefined;
  }
}
