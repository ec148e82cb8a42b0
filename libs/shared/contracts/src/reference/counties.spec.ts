import counties from './counties.json';

// Seed data of the 99 county legal entities (tenants) of the Shandong provincial federation.
const PROVINCE_PREFIX = '37';
const KINDS = ['rural_commercial_bank', 'rural_credit_union'] as const;

interface County {
  code: string;
  tenantId: string;
  name: string;
  shortName: string;
  nameEn: string;
  kind: string;
  county: string;
  prefecture: string;
  prefectureCode: string;
  province: string;
  timezone: string;
}

const list = counties as County[];

// "平阴县" -> "平阴"; single-character counties keep their suffix ("莘县", "曹县").
const stemOf = (county: string): string => (county.length > 2 ? county.replace(/[县市区]$/, '') : county);

describe('county tenant seed data', () => {
  it('holds exactly 99 entries', () => {
    expect(list).toHaveLength(99);
  });

  it('uses unique six-digit division codes of the province, with the prefecture code derived from them', () => {
    for (const c of list) {
      expect(c.code).toMatch(/^\d{6}$/);
      expect(c.code.startsWith(PROVINCE_PREFIX)).toBe(true);
      expect(c.prefectureCode).toBe(`${c.code.slice(0, 4)}00`);
    }
    expect(new Set(list.map((c) => c.code)).size).toBe(list.length);
  });

  it('derives the tenant id as "t" + code', () => {
    for (const c of list) expect(c.tenantId).toBe(`t${c.code}`);
    expect(new Set(list.map((c) => c.tenantId)).size).toBe(list.length);
  });

  it('names each entity after its county', () => {
    for (const c of list) {
      for (const field of [c.name, c.shortName, c.nameEn, c.county, c.prefecture, c.province]) {
        expect(typeof field).toBe('string');
        expect(field.trim().length).toBeGreaterThan(0);
      }
      expect(c.county).toMatch(/[县市区]$/);
      expect(c.name).toContain(stemOf(c.county));
      expect(c.shortName).toContain(stemOf(c.county));
      expect(c.province).toBe('山东省');
    }
  });

  it('has a kind consistent with the legal name', () => {
    for (const c of list) {
      expect(KINDS).toContain(c.kind);
      if (c.kind === 'rural_commercial_bank') {
        expect(c.name).toMatch(/农村商业银行股份有限公司$/);
        expect(c.nameEn).toMatch(/Rural Commercial Bank$/);
      } else {
        expect(c.name).toMatch(/农村信用合作联社$/);
        expect(c.nameEn).toMatch(/Rural Credit Cooperative Union$/);
      }
    }
    const unions = list.filter((c) => c.kind === 'rural_credit_union').length;
    expect(unions).toBeGreaterThan(0);
    expect(unions).toBeLessThan(list.length / 2);
  });

  it('places every tenant in Asia/Shanghai', () => {
    for (const c of list) expect(c.timezone).toBe('Asia/Shanghai');
  });
});
