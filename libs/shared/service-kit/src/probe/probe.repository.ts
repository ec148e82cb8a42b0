import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

@Injectable()
export class ProbeRepository {
  async insert(em: EntityManager, r: { tenantId: string; probeId: string; origin: string; eventId: string }): Promise<void> {
    await em.query(
      `insert into probe_receipts (tenant_id, probe_id, origin, event_id) values ($1, $2, $3, $4)
       on conflict (tenant_id, probe_id) do nothing`,
      [r.tenantId, r.probeId, r.origin, r.eventId],
    );
  }

  /** RLS scopes this to the transaction's tenant. */
  async find(em: EntityManager, probeId: string): Promise<{ probeId: string; origin: string; eventId: string; receivedAt: string } | undefined> {
    const rows: Array<{ probe_id: string; origin: string; event_id: string; received_at: Date }> = await em.query(
      `select probe_id, origin, event_id, received_at from probe_receipts where probe_id = $1`,
      [probeId],
    );
    const r = rows[0];
    return r && { probeId: r.probe_id, origin: r.origin, eventId: r.event_id, receivedAt: r.received_at.toISOString() };
  }
}
