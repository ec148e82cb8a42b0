import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { col, one, rowOf, type RowType } from '@countypay/persistence';
import type { LineState } from '../domain/state-machines';

const PAYER_LINE = rowOf({
  id: col.uuid(),
  state: col.text<LineState>(),
  limitFen: col.bigint(),
  heldFen: col.bigint(),
  drawnFen: col.bigint(),
  expiresOn: col.date(),
  mobileMasked: col.text(),
  installmentCounts: col.json<number[]>(),
});
export type PayerLineRecord = RowType<typeof PAYER_LINE>;

/** A partner app's customer's open line as a payment service finds it (inside the caller's tenant transaction). */
@Injectable()
export class PayerLinesRepository {
  findOpenLine(em: EntityManager, appId: string, customerRef: string): Promise<PayerLineRecord | undefined> {
    return one(
      em,
      PAYER_LINE,
      `select l.id, l.state, l.limit_fen, l.held_fen, l.drawn_fen, l.expires_on, a.mobile_masked,
              array_to_json(p.installment_counts) as installment_counts
         from credit_lines l
         join credit_applications a on a.id = l.application_id
         join credit_products p on p.id = l.product_id
        where l.app_id = $1 and l.customer_ref = $2 and l.state <> 'closed'
        limit 1`,
      [appId, customerRef],
    );
  }
}
