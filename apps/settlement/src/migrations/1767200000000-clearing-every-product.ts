import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clearing across every product (ADR 0014): a batch item's gross is no longer payments − refunds
 * only but every movement of the merchant's payable in the window — profit-sharing splits in (escrow
 * → payable) and out (reversals), credit sales (drawdowns paid to the merchant, signed) and
 * reconciliation adjustments (signed). The item keeps each part; the gross check states the sum.
 * Past reconciliation runs are listed newest business date first: an index for that page order.
 */
export class ClearingEveryProduct1767200000000 implements MigrationInterface {
  name = 'ClearingEveryProduct1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table settlement_batch_items
        add column splits_in_fen bigint not null default 0 check (splits_in_fen >= 0),
        add column splits_out_fen bigint not null default 0 check (splits_out_fen >= 0),
        add column credit_sales_fen bigint not null default 0,
        add column adjustments_fen bigint not null default 0`);
    await dropCheck(q, 'settlement_batch_items', 'gross_fen = (payments_fen - refunds_fen)');
    await q.query(`
      alter table settlement_batch_items add constraint settlement_batch_items_gross_check
        check (gross_fen = payments_fen - refunds_fen + splits_in_fen - splits_out_fen + credit_sales_fen + adjustments_fen)`);
    await q.query('create index recon_runs_date_idx on recon_runs (tenant_id, business_date, channel)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index recon_runs_date_idx');
    await q.query('alter table settlement_batch_items drop constraint settlement_batch_items_gross_check');
    await q.query(`
      alter table settlement_batch_items
        drop column splits_in_fen, drop column splits_out_fen, drop column credit_sales_fen, drop column adjustments_fen`);
    await q.query('alter table settlement_batch_items add check (gross_fen = payments_fen - refunds_fen)');
  }
}

/** Drops the (unnamed, so generated-name) check constraint of `table` whose definition contains `definition`. */
async function dropCheck(q: QueryRunner, table: string, definition: string): Promise<void> {
  const rows = (await q.query(
    `select conname from pg_constraint where conrelid = $1::regclass and contype = 'c' and position($2 in pg_get_constraintdef(oid)) > 0`,
    [table, definition],
  )) as Array<{ conname: string }>;
  if (rows.length !== 1) throw new Error(`expected one check on ${table} containing ${definition}, found ${rows.length}`);
  await q.query(`alter table ${table} drop constraint ${rows[0]!.conname}`);
}
