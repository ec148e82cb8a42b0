import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface CardRecord {
  holderName: string;
  status: string;
  idNumber: string | null;
  mobile: string | null;
}

/** The only SQL of the core banking's card holders. */
@Injectable()
export class QuickpayRepository {
  async accountExists(em: EntityManager, accountNo: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`select 1 from core_accounts where account_no = $1`, [accountNo]);
    return rows.length > 0;
  }

  async upsertHolder(em: EntityManager, tenantId: string, h: { cardNo: string; idNumber: string; mobile: string }): Promise<void> {
    await em.query(
      `insert into core_card_holders (tenant_id, card_no, id_number, mobile) values ($1, $2, $3, $4)
       on conflict (tenant_id, card_no) do update set id_number = excluded.id_number, mobile = excluded.mobile`,
      [tenantId, h.cardNo, h.idNumber, h.mobile],
    );
  }

  async findCard(em: EntityManager, cardNo: string): Promise<CardRecord | undefined> {
    const rows: Array<{ holder_name: string; status: string; id_number: string | null; mobile: string | null }> = await em.query(
      `select a.holder_name, a.status, h.id_number, h.mobile from core_accounts a
         left join core_card_holders h on h.tenant_id = a.tenant_id and h.card_no = a.account_no
        where a.account_no = $1`,
      [cardNo],
    );
    const r = rows[0];
    return r && { holderName: r.holder_name, status: r.status, idNumber: r.id_number, mobile: r.mobile };
  }
}
