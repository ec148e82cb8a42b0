import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentChannel } from '@countypay/contracts';
import { col, execute, Keyset, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';

export const EXCEPTION_RESOLUTIONS = ['refunding', 'refunded', 'refund_failed'] as const;
export type ExceptionResolution = (typeof EXCEPTION_RESOLUTIONS)[number];

const ITEM = rowOf({
  id: col.uuid(),
  tenantId: col.text(),
  orderId: col.uuid(),
  kind: col.text<'paid_after_close'>(),
  channel: col.text<PaymentChannel>(),
  channelTradeNo: col.text(),
  amountFen: col.bigint(),
  refundId: col.uuid().nullable(),
  resolution: col.text<ExceptionResolution>(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type ExceptionItemRecord = RowType<typeof ITEM>;

const NEWEST_FIRST = new Keyset(
  'acquiring-exceptions',
  [
    { sql: 'x.created_at', type: 'timestamp' },
    { sql: 'x.id', type: 'uuid' },
  ],
  'desc',
);

/** The only SQL of exception items. */
@Injectable()
export class ExceptionsRepository {
  /** undefined when this channel payment of the order already has its item */
  async insert(
    em: EntityManager,
    x: { id: string; tenantId: string; orderId: string; channel: PaymentChannel; channelTradeNo: string; amountFen: bigint; refundId: string },
  ): Promise<ExceptionItemRecord | undefined> {
    const [row] = await updateReturning(
      em,
      ITEM,
      `insert into acq_exception_items (id, tenant_id, order_id, kind, channel, channel_trade_no, amount_fen, refund_id, resolution)
       values ($1, $2, $3, 'paid_after_close', $4, $5, $6, $7, 'refunding')
       on conflict (tenant_id, order_id, channel_trade_no) do nothing
       returning ${ITEM.columns()}`,
      [x.id, x.tenantId, x.orderId, x.channel, x.channelTradeNo, x.amountFen, x.refundId],
    );
    return row;
  }

  async resolveByRefund(em: EntityManager, refundId: string, resolution: ExceptionResolution): Promise<void> {
    await execute(em, `update acq_exception_items set resolution = $2, updated_at = now() where refund_id = $1`, [refundId, resolution]);
  }

  list(em: EntityManager, f: { tenantId: string; orderId?: string; resolution?: ExceptionResolution }, page: PageRequest): Promise<Page<ExceptionItemRecord>> {
    const where = new Where().add('x.tenant_id = ?', f.tenantId).add('x.order_id = ?', f.orderId).add('x.resolution = ?', f.resolution);
    return pageQuery(em, ITEM, { from: 'acq_exception_items x', where, keyset: NEWEST_FIRST, page });
  }
}
