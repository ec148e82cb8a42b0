import counties from './counties.json';

// Seed data of the 99 county legal entities (tenants) of the Sichuan provincial federation.
const PROVINCE = '四川省';
const KINDS = ['rural_commercial_bank', 'rural_credit_union'] as const;

// The 21 prefecture-level divisions of Sichuan (GB/T 2260).
const PREFECTURES: Record<string, string> = {
  '510100': '成都市',
  '510300': '自贡市',
  '510400': '攀枝花市',
  '510500': '泸州市',
  '510600': '德阳市',
  '510700': '绵阳市',
  '510800': '广元市',
  '510900': '遂宁市',
  '511000': '内江市',
  '511100': '乐山市',
  '511300': '南充市',
  '511400': '眉山市',
  '511500': '宜宾市',
  '511600': '广安市',
  '511700': '达州市',
  '511800': '雅安市',
  '511900': '巴中市',
  '512000': '资阳市',
  '513200': '阿坝藏族羌族自治州',
  '513300': '甘孜藏族自治州',
  '513400': '凉山彝族自治州',
};

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

// "金堂县" -> "金堂"; single-character counties keep their suffix ("高县", "泸县").
const stemOf = (county: string): string => (county.length > 2 ? county.replace(/[县市区]$/, '') : county);

describe('county tenant seed data', () => {
  it('holds exactly 99 entries', () => {
    expect(list).toHaveLength(99);
  });

  it('uses unique six-digit division codes of the province, with the prefecture code derived from them', () => {
    for (const c of list) {
      expect(c.code).toMatch(/^51\d{4}$/);
      expect(c.prefectureCode).toBe(`${c.code.slice(0, 4)}00`);
    }
    expect(new Set(list.map((c) => c.code)).size).toBe(list.length);
  });

  it('names the prefecture of each code', () => {
    expect(Object.keys(PREFECTURES)).toHaveLength(21);
    for (const c of list) expect(c.prefecture).toBe(PREFECTURES[c.prefectureCode]);
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
      expect(c.province).toBe(PROVINCE);
    }
  });

  it('has a kind consistent with the legal name', () => {
    for (const c of list) {
      expect(KINDS).toContain(c.kind);
      expect(c.nameEn).toMatch(/^[A-Z][a-z']+ /);
      if (c.kind === 'rural_commercial_bank') {
        expect(c.name).toBe(`${stemOf(c.county)}农村商业银行股份有限公司`);
        expect(c.shortName).toBe(`${stemOf(c.county)}农商银行`);
        expect(c.nameEn).toMatch(/Rural Commercial Bank$/);
      } else {
        expect(c.name).toBe(`${c.county}农村信用合作联社`);
        expect(c.shortName).toBe(`${c.county}农信联社`);
        expect(c.nameEn).toMatch(/ County Rural Credit Cooperative Union$/);
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
