// Issue 3 end to end: the per-app rate limit, and bad input answered with the error shape
// (never a 500), through the public gateway.
import { RESIDENT_ID_PROVINCE_PREFIXES, USCC_CHARSET } from '@countypay/security';
import { type RawResult, apiError, expectErrorShape, merchantInput, onboardApp, signedFetch, withWrongCheckCharacter } from './gateway-fixtures';

/** GATEWAY_RATE_LIMIT_APP_PER_MINUTE of the e2e profile (tools/platform.mjs). */
const APP_LIMIT = 120;

describe('gateway e2e: rate limit', () => {
  it('more than 120 signed requests a minute from one app are 429 rate_limited with Retry-After', async () => {
    const app = await onboardApp({ scopes: ['merchants:read'] });
    let ok = 0;
    let refused: RawResult | undefined;
    // the waitUntilKnown probe already counted one; stop at the first refusal (bounded)
    for (let i = 0; i < APP_LIMIT * 3 && !refused; i += 1) {
      const r = await signedFetch(app, 'GET', '/v1/webhooks/deliveries');
      if (r.status === 200) ok += 1;
      else refused = r;
    }
    expect(refused).toBeDefined();
    const r = refused as RawResult;
    expectErrorShape(r, 429, 'rate_limited');
    expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(r.headers.get('x-ratelimit-limit')).toBe(String(APP_LIMIT));
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    // about the limit went through before (the sliding window may round a request or two)
    expect(ok + 1).toBeGreaterThanOrEqual(APP_LIMIT);
    expect(ok + 1).toBeLessThanOrEqual(APP_LIMIT + 5);
    // the SDK surfaces it as an API error; another app is not affected
    expect(await apiError(app.client.merchants.list())).toMatchObject({ status: 429, code: 'rate_limited' });
    const other = await onboardApp({ scopes: ['merchants:read'] });
    expect((await other.client.merchants.list()).data).toEqual([]);
  });
});

describe('gateway e2e: bad input', () => {
  it('invalid KYC data, oversized, malformed, unknown-field and non-JSON bodies: exact 4xx codes, the error shape, never a 500, nothing written', async () => {
    const app = await onboardApp({ scopes: ['merchants:read', 'merchants:write'] });
    const seen: RawResult[] = [];
    const post = async (o: Parameters<typeof signedFetch>[3]): Promise<RawResult> => {
      const r = await signedFetch(app, 'POST', '/v1/merchants', o);
      seen.push(r);
      return r;
    };

    const badUscc = merchantInput(app.tenantId);
    badUscc.uscc = withWrongCheckCharacter(badUscc.uscc, USCC_CHARSET);
    expectErrorShape(await post({ body: badUscc }), 400, 'invalid_uscc', 'uscc');

    const badId = merchantInput(app.tenantId);
    badId.legalRepIdNumber = withWrongCheckCharacter(badId.legalRepIdNumber, '0123456789X');
    expectErrorShape(await post({ body: badId }), 400, 'invalid_id_number', 'legalRepIdNumber');
    // an ID number of no province, with a correct-looking shape
    const noProvince = merchantInput(app.tenantId);
    const unused = ['00', '99', '10'].find((p) => !RESIDENT_ID_PROVINCE_PREFIXES.has(p)) as string;
    noProvince.legalRepIdNumber = unused + noProvince.legalRepIdNumber.slice(2);
    expectErrorShape(await post({ body: noProvince }), 400, 'invalid_id_number', 'legalRepIdNumber');

    // over the gateway's 64 KiB body limit
    const huge = merchantInput(app.tenantId, { address: '城'.repeat(30_000) });
    expectErrorShape(await post({ body: huge }), 413, 'payload_too_large');

    expectErrorShape(await post({ rawBody: '{"legalName": "金堂县超市", ' }), 400, 'invalid_json');

    const extra = { ...merchantInput(app.tenantId), favouriteColour: 'red' };
    const unknown = expectErrorShape(await post({ body: extra }), 400, 'unknown_field', 'favouriteColour');
    expect(unknown.message).toContain('favouriteColour');

    // hostile bodies, signed: nesting deep enough to exhaust a recursive walker, a NUL that PostgreSQL text cannot hold, invalid UTF-8
    const deep = expectErrorShape(await post({ rawBody: '['.repeat(5000) + ']'.repeat(5000) }), 400, 'invalid_json');
    expect(deep.message).toMatch(/nested more than \d+ levels/);
    expectErrorShape(await post({ rawBody: '{"a":'.repeat(10_000) }), 400, 'invalid_json'); // 50 KB: under the body limit
    const nul = expectErrorShape(
      await post({ body: merchantInput(app.tenantId, { legalName: '金堂县\u0000超市有限公司' }) }),
      400,
      'invalid_request',
      'legalName',
    );
    expect(nul.message).toContain('NUL');
    const latin1 = Buffer.concat([Buffer.from('{"legalName":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    expectErrorShape(await post({ rawBody: latin1 }), 400, 'invalid_json');

    const form = await post({ rawBody: 'legalName=x&uscc=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectErrorShape(form, 415, 'unsupported_media_type');
    const text = await post({ rawBody: JSON.stringify(merchantInput(app.tenantId)), headers: { 'content-type': 'text/plain' } });
    expectErrorShape(text, 415, 'unsupported_media_type');

    for (const r of seen) {
      expect(r.status).toBeLessThan(500);
      expect(r.headers.get('x-request-id')).toBeTruthy();
      expect(r.headers.get('x-cp-request-id')).toBe(r.headers.get('x-request-id'));
    }
    // the SDK reports the same codes
    expect(await apiError(app.client.merchants.create(badUscc))).toMatchObject({ status: 400, code: 'invalid_uscc', param: 'uscc' });
    // nothing was written
    expect((await app.client.merchants.list()).data).toEqual([]);
  });
});
