import type { MigrationInterface, QueryRunner } from 'typeorm';
import { onboardingReadModelNotifySql, onboardingReadModelNotifyDownSql } from '@countypay/read-models';

/**
 * qr-payment keeps its read model's tenant configurations and merchants in memory (issue 14: no
 * read-model statements per payment): every change of those rows notifies `readmodel_<schema>`,
 * and each instance drops what changed (OnboardingReadModelOptions.cache).
 */
export class QrReadModelNotify1768050000000 implements MigrationInterface {
  name = 'QrReadModelNotify1768050000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of onboardingReadModelNotifySql({ merchants: true })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of onboardingReadModelNotifyDownSql({ merchants: true })) await q.query(sql);
  }
}
