// Issue 3 end to end: tenant isolation behind the gateway, and the gateway's Idempotency-Key
// contract, as a partner sees them through the SDK.
import { randomUUID } from 'node:crypto';
import type { QrOrder } from '@countypay/sdk';
import { USCC_CHARSET } from '@countypay/security';
import {
  COUNTY_A,
  COUNTY_B,
  type ApiErrorBody,
  activeMerchant,
  apiError,
  createPartner,
  eventually,
  expectErrorShape,
  firstPayableOrder,
  merchantInput,
  onboardApp,
  signedFetch,
  unique,
  wechatPayerCode,
  withWrongCheckCharacter,
} from './gateway-fixtures';

describe('gateway e2e: tenant isolation', () => {
  it('an app of county A cannot read, update, extend or take payments for a merchant of county B (404, nothing changes)', async () => {
    // one partner with an app in each county: only the tenant differs
    const partnerId = await createPartner('regional_platform');
    const appA = await onboardApp({ tenantId: COUNTY_A, partnerId });
    const appB = await onboardApp({ tenantId: COUNTY_B, partnerId });
    const b = await activeMerchant(appB);
    const mB = b.merchant.merchantId;
    // B's merchant takes payments in B (so a refusal in A is the tenancy, not the merchant)
    await firstPayableOrder(appB, b);
    const before = await appB.client.merchants.get(mB);

    const read = await signedFetch(appA, 'GET', `/v1/merchants/${mB}`);
    expectErrorShape(read, 404, 'not_found');
    const update = await signedFetch(appA, 'PATCH', `/v1/merchants/${mB}`, { body: { legalName: '被篡改的商户名称有限公司', city: '绵阳' } });
    expectErrorShape(update, 404, 'not_found');
    const store = await signedFetch(appA, 'POST', `/v1/merchants/${mB}/stores`, { body: { name: 'Intruder store' } });
    expectErrorShape(store, 404, 'not_found');
    const terminal = await signedFetch(appA, 'POST', `/v1/stores/${b.storeId}/terminals`, { body: { serialNo: unique('SN') } });
    expectErrorShape(terminal, 404, 'not_found');
    // the SDK sees the same
    expect(await apiError(appA.client.merchants.get(mB))).toMatchObject({ status: 404, code: 'not_found' });

    const after = await appB.client.merchants.get(mB);
    expect(after).toEqual(before);
    expect(after.stores?.map((s) => s.storeId)).toEqual([b.storeId]);
    expect(after.stores?.[0].terminals.map((t) => t.terminalId)).toEqual([b.terminalId]);

    // paying a merchant of county B from county A
    const outTradeNo = unique('xt');
    const pay = await signedFetch(appA, 'POST', '/v1/qr/orders', { body: { merchantId: mB, outTradeNo, amountFen: 1000 } });
    expectErrorShape(pay, 404, 'not_found', 'merchantId');
    const pos = await signedFetch(appA, 'POST', '/v1/qr/pos/payments', {
      body: { merchantId: mB, terminalId: b.terminalId, outTradeNo: unique('xp'), amountFen: 1000, payerCode: wechatPayerCode() },
    });
    expectErrorShape(pos, 404, 'not_found', 'merchantId');
    expect((await appA.client.qrOrders.list({ outTradeNo })).data).toEqual([]);
    expect((await appA.client.qrOrders.list()).data).toEqual([]);
    expect((await appB.client.qrOrders.list({ outTradeNo })).data).toEqual([]);
  });
});

