import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PartnerKind } from '@countypay/contracts';
import { updatedRows } from '../common/sql';

export interface PartnerRow {
  partner_id: string;
  name: string;
  kind: PartnerKind;
  status: 'active' | 'suspended';
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'partner_id, name, kind, status, version, created_at, updated_at';

/** Partners are province-level: writes only in the province scope, reads from any scope. */
@Injectable()
export class PartnersRepository {
  async insert(em: EntityManager, p: { partnerId: string; name: string; kind: PartnerKind }): Promise<PartnerRow> {
    const rows: PartnerRow[] = await em.query(`insert into partners (partner_id, name, kind) values ($1, $2, $3) returning ${COLUMNS}`, [p.partnerId, p.name, p.kind]);
    return rows[0] as PartnerRow;
  }

  async find(em: EntityManager, partnerId: string, forUpdate = false): Promise<PartnerRow | undefined> {
    const rows: PartnerRow[] = await em.query(`select ${COLUMNS} from partners where partner_id = $1${forUpdate ? ' for update' : ''}`, [partnerId]);
    return rows[0];
  }

  async list(em: EntityManager, q: { after?: [string, string]; limit: number }): Promise<PartnerRow[]> {
    return em.query(
      `select ${COLUMNS} from partners
        where ($1::timestamptz is null or (date_trunc('milliseconds', created_at), partner_id) > ($1::timestamptz, $2::uuid))
        order by date_trunc('milliseconds', created_at), partner_id limit $3`,
      [q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit],
    );
  }

  async setStatus(em: EntityManager, partnerId: string, status: 'active' | 'suspended'): Promise<PartnerRow> {
    const res: unknown = await em.query(`update partners set status = $2, version = version + 1, updated_at = now() where partner_id = $1 returning ${COLUMNS}`, [partnerId, status]);
    return updatedRows<PartnerRow>(res)[0] as PartnerRow;
  }
}
