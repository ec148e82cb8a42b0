// Reference data: the 99 county legal entities (tenants) of the federation. Onboarding seeds
// its tenants table from it; settlement creates one ledger partition per county from it.
import counties from './counties.json';

export interface County {
  code: string;
  tenantId: string;
  name: string;
  shortName: string;
  nameEn: string;
  kind: 'rural_commercial_bank' | 'rural_credit_union';
  county: string;
  prefecture: string;
  prefectureCode: string;
  province: string;
  timezone: string;
}

export const COUNTIES: readonly County[] = counties as County[];
