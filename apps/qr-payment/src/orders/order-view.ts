import { fenToJson } from '@countypay/money';
import type { OrderRecord } from './orders.repository';

/** The public JSON of a payment order (amounts in integer fen). */
export function orderView(o: OrderRecord) {
  return {
    id: o.id,
    outTradeNo: o.outTradeNo,
    merchantId: o.merchantId,
    storeId: o.storeId,
    terminalId: o.terminalId,
    kind: o.kind,
    channel: o.channel,
    amountFen: fenToJson(o.amountFen),
    currency: 'CNY' as const,
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

export type OrderView = ReturnType<typeof orderView>;

/** Opaque keyset cursor: the last row's (createdAt, id). */
export function encodeCursor(o: Pick<OrderRecord, 'createdAt' | 'id'>): string {
  return Buffer.from(JSON.stringify({ c: o.createdAt.toISOString(), i: o.id })).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    if (typeof v.c !== 'string' || Number.isNaN(Date.parse(v.c))) return undefined;
    if (typeof v.i !== 'string' || !/^[0-9a-f-]{36}$/.test(v.i)) return undefined;
    return { createdAt: v.c, id: v.i };
  } catch {
    return undefined;
  }
}
