import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Channel } from '../domain/channels';
import type { StatementLine, StatementLineType } from '../domain/statement';

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
}
