import { ApiError } from '@countypay/contracts';
import { Keyset } from './pagination';
import { Where } from './sql';

const ORDERS = new Keyset(
  'qr-orders',
  [
    { sql: 'o.created_at', type: 'timestamp' },
    { sql: 'o.id', type: 'uuid' },
  ],
  'desc',
);
const ENTRIES = new Keyset('ledger-entries', [{ sql: 'e.seq', type: 'bigint' }], 'desc');

describe('Keyset', () => {
  it('orders by the qualified table columns, never an output alias', () => {
    expect(ORDERS.orderBy()).toBe('o.created_at desc, o.id desc');
    expect(ENTRIES.orderBy()).toBe('e.seq desc');
    expect(ENTRIES.selectKeys()).toBe('e.seq::text as _page_key_0');
  });

  it('continues after a cursor comparing the keys in their SQL types', () => {
    const w = new Where(['t510121']);
    const cursor = ORDERS.encode(['2026-11-29 06:00:00.123456+00', 'a1b2c3d4-0000-4000-8000-000000000001']);
    ORDERS.addAfter(w, cursor);
    expect(w.sql()).toBe('where (o.created_at, o.id) < ($2::timestamptz, $3::uuid)');
    expect(w.params).toEqual(['t510121', '2026-11-29 06:00:00.123456+00', 'a1b2c3d4-0000-4000-8000-000000000001']);

    const e = new Where();
    ENTRIES.addAfter(e, ENTRIES.encode(['1000']));
    expect(e.sql()).toBe('where (e.seq) < ($1::bigint)');
    const asc = new Keyset('x', [{ sql: 'seq', type: 'bigint' }], 'asc');
    const a = new Where();
    asc.addAfter(a, asc.encode(['9999']));
    expect(a.sql()).toBe('where (seq) > ($1::bigint)');
  });

  it('round-trips a cursor and keeps microseconds', () => {
    const values = ['2026-11-29 06:00:00.999999+08', 'a1b2c3d4-0000-4000-8000-000000000001'];
    expect(ORDERS.decode(ORDERS.encode(values))).toEqual(values);
  });

  it.each([
    ['garbage', 'not base64 at all!'],
    ['another list', ENTRIES.encode(['5'])],
    ['too many parts', Buffer.from(JSON.stringify(['qr-orders', 'a', 'b', 'c'])).toString('base64url')],
    ['a bad timestamp', ORDERS.encode(['yesterday', 'a1b2c3d4-0000-4000-8000-000000000001'])],
    ['a bad uuid', ORDERS.encode(['2026-11-29 06:00:00+00', "1' or '1'='1"])],
    ['a number instead of text', Buffer.from(JSON.stringify(['ledger-entries', 5])).toString('base64url')],
    ['an overflowing sequence', ENTRIES.encode(['99999999999999999999'])],
    ['an empty string', ''],
  ])('refuses %s with a 400 naming cursor', (_what, cursor) => {
    expect(() => ORDERS.decode(cursor)).toThrow(ApiError);
    try {
      ORDERS.decode(cursor);
    } catch (e) {
      expect(e).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    }
  });

  it('refuses key columns that are not plain identifiers', () => {
    expect(() => new Keyset('x', [{ sql: 'seq; drop table y', type: 'bigint' }], 'desc')).toThrow(/plain/);
  });
});

describe('cursor timestamps', () => {
  it.each([
    '2026-13-01 00:00:00+00',
    '2026-02-30 00:00:00+00',
    '2026-11-29 24:00:00+00',
    '2026-11-29 06:00:00+99',
    '2026-11-29 06:00:00+15:99',
    '2026-11-29 06:00:00+00:60',
    '2026-11-29 06:00:00-0160',
  ])('refuses %s', (t) => {
    expect(() => ORDERS.decode(ORDERS.encode([t, 'a1b2c3d4-0000-4000-8000-000000000001']))).toThrow(ApiError);
  });
});
