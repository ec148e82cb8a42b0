import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, execute, rowOf, updateReturning } from '@countypay/persistence';

const CLAIMED = rowOf({ notifyId: col.text() });

/** Channel notifications already received (each applied at most once). */
@Injectable()
export class NotifyRepository {
  /** true when this notification is new; false for a duplicate delivery */
  async claim(em: EntityManager, n: { tenantId: string; channel: string; notifyId: string; orderId: string; status: string }): Promise<boolean> {
    const claimed = await updateReturning(
      em,
      CLAIMED,
      `insert into channel_notifications (tenant_id, channel, notify_id, order_id, status, outcome)
       values ($1, $2, $3, $4, $5, 'received')
       on conflict (tenant_id, channel, notify_id) do nothing returning notify_id`,
      [n.tenantId, n.channel, n.notifyId, n.orderId, n.status],
    );
    return claimed.length > 0;
  }

  async recordOutcome(em: EntityManager, channel: string, notifyId: string, outcome: string): Promise<void> {
    await execute(em, `update channel_notifications set outcome = $3 where channel = $1 and notify_id = $2`, [channel, notifyId, outcome]);
  }
}
