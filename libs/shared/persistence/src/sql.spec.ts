import { col, rowOf, snakeCase, Where, type RowType } from './sql';

const ORDER = rowOf({
  id: col.uuid(),
  amountFen: col.bigint(),
  storeId: col.uuid().nullable(),
  businessDay: col.date(),
  paidAt: col.timestamp().nullable(),
  version: col.int(),
  seq: col.bigintText(),
  stores: col.json<Array<{ storeId: string }>>(),
  scopes: col.textArray(),
  legalName: col.text().as('name'),
  total: col.expr('coalesce(sum({c}), 0)', col.bigint()),
});
type Order = RowType<typeof ORDER>;

describe('row shapes', () => {
  it('select every column once, qualified, with snake_case names and expressions under their name', () => {
    expect(ORDER.columns('o')).toBe(
      'o.id, o.amount_fen, o.store_id, o.business_day, o.paid_at, o.version, o.seq, o.stores, o.scopes, o.name, coalesce(sum(o.total), 0) as total',
    );
    expect(ORDER.columns()).toMatch(/^id, amount_fen, /);
    expect(ORDER.names()).toContain('business_day');
  });

  it('decode a row as node-postgres returns it into the typed record', () => {
    const paid = new Date('2026-11-29T06:00:00.123Z');
    const o: Order = ORDER.decode({
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      amount_fen: '9007199254740993',
      store_id: null,
      business_day: '2026-11-29',
      paid_at: paid,
      version: 3,
      seq: '10000',
      stores: [{ storeId: 's' }],
      scopes: ['qr:pay'],
      name: '成都某商户',
      total: '0',
    });
    expect(o).toEqual({
      id: 'a1b2c3d4-0000-4000-8000-000000000001',
      amountFen: 9007199254740993n,
      storeId: null,
      businessDay: '2026-11-29',
      paidAt: paid,
      version: 3,
      seq: '10000',
      stores: [{ storeId: 's' }],
      scopes: ['qr:pay'],
      legalName: '成都某商户',
      total: 0n,
    });
  });

  it('refuse a value of the wrong kind and a column the query did not select, naming the column', () => {
    const good = {
      id: 'x',
      amount_fen: '1',
      store_id: null,
      business_day: '2026-11-29',
      paid_at: null,
      version: 1,
      seq: '1',
      stores: [],
      scopes: [],
      name: 'n',
      total: '0',
    };
    expect(() => ORDER.decode({ ...good, amount_fen: '1.5' })).toThrow(/amount_fen/);
    expect(() => ORDER.decode({ ...good, business_day: new Date() })).toThrow(/business_day/);
    expect(() => ORDER.decode({ ...good, id: null })).toThrow(/column id/);
    const { version: _v, ...missing } = good;
    expect(() => ORDER.decode(missing)).toThrow(/did not select column version/);
  });

  it('name columns in snake_case', () => {
    expect(snakeCase('partnerAppId')).toBe('partner_app_id');
    expect(snakeCase('id')).toBe('id');
    expect(() => rowOf({ bad: col.text().as('x; drop table y') })).toThrow(/plain column/);
  });
});

describe('Where', () => {
  it('numbers parameters in order and skips undefined filters', () => {
    const w = new Where(['t1']);
    w.add('o.app_id = ?', 'app_x').add('o.state = ?', undefined).add('o.amount_fen between ? and ?', 1n, 100n);
    expect(w.sql()).toBe('where o.app_id = $2 and o.amount_fen between $3 and $4');
    expect(w.bind(21)).toBe('$5');
    expect(w.params).toEqual(['t1', 'app_x', 1n, 100n, 21]);
    expect(new Where().sql()).toBe('');
  });

  it('refuses a condition whose placeholders do not match its values', () => {
    expect(() => new Where().add('a = ? and b = ?', 1)).toThrow(/2 placeholders for 1 values/);
  });
});
