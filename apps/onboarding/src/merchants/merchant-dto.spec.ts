import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { apiValidationPipe } from '@countypay/service-kit';
import { CreateAppRequest } from '../apps/dto/app.dto';
import { CreateMerchantRequest, CreateTerminalRequest, UpdateMerchantRequest } from './dto/merchant.dto';

const valid = {
  legalName: '金堂县某某超市有限公司',
  uscc: '914403001922038216',
  legalRepName: '欧阳明华',
  legalRepIdNumber: '11010519491231002X',
  phone: '13800138000',
  mcc: '5411',
  address: '金堂县城关镇1号',
  city: '成都',
  settlementAccount: { accountType: 'corporate_account', accountNo: '51050142610800000123', accountName: '金堂县某某超市有限公司', bankName: '金堂农商银行' },
};

async function problem(metatype: ArgumentMetadata['metatype'], body: unknown): Promise<{ code: string; param?: string } | undefined> {
  try {
    await apiValidationPipe().transform(body, { type: 'body', metatype });
    return undefined;
  } catch (e) {
    if (!(e instanceof BadRequestException)) throw e;
    const r = e.getResponse() as { code: string; param?: string };
    return { code: r.code, param: r.param };
  }
}

describe('request bodies', () => {
  it('a complete merchant passes', async () => {
    expect(await problem(CreateMerchantRequest, valid)).toBeUndefined();
  });

  it.each([
    [{ ...valid, mcc: '541' }, 'invalid_request', 'mcc'],
    [{ ...valid, legalName: '' }, 'invalid_request', 'legalName'],
    [{ ...valid, settlementAccount: { ...valid.settlementAccount, bankName: 7 } }, 'invalid_request', 'settlementAccount.bankName'],
    [{ ...valid, status: 'active' }, 'unknown_field', 'status'],
    [{ ...valid, settlementAccount: undefined }, 'invalid_request', 'settlementAccount'],
    [{ ...valid, settlementAccount: { ...valid.settlementAccount, accountType: undefined } }, 'invalid_request', 'settlementAccount.accountType'],
    [{ ...valid, settlementAccount: { ...valid.settlementAccount, accountType: 'savings' } }, 'invalid_request', 'settlementAccount.accountType'],
  ])('refuses %#: %s naming %s', async (body, code, param) => {
    expect(await problem(CreateMerchantRequest, body)).toEqual({ code, param });
  });

  it('a settlement account states its type, on creation and when it is replaced', async () => {
    const debit = { accountType: 'debit_card', accountNo: '6222020200112233446', accountName: '欧阳明华', bankName: '金堂农商银行' };
    expect(await problem(CreateMerchantRequest, { ...valid, settlementAccount: debit })).toBeUndefined();
    expect(await problem(UpdateMerchantRequest, { settlementAccount: debit })).toBeUndefined();
    const { accountType: _omitted, ...untyped } = debit;
    expect(await problem(UpdateMerchantRequest, { settlementAccount: untyped })).toEqual({ code: 'invalid_request', param: 'settlementAccount.accountType' });
  });

  it('a terminal serial number is 1-40 safe characters', async () => {
    expect(await problem(CreateTerminalRequest, { serialNo: 'SN-0001' })).toBeUndefined();
    expect(await problem(CreateTerminalRequest, { serialNo: 'SN 0001' })).toEqual({ code: 'invalid_request', param: 'serialNo' });
  });

  const app = { tenantId: 't510121', name: 'Mall', scopes: ['qr:pay'], callbackUrls: ['https://mall.example/cb'], credential: { alg: 'HMAC-SHA256' } };

  it('an app registration passes with an HMAC credential, and refuses bad scopes, URLs and allowlists', async () => {
    expect(await problem(CreateAppRequest, app)).toBeUndefined();
    expect(await problem(CreateAppRequest, { ...app, scopes: ['root'] })).toEqual({ code: 'invalid_request', param: 'scopes' });
    expect(await problem(CreateAppRequest, { ...app, callbackUrls: ['ftp://x'] })).toEqual({ code: 'invalid_request', param: 'callbackUrls' });
    expect(await problem(CreateAppRequest, { ...app, ipAllowlist: ['10.0.0.0/40'] })).toEqual({ code: 'invalid_request', param: 'ipAllowlist' });
    expect(await problem(CreateAppRequest, { ...app, credential: { alg: 'MD5' } })).toEqual({ code: 'invalid_request', param: 'credential.alg' });
    expect(await problem(CreateAppRequest, { ...app, credential: { alg: 'SM2-SM3' } })).toEqual({ code: 'invalid_request', param: 'credential.publicKey' });
  });
});

describe('nested objects are required where the body needs them', () => {
  it('an app without a credential is refused', async () => {
    expect(await problem(CreateAppRequest, { tenantId: 't510121', name: 'x', scopes: [], callbackUrls: [] })).toEqual({
      code: 'invalid_request',
      param: 'credential',
    });
  });
});
