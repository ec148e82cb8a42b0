import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Past reconciliation runs are listed newest first (`GET /v1/settlement/reconciliation/runs`): a
 * creation sequence to page them by, as cases and batches are (existing runs are numbered in
 * creation order).
 */
export class ReconRunsSeq1767200100000 implements MigrationInterface {
  name = 'ReconRunsSeq1767200100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('create sequence recon_runs_seq_seq');
    await q.query(`alter table recon_runs add column seq bigint`);
    await q.query(`update recon_runs r set seq = o.n from (select tenant_id, id, nextval('recon_runs_seq_seq') as n from (select tenant_id, id from recon_runs order by created_at, id) x) o
                    where o.tenant_id = r.tenant_id and o.id = r.id`);
    await q.query(`alter table recon_runs alter column seq set default nextval('recon_runs_seq_seq'), alter column seq set not null`);
    await q.query('alter sequence recon_runs_seq_seq owned by recon_runs.seq');
    await q.query('create index recon_runs_seq_idx on recon_runs (tenant_id, seq)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index recon_runs_seq_idx');
    await q.query('alter table recon_runs drop column seq');
  }
}
