// Issue 3 end to end, as a partner would: the province onboards a partner and its app, a county
// operator reviews merchants, and every signed call goes through the public gateway.
import { CountypayOperatorClient, type Merchant } from '@countypay/sdk';
import { maskCardNumber, maskName, maskPhone, maskResidentId, responseCanonical, verifyResponseSignature } from '@countypay/security';
import { gatewayUrl, platformPublicKey } from '../support/platform';
import {
  COUNTY_A,
  COUNTY_SUSPENDED,
  type ApiErrorBody,
  apiError,
  createPartner,
  eventually,
  expectErrorShape,
  merchantInput,
  onboardApp,
  province,
  signedFetch,
  unique,
} from './gateway-fixtures';

describe('gateway e2e: onboarding happy path', () => {
  it('province onboards a partner and an HMAC app, a county operator approves the merchant the app registered, the app sees it active and masked', async () => {
    const partnerId = await createPartner('county_market');
    const app = await onboardApp({ tenantId: COUNTY_A, partnerId, scopes: ['merchants:read', 'merchants:write', 'qr:pay'] });
    expect(app.partnerId).toBe(partnerId);
    expect(app.tenantId).toBe(COUNTY_A);

    const op = await province().request<{ operatorId: string; role: string; tenantId: string; token: string }>('POST', '/v1/admin/operators', {
      body: { role: 'county', tenantId: COUNTY_A, name: unique('县运营') },
    });
    expect(op).toMatchObject({ role: 'county', tenantId: COUNTY_A, token: expect.stringMatching(/^cpo_[A-Za-z0-9_-]{43}$/) });
    const county = new CountypayOperatorClient({ baseUrl: gatewayUrl(), token: op.token });

    const input = merchantInput(COUNTY_A);
    const created = await app.client.merchants.create(input);
    expect(created).toMatchObject({ tenantId: COUNTY_A, partnerId, status: 'pending_review', uscc: input.uscc, legalName: input.legalName });

    const approved = await county.merchants.approve(created.merchantId, 'KYC documents checked');
    expect(approved).toMatchObject({ merchantId: created.merchantId, status: 'active' });

    const page = await app.client.merchants.list({ status: 'active' });
    const mine = page.data.filter((m: Merchant) => m.merchantId === created.merchantId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      merchantId: created.merchantId,
      tenantId: COUNTY_A,
      partnerId,
      status: 'active',
      legalName: input.legalName,
      legalRepName: maskName(input.legalRepName),
      legalRepIdNumber: maskResidentId(input.legalRepIdNumber),
      phone: maskPhone(input.phone),
      settlementAccount: { accountNo: maskCardNumber(input.settlementAccount.accountNo), bankName: input.settlementAccount.bankName },
    });
    // nothing personal in clear anywhere in the answer
    const text = JSON.stringify(page);
    for (const secret of [input.legalRepName, input.legalRepIdNumber, input.phone, input.settlementAccount.accountNo]) expect(text).not.toContain(secret);
    expect(mine[0].legalRepName).not.toBe(input.legalRepName);
  });
});

