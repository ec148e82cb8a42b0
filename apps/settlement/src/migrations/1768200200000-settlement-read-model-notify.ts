import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onboardingReadModelNotifyDownSql, onboardingReadModelNotifySql } from '@countypay/read-models';

/**
 * settlement keeps its read model's tenant configurations and merchants in memory (issue 14: the
 * fee plan was read from `tenant_configs` for every posted payment): every change of those rows
 * notifies `readmodel_<schema>`, and each instance drops what changed (OnboardingReadModelOptions.cache).
 */
export class SettlementReadModelNotify1768200200000 implements MigrationInterface {
  name = 'SettlementReadModelNotify1768200200000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of onboardingReadModelNotifySql({ merchants: true })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of onboardingReadModelNotifyDownSql({ merchants: true })) await q.query(sql);
  }
}
