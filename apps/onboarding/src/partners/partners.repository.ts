import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PartnerKind } from '@countypay/contracts';
import { col, Keyset, one, pageQuery, rowOf, updateReturning, Where, type Page, type PageRequest, type RowType } from '@countypay/persistence';
import type { ActivityStatus } from '../domain/state-machine';

const PARTNER = rowOf({
  partnerId: col.uuid(),
  name: col.text(),
  kind: col.text<PartnerKind>(),
  status: col.text<ActivityStatus>(),
  version: col.int(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type PartnerRecord = RowType<typeof PARTNER>;

export const PARTNERS_NEWEST_FIRST = new Keyset(
  'partners',
  [
    { sql: 'p.created_at', type: 'timestamp' },
    { sql: 'p.partner_id', type: 'uuid' },
  ],
  'desc',
);

/** Partners are province-level: writes only in the province scope, reads from any scope. */
@Injectable()
export class PartnersRepository {
  async insert(em: EntityManager, p: { partnerId: string; name: string; kind: PartnerKind }): Promise<PartnerRecord> {
    const [row] = await updateReturning(em, PARTNER, `insert into partners (partner_id, name, kind) values ($1, $2, $3) returning ${PARTNER.columns()}`, [
      p.partnerId,
      p.name,
      p.kind,
    ]);
    return row!;
  }

  find(em: EntityManager, partnerId: string, forUpdate = false): Promise<PartnerRecord | undefined> {
    return one(em, PARTNER, `select ${PARTNER.columns('p')} from partners p where p.partner_id = $1${forUpdate ? ' for update' : ''}`, [partnerId]);
  }

  list(em: EntityManager, page: PageRequest): Promise<Page<PartnerRecord>> {
    return pageQuery(em, PARTNER, { from: 'partners p', where: new Where(), keyset: PARTNERS_NEWEST_FIRST, page });
  }

  /** Sets the status of a row the caller has locked, version + 1. */
  async setStatus(em: EntityManager, partnerId: string, status: ActivityStatus): Promise<PartnerRecord> {
    const [row] = await updateReturning(
      em,
      PARTNER,
      `update partners p set status = $2, version = p.version + 1, updated_at = now() where p.partner_id = $1 returning ${PARTNER.columns('p')}`,
      [partnerId, status],
    );
    return row!;
  }
}