describe('gateway e2e: request authentication', () => {
  it('a forged signature is 401 invalid_signature', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const forged = await signedFetch(app, 'GET', '/v1/merchants', { key: 'Zq3vN8pR2sT6wY9bC4eH7kM1xA5dG0jL3oQ8uV2iF6g' });
    expectErrorShape(forged, 401, 'invalid_signature', 'X-CP-Signature');
    // a signature made for another query does not verify either (checked before the nonce)
    const sent = await signedFetch(app, 'GET', '/v1/merchants', { query: 'limit=5' });
    expect(sent.status).toBe(200);
    const otherQuery = await signedFetch(app, 'GET', '/v1/merchants', { query: 'limit=6', replayHeaders: sent.sentHeaders });
    expectErrorShape(otherQuery, 401, 'invalid_signature', 'X-CP-Signature');
  });

  it('a signature algorithm header other than the registered one is 401 signature_algorithm_mismatch', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const r = await signedFetch(app, 'GET', '/v1/merchants', { algHeader: 'SM2-SM3' });
    expectErrorShape(r, 401, 'signature_algorithm_mismatch', 'X-CP-Signature-Alg');
  });

  it('an expired timestamp is 401 timestamp_out_of_window', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const r = await signedFetch(app, 'GET', '/v1/merchants', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expectErrorShape(r, 401, 'timestamp_out_of_window', 'X-CP-Timestamp');
  });

  it('a replayed request (same nonce) is 401 nonce_reused', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const first = await signedFetch(app, 'GET', '/v1/merchants');
    expect(first.status).toBe(200);
    const replay = await signedFetch(app, 'GET', '/v1/merchants', { replayHeaders: first.sentHeaders });
    expectErrorShape(replay, 401, 'nonce_reused', 'X-CP-Nonce');
  });

  it('an app without merchants:write creating a merchant is 403 missing_scope, and nothing is written', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    const input = merchantInput(app.tenantId);
    const r = await signedFetch(app, 'POST', '/v1/merchants', { body: input });
    expectErrorShape(r, 403, 'missing_scope');
    expect(await apiError(app.client.merchants.create(merchantInput(app.tenantId)))).toMatchObject({ status: 403, code: 'missing_scope' });
    const page = await app.client.merchants.list();
    expect(page.data).toEqual([]);
  });

  it('a suspended app is 403 app_suspended', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    expect((await app.client.merchants.list()).data).toEqual([]);
    await province().request('POST', `/v1/admin/apps/${app.appId}/suspend`, { body: {} });
    const refused = await eventually('the gateway to see the app suspended', async () => {
      const r = await signedFetch(app, 'GET', '/v1/merchants');
      return r.status === 200 ? undefined : r;
    });
    expectErrorShape(refused, 403, 'app_suspended');
    expect(await apiError(app.client.merchants.list())).toMatchObject({ status: 403, code: 'app_suspended' });
  });

  it('an app of a suspended county is 403 tenant_suspended (the county is resumed afterwards)', async () => {
    const app = await onboardApp({ tenantId: COUNTY_SUSPENDED, scopes: ['merchants:read'] });
    expect((await app.client.merchants.list()).data).toEqual([]);
    await province().request('POST', `/v1/admin/tenants/${COUNTY_SUSPENDED}/suspend`, { body: {} });
    try {
      const refused = await eventually('the gateway to see the county suspended', async () => {
        const r = await signedFetch(app, 'GET', '/v1/merchants');
        return r.status === 200 ? undefined : r;
      });
      expectErrorShape(refused, 403, 'tenant_suspended');
    } finally {
      await province().request('POST', `/v1/admin/tenants/${COUNTY_SUSPENDED}/resume`, { body: {} });
    }
    await eventually('the county to take calls again', async () => {
      const r = await signedFetch(app, 'GET', '/v1/merchants');
      return r.status === 200 ? true : undefined;
    });
  });

  it('an SM2-SM3 app signs its calls with its SM2 key and verifies the platform SM2 signature of the answers', async () => {
    const app = await onboardApp({ alg: 'SM2-SM3', scopes: ['merchants:read', 'merchants:write'] });
    const published = await app.client.platformKey();
    expect(published).toMatchObject({ algorithm: 'SM2-SM3', publicKey: platformPublicKey(), userId: '1234567812345678' });

    // the SDK verifies every answer with the platform key (it throws CountypaySignatureError otherwise)
    const created = await app.client.merchants.create(merchantInput(app.tenantId));
    expect(created.status).toBe('pending_review');
    const page = await app.client.merchants.list();
    expect(page.data.map((m) => m.merchantId)).toEqual([created.merchantId]);

    // and by hand, per docs/signing.md §5
    const r = await signedFetch(app, 'GET', `/v1/merchants/${created.merchantId}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('x-cp-signature-alg')).toBe('SM2-SM3');
    const canonicalOf = (body: Buffer): string =>
      responseCanonical({
        alg: 'SM2-SM3',
        status: r.status,
        requestId: r.headers.get('x-cp-request-id') as string,
        timestamp: r.headers.get('x-cp-timestamp') as string,
        requestNonce: r.nonce,
        body,
      });
    const signature = r.headers.get('x-cp-signature') as string;
    expect(verifyResponseSignature('SM2-SM3', published.publicKey, canonicalOf(r.body), signature)).toBe(true);
    expect(verifyResponseSignature('SM2-SM3', published.publicKey, canonicalOf(Buffer.from(r.text.replace('pending_review', 'active'))), signature)).toBe(
      false,
    );

    // errors are signed too; an unknown merchant id is 404
    const missing = await signedFetch(app, 'GET', '/v1/merchants/00000000-0000-4000-8000-00000000abcd');
    expect(missing.json<ApiErrorBody>().error.code).toBe('not_found');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-cp-signature-alg')).toBe('SM2-SM3');
  });

  it('keeps answering unknown_app for an app id the platform never issued', async () => {
    const ghost = { appId: 'app_00000000000000000000', alg: 'HMAC-SHA256' as const, signingKey: 'x'.repeat(43) };
    const r = await signedFetch(ghost, 'GET', '/v1/merchants');
    expectErrorShape(r, 401, 'unknown_app', 'X-CP-App-Id');
  });
});