describe('gateway e2e: idempotency', () => {
  it('the same key and request answer the stored first response, errors included; the same key with another body is 422', async () => {
    const app = await onboardApp({ scopes: ['merchants:read', 'merchants:write'] });
    const { client, log } = app.recorded;

    // a success, sent twice with one key
    const key = randomUUID();
    const input = merchantInput(app.tenantId);
    const first = await client.merchants.create(input, { idempotencyKey: key });
    const firstRaw = log[log.length - 1];
    expect(firstRaw.status).toBe(201);
    expect(firstRaw.headers.get('idempotent-replayed')).toBeNull();
    const second = await client.merchants.create(input, { idempotencyKey: key });
    const secondRaw = log[log.length - 1];
    expect(secondRaw.status).toBe(201);
    expect(secondRaw.headers.get('idempotent-replayed')).toBe('true');
    expect(secondRaw.body).toBe(firstRaw.body);
    expect(second).toEqual(first);
    expect((await client.merchants.list()).data.map((m) => m.merchantId)).toEqual([first.merchantId]);

    // an error answer is stored and replayed as well
    const errKey = randomUUID();
    const bad = merchantInput(app.tenantId, { uscc: withWrongCheckCharacter(merchantInput(app.tenantId).uscc, USCC_CHARSET) });
    expect(await apiError(client.merchants.create(bad, { idempotencyKey: errKey }))).toMatchObject({ status: 400, code: 'invalid_uscc', param: 'uscc' });
    const errFirst = log[log.length - 1];
    expect(await apiError(client.merchants.create(bad, { idempotencyKey: errKey }))).toMatchObject({ status: 400, code: 'invalid_uscc', param: 'uscc' });
    const errSecond = log[log.length - 1];
    expect(errSecond.headers.get('idempotent-replayed')).toBe('true');
    expect(errSecond.body).toBe(errFirst.body);
    expect(JSON.parse(errSecond.body)).toMatchObject({ error: { code: 'invalid_uscc', param: 'uscc' } });

    // the same key with another body
    const other = merchantInput(app.tenantId);
    expect(await apiError(client.merchants.create(other, { idempotencyKey: key }))).toMatchObject({
      status: 422,
      code: 'idempotency_key_reused',
      param: 'Idempotency-Key',
    });
    const reused = log[log.length - 1];
    expectErrorShape({ status: reused.status, headers: reused.headers, text: reused.body }, 422, 'idempotency_key_reused', 'Idempotency-Key');
    const all = (await client.merchants.list()).data;
    expect(all.map((m) => m.merchantId)).toEqual([first.merchantId]);
    expect(all.some((m) => m.uscc === other.uscc)).toBe(false);
  });

  it('a duplicate sent while the first is still in flight is 409 idempotency_request_in_progress; afterwards it replays the first answer', async () => {
    const app = await onboardApp();
    const m = await activeMerchant(app);
    await firstPayableOrder(app, m);

    // amount ending 31: the channel sandbox hangs past qr-payment's channel timeout, so the POS
    // payment stays in flight for seconds (timeout, then a status query)
    const key = randomUUID();
    const body = { merchantId: m.merchant.merchantId, terminalId: m.terminalId, outTradeNo: unique('slow'), amountFen: 1231, payerCode: wechatPayerCode() };
    const firstCall = signedFetch(app, 'POST', '/v1/qr/pos/payments', { body, idempotencyKey: key });
    // the order exists once the gateway has claimed the key and qr-payment has started; the POS
    // call itself is still waiting for the channel (its notification may already have marked the
    // order succeeded: the sandbox notifies while the payment call hangs)
    const inFlight = await eventually(
      'the slow payment to start',
      async () => {
        const page = await app.client.qrOrders.list({ outTradeNo: body.outTradeNo });
        return page.data.length === 1 ? page.data[0] : undefined;
      },
      10_000,
      50,
    );
    expect(['paying', 'succeeded']).toContain(inFlight.status);

    const duplicate = await signedFetch(app, 'POST', '/v1/qr/pos/payments', { body, idempotencyKey: key });
    expectErrorShape(duplicate, 409, 'idempotency_request_in_progress', 'Idempotency-Key');
    expect(duplicate.headers.get('retry-after')).toBe('1');

    const first = await firstCall;
    expect(first.status).toBe(200);
    const paid = first.json<QrOrder>();
    expect(paid).toMatchObject({ outTradeNo: body.outTradeNo, amountFen: 1231, status: 'succeeded', kind: 'payer_code', channel: 'wechat' });

    const again = await signedFetch(app, 'POST', '/v1/qr/pos/payments', { body, idempotencyKey: key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    const orders = (await app.client.qrOrders.list({ outTradeNo: body.outTradeNo })).data;
    expect(orders.map((o) => [o.id, o.status])).toEqual([[paid.id, 'succeeded']]);
    // (the 409 itself is an error answer, not a replay)
    expect(duplicate.json<ApiErrorBody>().error.requestId).not.toBe(first.headers.get('x-request-id'));
  });
});
