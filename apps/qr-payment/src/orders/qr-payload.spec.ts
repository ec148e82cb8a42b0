import { decodeMpm, readCountypayMerchantAccount } from '@countypay/emvco';
import { expandUuid } from '../domain/payment-routing';
import { dynamicOrderPayload, staticCodePayload } from './qr-payload';

const merchant = {
  merchantId: '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e',
  legalName: '平湖市城关便民超市有限公司（总店）暨当湖街道社区生鲜配送服务中心',
  mcc: '5411',
  city: '嘉兴市平湖市当湖街道',
};
const storeId = '11111111-2222-4333-8444-555555555555';
const orderId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('dynamicOrderPayload', () => {
  it('encodes a dynamic code with the amount in fen and the order reference', () => {
    const payload = dynamicOrderPayload({ tenantId: 't510121', merchant, storeId, orderId, amountFen: 12_345n });
    const decoded = decodeMpm(payload);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.errors));
    expect(decoded.value.pointOfInitiation).toBe('dynamic');
    expect(decoded.value.amountFen).toBe(12_345n);
    expect(expandUuid(decoded.value.additionalData!.billNumber!)).toBe(orderId);
    const account = readCountypayMerchantAccount(decoded.value)!;
    expect(account.tenantCode).toBe('t510121');
    expect(expandUuid(account.merchantId)).toBe(merchant.merchantId);
    expect(expandUuid(account.storeId!)).toBe(storeId);
    expect(decoded.value.merchantName).toBe(Array.from(merchant.legalName).slice(0, 25).join(''));
    expect(Array.from(decoded.value.merchantName)).toHaveLength(25);
  });
});

describe('staticCodePayload', () => {
  it('a merchant code carries the resolve URL and no amount', () => {
    const { payload, resolveUrlInPayload } = staticCodePayload({ tenantId: 't510121', merchant, resolveBaseUrl: 'https://q.countypay.cn' });
    const decoded = decodeMpm(payload);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.errors));
    expect(decoded.value.pointOfInitiation).toBe('static');
    expect(decoded.value.amountFen).toBeUndefined();
    expect(resolveUrlInPayload).toBe(true);
    expect(readCountypayMerchantAccount(decoded.value)!.resolveUrl).toBe('https://q.countypay.cn');
  });

  it('a store code drops the URL when the 99-character template cannot hold it (ids still there)', () => {
    const { payload, resolveUrlInPayload } = staticCodePayload({ tenantId: 't510121', merchant, storeId, resolveBaseUrl: 'https://q.countypay.cn' });
    const decoded = decodeMpm(payload);
    if (!decoded.ok) throw new Error(JSON.stringify(decoded.errors));
    expect(resolveUrlInPayload).toBe(false);
    expect(expandUuid(readCountypayMerchantAccount(decoded.value)!.storeId!)).toBe(storeId);
  });
});
