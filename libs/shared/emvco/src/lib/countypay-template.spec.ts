import { COUNTYPAY_GUID, countypayMerchantAccount, countypayTemplateProblems, readCountypayMerchantAccount } from './countypay-template';

describe('countypay merchant account template', () => {
  it('lays out 00 GUID, 01 merchant id, 02 resolve URL, 03 tenant code, 04 store id under tag 26', () => {
    expect(countypayMerchantAccount({ merchantId: 'M1', tenantCode: '330481', resolveUrl: 'https://q.countypay.cn/s/X', storeId: 'S9' })).toEqual({
      tag: '26',
      globallyUniqueId: COUNTYPAY_GUID,
      subfields: [
        { tag: '01', value: 'M1' },
        { tag: '02', value: 'https://q.countypay.cn/s/X' },
        { tag: '03', value: '330481' },
        { tag: '04', value: 'S9' },
      ],
    });
  });

  it('reads the account back, ignoring other templates', () => {
    const fields = {
      merchantAccounts: [
        { tag: '26', globallyUniqueId: 'D15600000000', subfields: [{ tag: '01', value: 'X' }] },
        countypayMerchantAccount({ merchantId: 'M1', tenantCode: '330481' }, '27'),
      ],
    };
    expect(readCountypayMerchantAccount(fields)).toEqual({ merchantId: 'M1', tenantCode: '330481' });
    expect(readCountypayMerchantAccount({ merchantAccounts: [] })).toBeUndefined();
  });

  it('explains what is wrong with a template', () => {
    expect(
      countypayTemplateProblems({
        tag: '26',
        globallyUniqueId: COUNTYPAY_GUID,
        subfields: [
          { tag: '01', value: 'M 1' },
          { tag: '02', value: 'http://insecure' },
          { tag: '05', value: 'x' },
        ],
      }),
    ).toEqual([
      "sub-tag 01 (merchant id) must be 1–32 of A-Z a-z 0-9 _ -, got 'M 1'",
      "sub-tag 02 (resolve URL) must be an https:// URL in printable ASCII without spaces, got 'http://insecure'",
      'sub-tag 03 (tenant code) is mandatory',
      'sub-tag 05 is not defined for cn.countypay (allowed: 01–04)',
    ]);
  });
});
