import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel } from '../domain/channels';
import type { StatementLine, StatementLineType } from '../domain/statement';
import type { EntryStatus, StatementEntry } from '../domain/statement-formats';

/** Reads the statement lines the payments feature writes. RLS scopes them to the transaction's tenant. */
@Injectable()
export class StatementsRepository {
  async lines(em: EntityManager, channel: Channel, from: Date, to: Date): Promise<StatementLine[]> {
    const rows: Array<{ channel_trade_no: string; order_id: string; type: StatementLineType; amount_fen: string; status: string; at: Date }> = await em.query(
      `select channel_trade_no, order_id, type, amount_fen, status, at from statement_lines
        where channel = $1 and at >= $2 and at < $3 order by at, line_id`,
      [channel, from, to],
    );
    return rows.map((r) => ({
      channelTradeNo: r.channel_trade_no,
      orderId: r.order_id,
      type: r.type,
      amountFen: BigInt(r.amount_fen),
      status: r.status,
      at: r.at,
    }));
  }

  /**
   * The same lines as the channels' own files describe them: a refund names the platform's refund
   * number and its payment's trade number beside its own refund number.
   */
  async entries(em: EntityManager, channel: Channel, from: Date, to: Date): Promise<StatementEntry[]> {
    const rows: Array<{
      type: StatementLineType;
      order_id: string;
      refund_id: string | null;
      channel_trade_no: string;
      channel_refund_no: string | null;
      amount_fen: string;
      status: EntryStatus;
      at: Date;
    }> = await em.query(
      `select s.type, s.order_id, r.refund_id,
              case when s.type = 'refund' then coalesce(p.channel_trade_no, s.channel_trade_no) else s.channel_trade_no end as channel_trade_no,
              case when s.type = 'refund' then s.channel_trade_no end as channel_refund_no,
              s.amount_fen, s.status, s.at
         from statement_lines s
         left join channel_refunds r on s.type = 'refund' and r.channel = s.channel and r.channel_refund_no = s.channel_trade_no
         left join channel_payments p on p.channel = s.channel and p.order_id = s.order_id
        where s.channel = $1 and s.at >= $2 and s.at < $3
        order by s.at, s.line_id`,
      [channel, from, to],
    );
    return rows.map((r) => ({
      type: r.type,
      orderId: r.order_id,
      refundId: r.refund_id,
      channelTradeNo: r.channel_trade_no,
      channelRefundNo: r.channel_refund_no,
      amountFen: BigInt(r.amount_fen),
      status: r.status,
      at: r.at,
    }));
  }
}
