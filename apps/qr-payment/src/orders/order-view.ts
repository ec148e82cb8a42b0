import { fenToJson } from '@countypay/money';
import type { QrOrder } from './dto/qr-order.dto';
import type { OrderRecord } from './orders.repository';

/** The public JSON of a payment order (amounts in integer fen). */
export function orderView(o: OrderRecord): QrOrder {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    storeId: o.storeId,
    terminalId: o.terminalId,
    kind: o.kind,
    channel: o.channel,
    amountFen: fenToJson(o.amountFen),
    currency: 'CNY',
    status: o.state,
    payerId: o.payerId,
    channelTradeNo: o.channelTradeNo,
    failureReason: o.failureReason,
    closeReason: o.closeReason,
    description: o.description,
    expiresAt: o.expiresAt?.toISOString() ?? null,
    paidAt: o.paidAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    version: o.version,
  };
}
