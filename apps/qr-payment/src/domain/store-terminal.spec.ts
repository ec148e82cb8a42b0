import { placeOfPayment, type MerchantPlaces } from './store-terminal';

const merchant: MerchantPlaces = {
  merchantId: 'm1',
  stores: [
    {
      storeId: 's1',
      status: 'active',
      terminals: [
        { terminalId: 't1', status: 'active' },
        { terminalId: 't2', status: 'disabled' },
      ],
    },
    { storeId: 's2', status: 'disabled', terminals: [{ terminalId: 't3', status: 'active' }] },
  ],
};

const codeOf = (d: ReturnType<typeof placeOfPayment>): string => (d.ok ? 'ok' : d.code);

describe('placeOfPayment: stores and terminals', () => {
  it('a terminal resolves to its store', () => {
    expect(placeOfPayment(merchant, { terminalId: 't1' })).toEqual({ ok: true, value: { storeId: 's1', terminalId: 't1' } });
    expect(placeOfPayment(merchant, { storeId: 's1', terminalId: 't1' })).toEqual({ ok: true, value: { storeId: 's1', terminalId: 't1' } });
  });

  it('a disabled terminal, or one in a disabled store, takes no payment', () => {
    expect(placeOfPayment(merchant, { terminalId: 't2' })).toMatchObject({ ok: false, code: 'merchant_not_active', param: 'terminalId' });
    expect(codeOf(placeOfPayment(merchant, { terminalId: 't3' }))).toBe('merchant_not_active');
  });

  it("another merchant's terminal or store is not found", () => {
    expect(placeOfPayment(merchant, { terminalId: 'tx' })).toMatchObject({ ok: false, code: 'not_found', param: 'terminalId' });
    expect(codeOf(placeOfPayment(merchant, { storeId: 's2', terminalId: 't1' }))).toBe('not_found');
    expect(placeOfPayment(merchant, { storeId: 'sx' })).toMatchObject({ ok: false, code: 'not_found', param: 'storeId' });
  });

  it('a store must be active; no store or terminal named is no place', () => {
    expect(placeOfPayment(merchant, { storeId: 's2' })).toMatchObject({ ok: false, code: 'merchant_not_active', param: 'storeId' });
    expect(placeOfPayment(merchant, { storeId: 's1' })).toEqual({ ok: true, value: { storeId: 's1', terminalId: null } });
    expect(placeOfPayment(merchant, {})).toEqual({ ok: true, value: { storeId: null, terminalId: null } });
  });
});
