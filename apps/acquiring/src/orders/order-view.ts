import { fenToJson } from '@countypay/money';
import type { AcquiringOrder } from './dto/acquiring-order.dto';
import type { OrderRecord } from './orders.repository';

/** The public JSON of an acquiring order (amounts in integer fen). */
export function orderView(o: OrderRecord): AcquiringOrder {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    amountFen: fenToJson(o.amountFen),
    currency: 'CNY',
    subject: o.subject,
    goods: o.goods,
    profitSharing: o.profitSharing,
    status: o.state,
    refundStatus: o.refundState,
    refundedFen: fenToJson(o.refundedFen),
    method: o.method,
    channel: o.channel,
    channelTradeNo: o.channelTradeNo,
    payerId: o.payerId,
    failureReason: o.failureReason,
    closeReason: o.closeReason,
    notifyUrl: o.notifyUrl,
    returnUrl: o.returnUrl,
    cashierPath: `/v1/acquiring/cashier/${o.tenantId}/${o.id}`,
    expiresAt: o.expiresAt.toISOString(),
    paidAt: o.paidAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    version: o.version,
  };
}
