import { fenToJson } from '@countypay/money';
import type { QrRefund } from './dto/refunds.dto';
import type { RefundRecord } from './refunds.repository';

/** The public JSON of a refund (amounts in integer fen). */
export function refundView(r: RefundRecord): QrRefund {
  return {
    id: r.id,
    orderId: r.orderId,
    outRefundNo: r.outRefundNo,
    amountFen: fenToJson(r.amountFen),
    currency: 'CNY',
    status: r.state,
    reason: r.reason,
    channelRefundNo: r.channelRefundNo,
    failureReason: r.failureReason,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
