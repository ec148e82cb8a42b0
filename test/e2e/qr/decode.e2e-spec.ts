// The public payload decoder, through the gateway without a signature, as a cashier app would call it.
import { countypayMerchantAccount, encodeMpm } from '@countypay/emvco';
import { gatewayUrl } from '../support/platform';

async function decode(payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gatewayUrl()}/v1/qr/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('EMVCo payload decoder (public, through the gateway)', () => {
  const payload = encodeMpm({
    pointOfInitiation: 'dynamic',
    merchantAccounts: [countypayMerchantAccount({ merchantId: 'M0000000000000000000001', tenantCode: '510121' })],
    merchantCategoryCode: '5411',
    transactionCurrency: '156',
    countryCode: 'CN',
    amountFen: 2_500n,
    merchantName: '金堂县便利店',
    merchantCity: '成都',
  });

  it('decodes a valid payload with its amount in fen', async () => {
    const r = await decode(payload);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      valid: true,
      payable: true,
      fields: { pointOfInitiation: 'dynamic', amountFen: 2500, merchantCity: '成都', transactionCurrency: '156', countryCode: 'CN' },
    });
  });

  it('says precisely what is wrong with a corrupted one', async () => {
    const bad = payload.replace('5411', '5412'); // one digit changed: the CRC no longer matches
    const r = await decode(bad);
    expect(r.status).toBe(200);
    expect(r.body['valid']).toBe(false);
    expect((r.body['errors'] as Array<{ code: string }>).map((e) => e.code)).toContain('crc_mismatch');
  });

  it('refuses a request without a payload with the error shape', async () => {
    const r = await decode(undefined);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'invalid_request', param: 'payload' } });
  });
});
