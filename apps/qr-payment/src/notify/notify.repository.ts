import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Channel notifications already received (each applied at most once). */
@Injectable()
export class NotifyRepository {
  /** true when this notification is new; false for a duplicate delivery */
  async claim(em: EntityManager, n: { tenantId: string; channel: string; notifyId: string; orderId: string; status: string }): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `insert into channel_notifications (tenant_id, channel, notify_id, order_id, status, outcome)
       values ($1, $2, $3, $4, $5, 'received')
       on conflict (tenant_id, channel, notify_id) do nothing returning notify_id`,
      [n.tenantId, n.channel, n.notifyId, n.orderId, n.status],
    );
    return rows.length > 0;
  }

  async recordOutcome(em: EntityManager, channel: string, notifyId: string, outcome: string): Promise<void> {
    await em.query(`update channel_notifications set outcome = $3 where channel = $1 and notify_id = $2`, [channel, notifyId, outcome]);
  }
}
