import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { EventEnvelope, MerchantUpdatedData } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import type { OnboardingReadModel } from '@countypay/read-models';

/**
 * Makes merchants known to settlement's read model of the county, as their
 * `onboarding.merchant-updated` events would: settlement's merchant routes answer 404 for a
 * merchant the county does not have.
 */
export async function seedMerchants(ds: DataSource, readModel: OnboardingReadModel, tenantId: string, merchantIds: string[]): Promise<void> {
  await inTenantTransaction(ds, tenantId, async (em) => {
    for (const merchantId of merchantIds) {
      const event: EventEnvelope<MerchantUpdatedData> = {
        id: randomUUID(),
        type: 'onboarding.merchant-updated',
        version: 1,
        tenantId,
        occurredAt: new Date().toISOString(),
        data: { merchantId, legalName: '金堂县赵镇便民超市有限公司', mcc: '5411', city: '成都市', status: 'active', riskLevel: 'low', stores: [], version: 1 },
      };
      await readModel.handleMerchantUpdated(event, em);
    }
  });
}
